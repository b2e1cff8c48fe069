//! `lisp test`: finds `.lisp` files (directories recursively), evaluates
//! each in a fresh engine that collects its `define-test`s instead of
//! running them, then runs every test on its own thread under a timeout.
//! A test's output is captured and shown only if it fails. Each failure is
//! reported with the test's file:line, the position and source line of the
//! failing assertion, and the expected and actual values; a test that
//! outlives the timeout is interrupted (through the thread's interrupt
//! flag) and failed. The report ends with the line `N passed, N failed`.
//!
//! Outside `lisp test`, `define-test` runs its test at once and reports
//! only a failure (see src/builtins/testing.rs), so a test file is also an
//! ordinary program.

use crate::builtins::ports::port_value;
use crate::engine::{Engine, Options};
use lisp_runtime::port::PortKind;
use lisp_runtime::{Ctx, Exception, Object, Signal, Span, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// A test registered by `define-test`.
pub struct TestCase {
    pub name: String,
    pub thunk: Value,
    /// Where the `define-test` form is.
    pub span: Span,
}

/// Stack for each test thread (committed only as it is used).
const TEST_STACK: usize = 256 << 20;
/// Kept free below the stack limit for Rust code that runs after the check.
const STACK_MARGIN: usize = 4 << 20;

/// Every `.lisp` file under `paths` (directories recursively, in name
/// order; the current directory when `paths` is empty), or the first path
/// that cannot be read.
pub fn find_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let roots: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let mut out = Vec::new();
    for root in roots {
        collect(&root, &mut out).map_err(|e| format!("{}: {e}", root.display()))?;
    }
    Ok(out)
}

fn collect(root: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if !root.is_dir() {
        // An explicitly named file runs whatever its extension; a missing
        // one is an error rather than zero tests.
        std::fs::metadata(root)?;
        out.push(root.to_path_buf());
        return Ok(());
    }
    // An explicit stack, not recursion: directory depth is user data.
    let mut pending = vec![root.to_path_buf()];
    let mut found = Vec::new();
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "lisp") {
                found.push(path);
            }
        }
    }
    found.sort();
    out.extend(found);
    Ok(())
}

/// Why a test failed: the message, or an assertion's expected and actual
/// values, then the failing call's position with its source line.
pub fn describe_failure(e: &Exception) -> String {
    let mut text = String::new();
    if let Signal::Exit(code) = e.signal() {
        return format!("  the test called (exit {code})\n");
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
    if let Some(span) = e.0.span {
        for line in crate::diagnostic::location(span).lines() {
            text.push_str(&format!("  {line}\n"));
        }
    }
    text
}

/// Runs the tests in `paths`, printing the report to stdout; returns the
/// process exit status (1 if any test failed).
pub fn run(paths: &[PathBuf], options: Options, timeout: Duration) -> u8 {
    let mut stdout = std::io::stdout();
    let (_, failed) = run_to(paths, options, timeout, &mut stdout);
    u8::from(failed > 0)
}

/// Runs the tests in `paths`, printing the report to `out`; returns the
/// counts of passed and failed tests.
pub fn run_to(
    paths: &[PathBuf],
    options: Options,
    timeout: Duration,
    out: &mut dyn Write,
) -> (usize, usize) {
    let (mut passed, mut failed) = (0usize, 0usize);
    let files = match find_files(paths) {
        Ok(files) => files,
        Err(e) => {
            let _ = writeln!(out, "FAIL {e}");
            let _ = writeln!(out, "0 passed, 1 failed");
            return (0, 1);
        }
    };
    for file in files {
        let mut options = options.clone();
        options.collect_tests = true;
        options.command_line = vec![file.display().to_string()];
        let mut engine = Engine::new(options);
        engine.ctx.set_stack_budget(TEST_STACK / 2);
        let captured = capture_port();
        engine.ctx.output.push(captured.clone());
        let loaded = engine.run_file(&file);
        engine.ctx.output.pop();
        if let Err(e) = loaded {
            failed += 1;
            let _ = write!(
                out,
                "FAIL {} (while loading)\n{}{}",
                file.display(),
                describe_failure(&e),
                captured_text(&captured)
            );
            continue;
        }
        let tests: Vec<TestCase> = std::mem::take(&mut *engine.host.tests.lock());
        for test in tests {
            match run_one(&engine.ctx, &test, timeout) {
                Ok(()) => {
                    passed += 1;
                    let _ = writeln!(out, "ok   {}", test.name);
                }
                Err(report) => {
                    failed += 1;
                    let _ = write!(
                        out,
                        "FAIL {} ({}:{})\n{report}",
                        test.name,
                        file.display(),
                        test.span.line
                    );
                }
            }
        }
    }
    let _ = writeln!(out, "{passed} passed, {failed} failed");
    let _ = out.flush();
    (passed, failed)
}

/// Runs one test on its own thread, its output captured; a timeout
/// interrupts it. The failure report on failure.
fn run_one(parent: &Ctx, test: &TestCase, timeout: Duration) -> Result<(), String> {
    let mut child = Ctx::new(
        parent.globals.clone(),
        lisp_runtime::thread::next_thread_id(),
        parent.host.clone(),
    );
    child.jit_threshold = parent.jit_threshold;
    let interrupt = child.interrupt.clone();
    let captured = capture_port();
    child.output.push(captured.clone());
    let thunk = test.thunk.clone();
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name(format!("test {}", test.name))
        .stack_size(TEST_STACK)
        .spawn(move || {
            child.set_stack_budget(TEST_STACK - STACK_MARGIN);
            let outcome = child.apply(&thunk, &[]).map(|_| ());
            let _ = tx.send(outcome.map_err(|e| describe_failure(&e)));
        });
    if let Err(e) = spawned {
        return Err(format!("  cannot start the test thread: {e}\n"));
    }
    let outcome = match rx.recv_timeout(timeout) {
        Ok(outcome) => outcome,
        Err(_) => {
            // Stops the runaway test at its next call or loop iteration.
            interrupt.store(true, std::sync::atomic::Ordering::Relaxed);
            Err(format!("  timed out after {} s\n", timeout.as_secs_f64()))
        }
    };
    outcome.map_err(|report| report + &captured_text(&captured))
}

fn capture_port() -> Value {
    port_value(PortKind::StringOutput(String::new()))
}

/// What a test printed, indented under a heading, or nothing.
fn captured_text(port: &Value) -> String {
    let Some(Object::Port(p)) = port.as_object() else {
        return String::new();
    };
    let PortKind::StringOutput(text) = &*p.kind.lock() else {
        return String::new();
    };
    if text.is_empty() {
        return String::new();
    }
    let mut out = String::from("  output:\n");
    for line in text.lines() {
        out.push_str(&format!("    {line}\n"));
    }
    out
}
