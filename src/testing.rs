//! `lisp test`: finds `.lisp` files, evaluates each in a fresh engine that
//! collects its `define-test`s, runs every test on its own thread under a
//! timeout, reports each failure with file:line, expected and actual, and
//! ends with `N passed, N failed`.

use crate::engine::{Engine, Options};
use lisp_runtime::{Ctx, Exception, Object, Signal, Span, Value};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// A test registered by `define-test`.
pub struct TestCase {
    pub name: String,
    pub thunk: Value,
    pub span: Span,
}

/// Stack for each test thread.
const TEST_STACK: usize = 256 << 20;

/// Every `.lisp` file under `paths` (recursively for directories), sorted.
pub fn find_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let roots: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    for root in roots {
        collect(&root, &mut out);
    }
    out.sort();
    out
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let Ok(entries) = std::fs::read_dir(path) else {
            return;
        };
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() || p.extension().is_some_and(|e| e == "lisp") {
                collect(&p, out);
            }
        }
    } else if path.extension().is_some_and(|e| e == "lisp") || path.is_file() {
        out.push(path.to_path_buf());
    }
}

/// Why a test failed, for the report.
pub fn describe_failure(e: &Exception) -> String {
    let mut text = String::new();
    if let Some(span) = e.0.span {
        text.push_str(&format!("  at {span}\n"));
    }
    match e.payload().and_then(|p| p.as_object()) {
        Some(Object::Error(err))
            if &*err.kind.name() == "assertion" && err.irritants.len() == 2 =>
        {
            text.push_str(&format!("  {}\n", err.message));
            text.push_str(&format!(
                "  expected: {}\n",
                lisp_runtime::printer::write_string(&err.irritants[0])
            ));
            text.push_str(&format!(
                "  actual:   {}\n",
                lisp_runtime::printer::write_string(&err.irritants[1])
            ));
        }
        _ => text.push_str(&format!("  error: {}\n", e.message())),
    }
    text
}

/// Runs the tests in `paths`; returns the process exit status.
pub fn run(paths: &[PathBuf], options: Options, timeout: Duration) -> u8 {
    let (mut passed, mut failed) = (0usize, 0usize);
    for file in find_files(paths) {
        let mut options = options.clone();
        options.collect_tests = true;
        options.command_line = vec![file.display().to_string()];
        let mut engine = Engine::new(options);
        engine.ctx.set_stack_budget(TEST_STACK / 2);
        if let Err(e) = engine.run_file(&file) {
            failed += 1;
            println!(
                "FAIL {} (while loading)\n{}",
                file.display(),
                describe_failure(&e)
            );
            continue;
        }
        let tests: Vec<TestCase> = std::mem::take(&mut *engine.host.tests.lock());
        for test in tests {
            match run_one(&engine.ctx, &test, timeout) {
                Ok(()) => passed += 1,
                Err(report) => {
                    failed += 1;
                    println!(
                        "FAIL {} ({}:{})\n{report}",
                        test.name,
                        file.display(),
                        test.span.line
                    );
                }
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    u8::from(failed > 0)
}

/// Runs one test on its own thread; a timeout interrupts it.
fn run_one(parent: &Ctx, test: &TestCase, timeout: Duration) -> Result<(), String> {
    let mut child = Ctx::new(
        parent.globals.clone(),
        lisp_runtime::thread::next_thread_id(),
        parent.host.clone(),
    );
    child.jit_threshold = parent.jit_threshold;
    let interrupt = child.interrupt.clone();
    let thunk = test.thunk.clone();
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .stack_size(TEST_STACK)
        .spawn(move || {
            child.set_stack_budget(TEST_STACK - (4 << 20));
            let outcome = child.apply(&thunk, &[]).map(|_| ());
            let _ = tx.send(outcome.map_err(|e| describe_failure(&e)));
        });
    if let Err(e) = spawned {
        return Err(format!("  cannot start the test thread: {e}\n"));
    }
    match rx.recv_timeout(timeout) {
        Ok(result) => result,
        Err(_) => {
            interrupt.store(true, std::sync::atomic::Ordering::Relaxed);
            Err(format!("  timed out after {} s\n", timeout.as_secs_f64()))
        }
    }
}

/// True if `e` is an exit request rather than a failure.
pub fn is_exit(e: &Exception) -> bool {
    matches!(e.signal(), Signal::Exit(_))
}
