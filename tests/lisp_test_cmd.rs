//! `lisp test`: discovery, pass/fail counting, failure reports with
//! file:line and expected/actual values, timeouts, and the exit status.

use std::path::PathBuf;
use std::process::Command;

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("lisp-test-cmd-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(d.join("nested")).unwrap();
    d
}

fn lisp_test(args: &[&str]) -> (String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_lisp"))
        .arg("test")
        .args(args)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    (text, out.status.code().unwrap_or(-1))
}

#[test]
fn passing_tests_in_nested_directories_are_found_and_counted() {
    let d = dir("pass");
    std::fs::write(
        d.join("a.lisp"),
        "(define-test \"one\" (assert-equal 2 (+ 1 1)))\n(define-test \"two\" (assert-true #t))\n",
    )
    .unwrap();
    std::fs::write(
        d.join("nested/b.lisp"),
        "(define-test \"three\" (assert-error (car 1)))\n",
    )
    .unwrap();
    std::fs::write(
        d.join("nested/ignored.txt"),
        "(define-test \"no\" (assert-true #f))",
    )
    .unwrap();
    let (out, status) = lisp_test(&[d.to_str().unwrap()]);
    assert_eq!(out.lines().last(), Some("3 passed, 0 failed"), "{out}");
    assert_eq!(status, 0);
}

#[test]
fn a_failure_shows_file_line_expected_and_actual_and_sets_the_status() {
    let d = dir("fail");
    let file = d.join("f.lisp");
    std::fs::write(
        &file,
        "(define-test \"good\" (assert-true 1))\n\n(define-test \"bad\"\n  (assert-equal '(1 2) (list 1 3)))\n",
    )
    .unwrap();
    let (out, status) = lisp_test(&[file.to_str().unwrap()]);
    assert_eq!(status, 1);
    assert!(
        out.contains(&format!("FAIL bad ({}:3)", file.display())),
        "{out}"
    );
    assert!(
        out.contains(&format!("--> {}:4:3", file.display())),
        "{out}"
    );
    assert!(out.contains("ok   good"), "{out}");
    assert!(out.contains("expected: (1 2)"), "{out}");
    assert!(out.contains("actual:   (1 3)"), "{out}");
    assert_eq!(out.lines().last(), Some("1 passed, 1 failed"), "{out}");
}

#[test]
fn a_hanging_test_is_stopped_by_the_timeout() {
    let d = dir("hang");
    std::fs::write(
        d.join("h.lisp"),
        "(define-test \"forever\" (let loop () (loop)))\n(define-test \"after\" (assert-equal 1 1))\n",
    )
    .unwrap();
    let start = std::time::Instant::now();
    let (out, status) = lisp_test(&["--timeout", "0.5", d.to_str().unwrap()]);
    assert!(start.elapsed().as_secs() < 30);
    assert!(out.contains("timed out after 0.5 s"), "{out}");
    assert_eq!(out.lines().last(), Some("1 passed, 1 failed"), "{out}");
    assert_eq!(status, 1);
}

#[test]
fn tests_may_spawn_threads_and_a_load_error_counts_as_a_failure() {
    let d = dir("threads");
    std::fs::write(
        d.join("t.lisp"),
        "(define-test \"spawn\" (assert-equal '(1 4 9) (map join (map (lambda (x) (spawn (lambda () (* x x)))) '(1 2 3)))))\n",
    )
    .unwrap();
    std::fs::write(
        d.join("u.lisp"),
        "(define-test \"x\" (assert-true #t))\n(car '())\n",
    )
    .unwrap();
    let (out, status) = lisp_test(&[d.to_str().unwrap()]);
    assert!(out.contains("(while loading)"), "{out}");
    assert_eq!(out.lines().last(), Some("1 passed, 1 failed"), "{out}");
    assert_eq!(status, 1);
}

#[test]
fn the_projects_own_lisp_tests_pass() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/lisp-tests");
    let (out, status) = lisp_test(&[dir]);
    assert_eq!(status, 0, "{out}");
    assert!(
        out.lines().last().is_some_and(|l| l.ends_with(" 0 failed")),
        "{out}"
    );
}

#[test]
fn output_is_shown_only_for_failing_tests() {
    let d = dir("output");
    std::fs::write(
        d.join("o.lisp"),
        "(define-test \"quiet\" (display \"from the passing test\"))\n(define-test \"loud\" (display \"from the failing test\") (newline) (car '()))\n",
    )
    .unwrap();
    let (out, status) = lisp_test(&[d.to_str().unwrap()]);
    assert_eq!(status, 1);
    assert!(!out.contains("from the passing test"), "{out}");
    assert!(
        out.contains("  output:\n    from the failing test\n"),
        "{out}"
    );
    assert!(out.contains("error: bad argument #1 to 'car'"), "{out}");
}

#[test]
fn a_missing_path_is_a_failure_not_zero_tests() {
    let (out, status) = lisp_test(&["/nonexistent/tests.lisp"]);
    assert_eq!(status, 1);
    assert_eq!(out.lines().last(), Some("0 passed, 1 failed"), "{out}");
}
