//! `lisp bench`: runs each program in the interpreter and with the JIT,
//! several times each, checks that both tiers print the same, and prints a
//! table of medians, the speed-up and the JIT's compile time (in all, and
//! the median per compiled lambda).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The project's own benchmark programs (benches/*.scm).
fn default_programs() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "scm"))
                .collect()
        })
        .unwrap_or_default();
    out.retain(|p| {
        !p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("closure-memory"))
    });
    out.sort();
    out
}

struct Timing {
    median_ms: f64,
    stdout: String,
    /// The total compile time, from `--jit-stats` (median over the runs).
    compile_ms: Option<f64>,
    /// The compile time of one lambda, from `--jit-stats` (the median
    /// over the lambdas of a run, then over the runs).
    median_compile_ms: Option<f64>,
}

fn time_tier(exe: &Path, program: &Path, jit: bool, runs: usize) -> Result<Timing, String> {
    let mut times = Vec::new();
    let mut stdout = String::new();
    let mut compile_ms = Vec::new();
    let mut median_compile_ms = Vec::new();
    for _ in 0..runs.max(1) {
        let mut cmd = Command::new(exe);
        cmd.arg("run");
        if jit {
            cmd.arg("--jit").arg("--jit-stats");
        }
        cmd.arg(program);
        let start = Instant::now();
        let out = cmd.output().map_err(|e| e.to_string())?;
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stat = |key: &str| {
            stderr
                .lines()
                .find_map(|l| l.split(key).nth(1))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|n| n.parse::<f64>().ok())
        };
        compile_ms.extend(stat("compile time "));
        median_compile_ms.extend(stat("(median "));
    }
    Ok(Timing {
        median_ms: median(&mut times).expect("at least one run"),
        stdout,
        compile_ms: median(&mut compile_ms),
        median_compile_ms: median(&mut median_compile_ms),
    })
}

/// The median of `values`, if any: the middle one, or the mean of the
/// middle two when there is an even number of them.
pub fn median(values: &mut [f64]) -> Option<f64> {
    values.sort_by(|a, b| a.total_cmp(b));
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

/// Benchmarks `files` (or the default set); returns the exit status.
pub fn run(files: &[PathBuf], runs: usize) -> u8 {
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: cannot find the lisp executable: {e}");
            return 1;
        }
    };
    let programs = if files.is_empty() {
        default_programs()
    } else {
        files.to_vec()
    };
    println!(
        "| program | interpreter ms | JIT ms | speed-up | JIT compile ms | median per lambda ms |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    let mut status = 0;
    for program in programs {
        let name = program
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let interp = time_tier(&exe, &program, false, runs);
        let jit = time_tier(&exe, &program, true, runs);
        match (interp, jit) {
            (Ok(i), Ok(j)) => {
                if i.stdout != j.stdout {
                    println!("| {name} | MISMATCH: the tiers printed different output | | | | |");
                    status = 1;
                    continue;
                }
                let ms = |v: Option<f64>| v.map_or("-".to_string(), |c| format!("{c:.2}"));
                let (compile, median) = (ms(j.compile_ms), ms(j.median_compile_ms));
                println!(
                    "| {name} | {:.1} | {:.1} | {:.2}x | {compile} | {median} |",
                    i.median_ms,
                    j.median_ms,
                    i.median_ms / j.median_ms
                );
            }
            (Err(e), _) | (_, Err(e)) => {
                println!(
                    "| {name} | FAILED: {} | | | | |",
                    e.lines().next().unwrap_or("")
                );
                status = 1;
            }
        }
    }
    status
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn median_is_the_middle_value_or_the_mean_of_the_middle_two() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&mut [0.7, 1.6]), Some(1.15));
    }
}
