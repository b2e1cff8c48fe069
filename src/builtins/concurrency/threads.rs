//! `spawn`, `join`, `spawn-link`, `thread?`, `thread-id`, `sleep`.
//!
//! A spawned thread is an OS thread with a large, lazily committed stack
//! running its thunk in a child `Ctx` (see `child_context`). Its outcome is
//! kept in the `ThreadHandle`, so `join` returns the value or re-raises the
//! same error object, as many times as it is called. An uncaught error is
//! also reported on stderr as `error in thread N: MESSAGE` with the location
//! and backtrace, and does not disturb other threads.
//!
//! `(exit)` in a spawned thread ends that thread only; `join` passes the
//! exit on to the joiner (so joining from the main program exits). An
//! escape continuation invoked outside the thread that made it is an error.

use super::{child_context, STACK_MARGIN, THREAD_STACK};
use crate::builtins::{args, doc, Registry};
use lisp_runtime::channel::Channel;
use lisp_runtime::error::error_value;
use lisp_runtime::thread::{next_thread_id, ThreadHandle};
use lisp_runtime::{Arity, Ctx, Exception, Object, Signal, Value};
use std::io::Write;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

type R = Result<Value, Exception>;

pub fn register(r: &mut Registry) {
    r.def("spawn", Arity::exactly(1), spawn, doc(
        "(spawn thunk)",
        "Runs THUNK on a new OS thread and returns its handle. The thread sees a snapshot of the bindings, global and lexical, visible at the spawn: later define/set! on either side are invisible to the other; objects (vectors, hash tables, atoms, channels) are shared. An uncaught error is reported on stderr with the thread id and kept for join.",
        "(join (spawn (lambda () (+ 1 2))))",
        "3",
        "join spawn-link thread-id pmap",
    ));
    r.def("join", Arity::exactly(1), join, doc(
        "(join handle)",
        "Waits for the thread to finish and returns its thunk's value, or raises again the error object it raised. Joining twice gives the same outcome.",
        "(join (spawn (lambda () 'done)))",
        "done",
        "spawn spawn-link",
    ));
    r.def("spawn-link", Arity::exactly(1), spawn_link, doc(
        "(spawn-link thunk)",
        "Runs THUNK on a new thread (as spawn) and returns a channel that receives exactly one message, the thunk's value or the error object it raised, and is then closed.",
        "(channel-recv (spawn-link (lambda () 42)))",
        "42",
        "spawn channel-recv",
    ));
    r.def(
        "thread?",
        Arity::exactly(1),
        is_thread,
        doc(
            "(thread? obj)",
            "True if OBJ is a thread handle made by spawn.",
            "(thread? (spawn (lambda () 1)))",
            "#t",
            "spawn",
        ),
    );
    r.def("thread-id", Arity::exactly(0), thread_id, doc(
        "(thread-id)",
        "The current thread's id: 0 for the main thread, a distinct positive integer for each spawned thread and pool task.",
        "(thread-id)",
        "0",
        "spawn",
    ));
    r.def(
        "sleep",
        Arity::exactly(1),
        sleep,
        doc(
            "(sleep ms)",
            "Pauses the current thread for MS milliseconds (an integer or a real number).",
            "(sleep 1)",
            "#<void>",
            "channel-recv",
        ),
    );
}

/// The first argument of `spawn`/`spawn-link`: a procedure callable with no
/// arguments, checked here so that the mistake is raised in the caller
/// rather than reported from a thread that could never run.
fn thunk<'a>(name: &str, v: &'a Value) -> Result<&'a Value, Exception> {
    let f = args::procedure(name, 1, v)?;
    let required = match f.as_object() {
        Some(Object::Closure(c)) => c.template.arity.required,
        Some(Object::Builtin(b)) => b.arity.required,
        _ => 0,
    };
    if required > 0 {
        return Err(Exception::wrong_type(
            name,
            1,
            "procedure of no arguments",
            v,
        ));
    }
    Ok(f)
}

/// Starts `thunk` as thread `id` on a new OS thread; `finish` receives its
/// outcome there.
fn start_thread(
    ctx: &Ctx,
    id: u64,
    thunk: &Value,
    finish: impl FnOnce(Result<Value, Exception>) + Send + 'static,
) -> Result<(), Exception> {
    let (mut child, thunk) = child_context(ctx, thunk, id);
    std::thread::Builder::new()
        .name(format!("lisp-{id}"))
        .stack_size(THREAD_STACK)
        .spawn(move || {
            child.set_stack_budget(THREAD_STACK - STACK_MARGIN);
            let outcome = child.apply(&thunk, &[]).map_err(confine_escape);
            // Drop the snapshot and the thunk before signalling completion,
            // so a joiner finds the thread's resources released.
            drop(thunk);
            drop(child);
            finish(outcome);
        })
        .map(|_| ())
        .map_err(|e| Exception::error(format!("spawn: cannot start a thread: {e}"), vec![]))
}

