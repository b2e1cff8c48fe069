//! Channels and `select`: `make-channel`, `channel?`, `channel-send`,
//! `channel-recv` (with an optional timeout), `channel-try-recv`,
//! `channel-close`, and `%select`, the procedure the `select` form expands
//! into. The mechanics (MPMC, close waking blocked senders and receivers)
//! are in `lisp_runtime::channel`.
//!
//! Closed channels: a receive returns the eof object once the channel is
//! closed and drained; a send raises an error naming `channel-send`,
//! including a send that was blocked when another thread closed the
//! channel (Go panics in that case; we raise a catchable error).

use super::threads::{check_interrupt, millis, INTERRUPT_POLL};
use crate::builtins::{args, doc, Registry};
use lisp_runtime::channel::{Channel, Received, SendFailed};
use lisp_runtime::list::cons;
use lisp_runtime::printer::write_string_truncated;
use lisp_runtime::{Arity, Ctx, Exception, Object, Symbol, Value};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

type R = Result<Value, Exception>;

/// Larger buffers are almost certainly a mistake (and would reserve memory
/// for every slot up front).
const MAX_CAPACITY: usize = 1 << 24;

pub fn register(r: &mut Registry) {
    r.def("make-channel", Arity::between(0, 1), make_channel, doc(
        "(make-channel [capacity])",
        "A new channel: unbuffered (rendezvous: a send waits for a receiver) without CAPACITY, buffered with room for CAPACITY values with it. Any number of threads may send and receive; each value goes to exactly one receiver.",
        "(let ((c (make-channel 1))) (channel-send c 'x) (channel-recv c))",
        "x",
        "channel-send channel-recv channel-close select",
    ));
    r.def(
        "channel?",
        Arity::exactly(1),
        is_channel,
        doc(
            "(channel? obj)",
            "True if OBJ is a channel.",
            "(channel? (make-channel))",
            "#t",
            "make-channel",
        ),
    );
    r.def("channel-send", Arity::exactly(2), channel_send, doc(
        "(channel-send channel value)",
        "Sends VALUE, blocking until a receiver (or buffer space) takes it. Raises an error if CHANNEL is closed, or is closed while the send waits.",
        "(let ((c (make-channel 1))) (channel-send c 1))",
        "#<void>",
        "channel-recv channel-close",
    ));
    r.def("channel-recv", Arity::between(1, 2), channel_recv, doc(
        "(channel-recv channel [timeout-ms])",
        "The next value from CHANNEL, blocking until one arrives; the eof object once the channel is closed and drained; the symbol timeout if TIMEOUT-MS milliseconds pass first.",
        "(channel-recv (make-channel) 10)",
        "timeout",
        "channel-try-recv select channel-close",
    ));
    r.def("channel-try-recv", Arity::exactly(1), channel_try_recv, doc(
        "(channel-try-recv channel)",
        "Never blocks: a value if one is ready, the symbol empty if none is, or the eof object if CHANNEL is closed and drained.",
        "(channel-try-recv (make-channel 1))",
        "empty",
        "channel-recv",
    ));
    r.def("channel-close", Arity::exactly(1), channel_close, doc(
        "(channel-close channel)",
        "Closes CHANNEL: receivers drain what is buffered and then get the eof object; a send raises an error, also one already waiting. Closing twice is harmless.",
        "(let ((c (make-channel 1))) (channel-send c 1) (channel-close c) (list (channel-recv c) (eof-object? (channel-recv c))))",
        "(1 #t)",
        "channel-recv channel-send",
    ));
    r.def("%select", Arity::exactly(3), select, doc(
        "(%select branches timeout-ms timeout-thunk)",
        "The procedure behind the select form: waits on the channels of BRANCHES, a list of (channel . procedure) pairs, and returns (procedure value) for the first ready one, with the value received (the eof object for a closed channel); or (TIMEOUT-THUNK) once TIMEOUT-MS milliseconds pass (#f: no timeout, wait forever). The select form applies the result in tail position, so a loop through select runs in constant stack.",
        "(let ((r (%select (list (cons (make-channel) (lambda (v) v))) 1 (lambda () 'late)))) (apply (car r) (cdr r)))",
        "late",
        "select channel-recv",
    ));
}

fn channel<'a>(name: &str, pos: usize, v: &'a Value) -> Result<&'a Channel, Exception> {
    match v.as_object() {
        Some(Object::Channel(c)) => Ok(c),
        _ => Err(Exception::wrong_type(name, pos, "channel", v)),
    }
}

fn make_channel(_: &mut Ctx, a: &[Value]) -> R {
    let capacity = match a.first() {
        Some(v) => args::index("make-channel", 1, v)?,
        None => 0,
    };
    if capacity > MAX_CAPACITY {
        return Err(Exception::error(
            format!("make-channel: capacity {capacity} is too large (at most {MAX_CAPACITY})"),
            vec![],
        ));
    }
    Ok(Value::object(Object::Channel(Box::new(Channel::new(
        capacity,
    )))))
}

