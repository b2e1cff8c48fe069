//! The command-line tools: `lisp test`, `lisp help`, `lisp eval`, `lisp
//! bench` and the sandbox flags, exercised through the real binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn lisp(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lisp"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run lisp")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lisp-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn lisp_test_reports_failures_and_counts() {
    let dir = scratch("test");
    std::fs::write(
        dir.join("sample.lisp"),
        "(define-test \"good\" (assert-equal 2 (+ 1 1)))\n(define-test \"bad\"\n  (assert-equal 3 (+ 1 1)))\n(define-test \"hangs\" (let loop () (loop)))\n",
    )
    .unwrap();
    let out = lisp(&["test", "--timeout", "1", "."], &dir);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("FAIL bad (./sample.lisp:2)"), "{stdout}");
    assert!(
        stdout.contains("expected: 3") && stdout.contains("actual:   2"),
        "{stdout}"
    );
    assert!(
        stdout.contains("FAIL hangs") && stdout.contains("timed out"),
        "{stdout}"
    );
    assert!(
        stdout.trim_end().ends_with("1 passed, 2 failed"),
        "{stdout}"
    );
}

#[test]
fn lisp_test_passes_on_the_projects_own_tests() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = lisp(&["test", "tests/lisp-tests"], root);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.trim_end().ends_with("19 passed, 0 failed"),
        "{stdout}"
    );
}

#[test]
fn lisp_help_prints_entries_and_suggestions() {
    let dir = scratch("help");
    let out = lisp(&["help", "map"], &dir);
    assert!(text(&out.stdout).contains("(map proc list1 list2 ...)"));
    let out = lisp(&["help", "channel-recieve"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("channel-recv"),
        "{}",
        text(&out.stderr)
    );
    let out = lisp(&["help"], &dir);
    assert!(text(&out.stdout).contains("Concurrency:"));
}

#[test]
fn eval_prints_the_value_and_command_line_sees_arguments() {
    let dir = scratch("eval");
    let out = lisp(&["eval", "(list 1 \"two\" #\\3)"], &dir);
    assert_eq!(text(&out.stdout), "(1 \"two\" #\\3)\n");
    std::fs::write(dir.join("args.lisp"), "(write (command-line))").unwrap();
    let out = lisp(&["run", "args.lisp", "a", "--b"], &dir);
    assert_eq!(text(&out.stdout), "(\"args.lisp\" \"a\" \"--b\")");
}

#[test]
fn the_sandbox_denies_by_default_and_confines_paths() {
    let dir = scratch("sandbox");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join("data/in.txt"), "inside").unwrap();
    std::fs::write(dir.join("secret.txt"), "outside").unwrap();
    std::os::unix::fs::symlink(dir.join("secret.txt"), dir.join("data/link.txt")).unwrap();
    let attempt = |flags: &[&str], expr: &str| {
        let mut args: Vec<&str> = flags.to_vec();
        let wrapped =
            format!("(guard (e (#t (display (error-object-message e)))) (display {expr}))");
        args.extend(["eval", wrapped.as_str()]);
        text(&lisp(&args, &dir).stdout)
    };
    assert!(attempt(&[], "(read-file \"data/in.txt\")").contains("denied (run with --allow-read)"));
    assert_eq!(
        attempt(&["--allow-read=data"], "(read-file \"data/in.txt\")"),
        "inside"
    );
    assert!(
        attempt(&["--allow-read=data"], "(read-file \"data/../secret.txt\")").contains("denied")
    );
    assert!(attempt(&["--allow-read=data"], "(read-file \"secret.txt\")").contains("denied"));
    let abs = dir.join("secret.txt").display().to_string();
    assert!(attempt(&["--allow-read=data"], &format!("(read-file \"{abs}\")")).contains("denied"));
    assert!(
        attempt(&["--allow-read=data"], "(read-file \"data/link.txt\")").contains("denied"),
        "symlink escape"
    );
    assert!(
        attempt(&["--allow-read=data"], "(write-file \"data/x.txt\" \"y\")")
            .contains("--allow-write")
    );
    assert_eq!(
        attempt(
            &["--allow-write=data", "--allow-read=data"],
            "(begin (write-file \"data/x.txt\" \"y\") (read-file \"data/x.txt\"))"
        ),
        "y"
    );
    assert!(attempt(&[], "(tcp-connect \"localhost\" 1)").contains("--allow-net"));
    assert_eq!(attempt(&["-A"], "(read-file \"secret.txt\")"), "outside");
    // Spawned threads share the sandbox.
    assert!(attempt(&[], "(join (spawn (lambda () (guard (e (#t (error-object-message e))) (read-file \"data/in.txt\")))))").contains("--allow-read"));
}

#[test]
fn bench_times_both_tiers_and_reports_compile_times() {
    let dir = scratch("bench");
    std::fs::write(
        dir.join("count.lisp"),
        "(define (count n acc) (if (= n 0) acc (count (- n 1) (+ acc 1))))\n\
         (display (count 100000 0))\n",
    )
    .unwrap();
    let out = lisp(&["bench", "--runs", "1", "count.lisp"], &dir);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    let row = stdout
        .lines()
        .find(|l| l.starts_with("| count.lisp |"))
        .unwrap_or_else(|| panic!("no row for the program:\n{stdout}"));
    let cells: Vec<&str> = row.split('|').map(str::trim).collect();
    // | name | interp | jit | speed-up | compile | median per lambda |
    assert_eq!(cells.len(), 8, "{row}");
    for cell in [cells[2], cells[3], cells[5], cells[6]] {
        let ms: f64 = cell
            .parse()
            .unwrap_or_else(|_| panic!("not a number: {cell:?} in {row}"));
        assert!(ms >= 0.0, "{row}");
    }
    assert!(cells[4].ends_with('x'), "{row}");
    // One lambda was compiled: its compile time is the median.
    assert_eq!(cells[5], cells[6], "{row}");
    assert!(cells[5].parse::<f64>().unwrap() > 0.0, "{row}");

    // A program that fails is reported as such, and the status says so.
    std::fs::write(dir.join("bad.lisp"), "(car 1)\n").unwrap();
    let out = lisp(&["bench", "--runs", "1", "bad.lisp"], &dir);
    assert!(!out.status.success());
    assert!(
        text(&out.stdout).contains("FAILED"),
        "{}",
        text(&out.stdout)
    );
}