/// An escape continuation belongs to the thread that made it: invoking it
/// from another thread is an error rather than a jump in the joiner.
fn confine_escape(e: Exception) -> Exception {
    match e.signal() {
        Signal::Escape { .. } => Exception::error(
            "continuation invoked outside the thread that captured it",
            vec![],
        ),
        _ => e,
    }
}

fn spawn(ctx: &mut Ctx, a: &[Value]) -> R {
    let thunk = thunk("spawn", &a[0])?;
    let id = next_thread_id();
    let handle = Arc::new(ThreadHandle::new(id));
    let done = handle.clone();
    start_thread(ctx, id, thunk, move |outcome| {
        if let Err(e) = &outcome {
            report_thread_error(id, e);
        }
        done.finish(outcome);
    })?;
    Ok(Value::object(Object::Thread(handle)))
}

/// Prints the error that ended spawned thread `id` on stderr.
fn report_thread_error(id: u64, e: &Exception) {
    if matches!(e.signal(), Signal::Exit(_)) {
        return;
    }
    // Whatever the thread printed comes before its error report.
    let _ = std::io::stdout().flush();
    let report = crate::diagnostic::render(e);
    let report = report.strip_prefix("error: ").unwrap_or(&report);
    // One write, so reports of threads failing together do not interleave.
    let _ = std::io::stderr()
        .lock()
        .write_all(format!("error in thread {id}: {report}").as_bytes());
}

fn join(ctx: &mut Ctx, a: &[Value]) -> R {
    let Some(Object::Thread(handle)) = a[0].as_object() else {
        return Err(Exception::wrong_type("join", 1, "thread", &a[0]));
    };
    loop {
        if let Some(outcome) = handle.join_timeout(Duration::from_millis(100)) {
            return outcome;
        }
        check_interrupt(ctx)?;
    }
}

fn spawn_link(ctx: &mut Ctx, a: &[Value]) -> R {
    let thunk = thunk("spawn-link", &a[0])?;
    // Capacity 1: the thread never waits for a reader to take its message.
    let channel = Value::object(Object::Channel(Box::new(Channel::new(1))));
    let out = channel.clone();
    start_thread(ctx, next_thread_id(), thunk, move |outcome| {
        let message = match outcome {
            Ok(v) => v,
            Err(e) => match e.signal() {
                Signal::Raise { payload, .. } => payload.clone(),
                _ => error_value("error", e.message(), vec![]),
            },
        };
        if let Some(Object::Channel(ch)) = out.as_object() {
            // Cannot fail: nobody else can send on or close this channel
            // before the thread's one message is in its buffer.
            let _ = ch.send(message);
            ch.close();
        }
    })?;
    Ok(channel)
}

fn is_thread(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(matches!(
        a[0].as_object(),
        Some(Object::Thread(_))
    )))
}

fn thread_id(ctx: &mut Ctx, _: &[Value]) -> R {
    Ok(Value::int(ctx.thread_id as i64))
}

fn sleep(ctx: &mut Ctx, a: &[Value]) -> R {
    let ms = args::float("sleep", 1, &a[0])?;
    if ms.is_nan() || ms < 0.0 {
        return Err(Exception::wrong_type(
            "sleep",
            1,
            "non-negative number",
            &a[0],
        ));
    }
    let deadline = Instant::now() + millis(ms);
    loop {
        let now = Instant::now();
        if now >= deadline {
            return Ok(Value::VOID);
        }
        check_interrupt(ctx)?;
        std::thread::sleep((deadline - now).min(INTERRUPT_POLL));
    }
}

/// How often a blocked thread looks at its interrupt flag (Ctrl-C in the
/// REPL), so that waiting forever can still be cancelled.
pub(super) const INTERRUPT_POLL: Duration = Duration::from_millis(100);

/// Raises `interrupted` if the thread's interrupt flag is set.
pub(super) fn check_interrupt(ctx: &Ctx) -> Result<(), Exception> {
    if ctx.interrupt.swap(false, Ordering::Relaxed) {
        return Err(Exception::error("interrupted", vec![]));
    }
    Ok(())
}

/// `ms` milliseconds as a duration (clamped: negative is 0, huge is about
/// 30 years, which is forever for a program and safe for `Instant` math).
pub(super) fn millis(ms: f64) -> Duration {
    Duration::from_secs_f64(ms.clamp(0.0, 1e12) / 1000.0)
}