fn is_channel(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(matches!(
        a[0].as_object(),
        Some(Object::Channel(_))
    )))
}

fn channel_send(ctx: &mut Ctx, a: &[Value]) -> R {
    let ch = channel("channel-send", 1, &a[0])?;
    let interrupted = || ctx.interrupt.load(Ordering::Relaxed);
    let failed = match ch.send_interruptible(a[1].clone(), INTERRUPT_POLL, &interrupted) {
        Ok(()) => return Ok(Value::VOID),
        Err(failed) => failed,
    };
    let written = write_string_truncated(failed.value(), 60);
    let message = match failed {
        SendFailed::Closed(_) => format!("channel-send: cannot send {written} on a closed channel"),
        SendFailed::ClosedWhileBlocked(_) => {
            format!("channel-send: the channel was closed while {written} waited to be sent")
        }
        SendFailed::Interrupted(_) => {
            check_interrupt(ctx)?;
            format!("channel-send: interrupted while {written} waited to be sent")
        }
    };
    Err(Exception::error(message, vec![]))
}

/// The Lisp value of a receive: the value, the eof object, or the symbol
/// naming why nothing came (`timeout` or `empty`).
fn received(r: Received, not_ready: &str) -> Value {
    match r {
        Received::Value(v) => v,
        Received::Closed => Value::EOF,
        Received::NotReady => Value::symbol(Symbol::intern(not_ready)),
    }
}

fn channel_recv(ctx: &mut Ctx, a: &[Value]) -> R {
    let ch = channel("channel-recv", 1, &a[0])?;
    let deadline = match a.get(1) {
        None => None,
        Some(ms) => Some(Instant::now() + millis(args::float("channel-recv", 2, ms)?)),
    };
    // Fast path: a value (or the close) is already there.
    match ch.try_recv() {
        Received::NotReady => {}
        r => return Ok(received(r, "timeout")),
    }
    loop {
        match ch.recv_timeout(wait_slice(deadline)) {
            Received::NotReady => {}
            r => return Ok(received(r, "timeout")),
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return Ok(received(Received::NotReady, "timeout"));
        }
        check_interrupt(ctx)?;
    }
}

fn channel_try_recv(_: &mut Ctx, a: &[Value]) -> R {
    let ch = channel("channel-try-recv", 1, &a[0])?;
    Ok(received(ch.try_recv(), "empty"))
}

fn channel_close(_: &mut Ctx, a: &[Value]) -> R {
    channel("channel-close", 1, &a[0])?.close();
    Ok(Value::VOID)
}

/// `(%select ((channel . procedure) ...) timeout-ms-or-#f timeout-thunk)`:
/// the call to make next, as `(procedure argument ...)`.
fn select(ctx: &mut Ctx, a: &[Value]) -> R {
    let branches = args::list("select", 1, &a[0])?;
    let mut channels = Vec::with_capacity(branches.len());
    let mut handlers = Vec::with_capacity(branches.len());
    for (i, b) in branches.iter().enumerate() {
        let p = b.as_pair().ok_or_else(|| {
            Exception::wrong_type("select", 1, "list of (channel . procedure)", b)
        })?;
        channels.push(channel("select", i + 1, &p.car)?);
        handlers.push(p.cdr.clone());
    }
    let deadline = match &a[1] {
        v if v.is_false() => None,
        v => Some(Instant::now() + millis(args::float("select", 2, v)?)),
    };
    if channels.is_empty() && deadline.is_none() {
        return Err(Exception::error(
            "select: no channel branch and no timeout: it would wait forever",
            vec![],
        ));
    }
    let mut sel = crossbeam_channel::Select::new();
    for ch in &channels {
        sel.recv(ch.receiver());
    }
    loop {
        match sel.select_timeout(wait_slice(deadline)) {
            Ok(op) => {
                let i = op.index();
                // A selected operation must be completed, and completes: it
                // yields the value, or an error once closed and drained.
                let value = op.recv(channels[i].receiver()).unwrap_or(Value::EOF);
                return Ok(cons(handlers[i].clone(), cons(value, Value::NIL)));
            }
            Err(_) => {
                if deadline.is_some_and(|d| Instant::now() >= d) {
                    return Ok(cons(a[2].clone(), Value::NIL));
                }
                check_interrupt(ctx)?;
            }
        }
    }
}

/// How long to block before looking at the interrupt flag again: at most
/// `INTERRUPT_POLL`, and no later than `deadline`.
fn wait_slice(deadline: Option<Instant>) -> Duration {
    match deadline {
        None => INTERRUPT_POLL,
        Some(d) => d
            .saturating_duration_since(Instant::now())
            .min(INTERRUPT_POLL),
    }
}
