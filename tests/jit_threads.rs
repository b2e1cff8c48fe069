//! Compiled code shared across threads: a lambda compiled in one thread is
//! run by spawned threads and `pmap`/`parallel-for` workers, at the same
//! time, with exact reference counts (lists and closures cross threads)
//! and errors raised inside compiled code on a worker reaching the caller.
//! Each program runs interpreted, at threshold 0 (everything compiled on
//! its first call) and at a threshold that makes compilation happen while
//! other threads are already running the lambda interpreted.

use std::process::Command;

const PROGRAM: &str = r#"
(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))
(define (sum-list xs acc) (if (null? xs) acc (sum-list (cdr xs) (+ acc (car xs)))))
(define (build n) (if (= n 0) '() (cons n (build (- n 1)))))
(define (make-scaler k) (lambda (x) (* k x)))
(display (fib 20)) (newline)
(define workers
  (map (lambda (i) (spawn (lambda () (+ (fib (+ 15 i)) (sum-list (build 2000) 0)))))
       (list 0 1 2 3)))
(display (map join workers)) (newline)
(display (pmap fib (list 10 12 14 16 18 20))) (newline)
(display (pmap (make-scaler 3) (build 10))) (newline)
(display (pmap (lambda (n) (sum-list (build n) 0)) (list 100 1000 10000))) (newline)
(define hits (make-vector 8 0))
(parallel-for 0 8 (lambda (i) (vector-set! hits i (fib i))))
(display hits) (newline)
(display (guard (e ((error-object? e) (error-object-message e)))
  (pmap (lambda (x) (car x)) (list (list 1) 2))))
(newline)
"#;

const EXPECTED: &str = "6765
(2001610 2001987 2002597 2003584)
(55 144 377 987 2584 6765)
(30 27 24 21 18 15 12 9 6 3)
(5050 500500 50005000)
#(0 1 1 2 3 5 8 13)
bad argument #1 to 'car' (pair expected, got 2)
";

fn run(tier: &[&str]) -> (String, String) {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let file = dir.join("jit_threads.lisp");
    std::fs::write(&file, PROGRAM).expect("write program");
    let out = Command::new(env!("CARGO_BIN_EXE_lisp"))
        .args(tier)
        .arg("run")
        .arg(&file)
        .output()
        .expect("run lisp");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn threads_and_pmap_run_compiled_code_like_the_interpreter() {
    for tier in [
        &[][..],
        &["--jit", "--jit-threshold", "0"][..],
        &["--jit", "--jit-threshold", "50"][..],
    ] {
        let (stdout, stderr) = run(tier);
        assert_eq!(stdout, EXPECTED, "tier {tier:?}; stderr:\n{stderr}");
    }
}

#[test]
fn compiled_lambdas_are_reported_by_jit_stats() {
    let (stdout, stderr) = run(&["--jit", "--jit-threshold", "0", "--jit-stats"]);
    assert_eq!(stdout, EXPECTED);
    let line = stderr
        .lines()
        .find(|l| l.starts_with("jit: compiled "))
        .unwrap_or_else(|| panic!("no stats line in:\n{stderr}"));
    let compiled: u32 = line["jit: compiled ".len()..]
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a count");
    assert!(compiled >= 5, "{line}");
    assert!(line.contains(" ms per lambda)"), "no median in: {line}");
}

/// Runs `program` with every lambda compiled and an interrupt requested
/// after 200 ms; the engine and the result.
fn interrupted(
    program: &str,
) -> (
    lisp::engine::Engine,
    Result<lisp_runtime::Value, lisp_runtime::Exception>,
) {
    let mut engine = lisp::engine::Engine::new(lisp::engine::Options {
        jit: true,
        jit_threshold: 0,
        ..Default::default()
    });
    engine.ctx.set_stack_budget(1 << 20);
    let flag = engine.ctx.interrupt.clone();
    let setter = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(200));
        flag.store(true, std::sync::atomic::Ordering::Relaxed);
    });
    let result = engine.eval_str(program, "interrupted");
    setter.join().expect("setter thread");
    (engine, result)
}

#[test]
fn an_interrupt_stops_a_compiled_loop() {
    let (_, result) = interrupted("(define (spin n) (if (< n 0) n (spin (+ n 1)))) (spin 0)");
    let err = result.expect_err("the loop only ends by interruption");
    assert_eq!(err.message(), "interrupted");
}

#[test]
fn an_interrupt_stops_compiled_recursion_and_is_cleared_after() {
    // No loop here: compiled code sees the request in the stack check every
    // call makes on entry (the interrupt raises the limit it compares with).
    let (mut engine, result) =
        interrupted("(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2))))) (fib 80)");
    let err = result.expect_err("fib 80 only ends by interruption");
    assert_eq!(err.message(), "interrupted");
    // The request is used up: the same code runs to the end now.
    let value = engine.eval_str("(fib 20)", "again").expect("fib 20");
    assert_eq!(value.as_fixnum(), Some(6765));
}
