//! The golden suite: every `tests/lisp/NAME.lisp` runs in both tiers —
//! interpreted, with the JIT compiling every lambda on its first call
//! (`--jit --jit-threshold 0`: code without type feedback), and with the
//! JIT compiling each lambda after two interpreted calls (`--jit-threshold
//! 2`: code specialised on what those calls saw, then run on anything
//! else). Stdout must equal `NAME.out` exactly; every
//! line of `NAME.err`, if present, must appear in stderr; the exit status
//! must equal `NAME.status` (default 0). A difference between the tiers is
//! reported as such.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(120);

struct Outcome {
    stdout: String,
    stderr: String,
    status: i32,
}

fn run(program: &Path, tier: &[&str]) -> Outcome {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lisp"))
        .args(tier)
        .arg("run")
        .arg(program)
        .current_dir(program.parent().expect("tests/lisp"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn lisp");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let out = child.wait_with_output().expect("output");
    Outcome {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        status: out.status.code().unwrap_or(-1),
    }
}

fn check(program: &Path, tier_name: &str, outcome: &Outcome) -> Vec<String> {
    let mut failures = Vec::new();
    let name = program.display();
    let expected_out = std::fs::read_to_string(program.with_extension("out")).unwrap_or_default();
    if outcome.stdout != expected_out {
        failures.push(format!(
            "{name} [{tier_name}]: stdout differs\n--- expected\n{expected_out}--- actual\n{}--- stderr\n{}",
            outcome.stdout, outcome.stderr
        ));
    }
    let expected_status = std::fs::read_to_string(program.with_extension("status"))
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0);
    if outcome.status != expected_status {
        failures.push(format!(
            "{name} [{tier_name}]: exit status {} (expected {expected_status})\n--- stderr\n{}",
            outcome.status, outcome.stderr
        ));
    }
    if let Ok(fragments) = std::fs::read_to_string(program.with_extension("err")) {
        for fragment in fragments.lines().filter(|l| !l.trim().is_empty()) {
            if !outcome.stderr.contains(fragment) {
                failures.push(format!(
                    "{name} [{tier_name}]: stderr lacks {fragment:?}\n--- stderr\n{}",
                    outcome.stderr
                ));
            }
        }
    }
    failures
}

fn programs() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lisp");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/lisp")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "lisp"))
        // Debug frames are several times larger than release ones, so the
        // 10^6-deep recursion programs are checked in release builds only.
        .filter(|p| {
            !cfg!(debug_assertions)
                || !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("deep-"))
        })
        .collect();
    out.sort();
    out
}

/// Runs every program in both tiers on a few threads at once.
#[test]
fn golden_programs_pass_in_both_tiers() {
    let all = programs();
    let filter = std::env::var("GOLDEN").ok();
    let selected: Vec<PathBuf> = all
        .into_iter()
        .filter(|p| {
            filter
                .as_ref()
                .is_none_or(|f| p.display().to_string().contains(f.as_str()))
        })
        .collect();
    let queue = std::sync::Mutex::new(selected.clone());
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..3 {
            s.spawn(|| loop {
                let Some(program) = queue.lock().unwrap().pop() else {
                    return;
                };
                let interp = run(&program, &[]);
                let jit = run(&program, &["--jit", "--jit-threshold", "0"]);
                let warm = run(&program, &["--jit", "--jit-threshold", "2"]);
                let mut found = check(&program, "interpreter", &interp);
                found.extend(check(&program, "jit", &jit));
                found.extend(check(&program, "jit after warm-up", &warm));
                for (name, other) in [("jit", &jit), ("jit after warm-up", &warm)] {
                    if interp.stdout != other.stdout {
                        found.push(format!(
                            "{}: the interpreter and {name} print different output",
                            program.display()
                        ));
                    }
                }
                failures.lock().unwrap().extend(found);
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {} golden checks failed:\n\n{}",
        failures.len(),
        selected.len() * 3,
        failures.join("\n\n")
    );
}
