//! Builtins: concurrency — OS-thread `spawn` with snapshot semantics,
//! `join`, `spawn-link`, channels and `select`, atoms, and data
//! parallelism (`pmap`, `parallel-for`) on one pool sized to the cores.
//!
//! A new thread gets a fresh `Ctx` whose globals are a snapshot of its
//! parent's (closures copied with fresh cells, see
//! `lisp_runtime::snapshot`), so later `define`s and `set!`s on either side
//! are invisible to the other. Objects are shared by reference.

use super::{args, doc, Registry};
use lisp_runtime::channel::{Channel, Received};
use lisp_runtime::equality::eqv;
use lisp_runtime::snapshot::Snapshot;
use lisp_runtime::thread::{next_thread_id, ThreadHandle};
use lisp_runtime::{Arity, Ctx, Exception, Object, Signal, Symbol, Value};
use parking_lot::Mutex;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

type R = Result<Value, Exception>;

/// Stack reserved for each spawned thread (committed only as touched).
const THREAD_STACK: usize = 256 << 20;
/// Kept free below the Lisp stack limit for Rust code.
const STACK_MARGIN: usize = 2 << 20;

/// Registers the concurrency builtins.
pub fn register(r: &mut Registry) {
    r.category("Concurrency");
    r.def("spawn", Arity::exactly(1), spawn, doc("(spawn thunk)", "Runs THUNK on a new OS thread and returns its handle. The thread sees a snapshot of the bindings visible at the spawn: later define/set! on either side are invisible to the other; objects (vectors, atoms, channels...) are shared. An uncaught error is reported on stderr with the thread id.", "(join (spawn (lambda () (+ 1 2))))", "3", "join spawn-link pmap"));
    r.def(
        "join",
        Arity::exactly(1),
        join,
        doc(
            "(join handle)",
            "Waits for the thread and returns its thunk's value, or raises the error it raised.",
            "(join (spawn (lambda () 'done)))",
            "done",
            "spawn",
        ),
    );
    r.def("spawn-link", Arity::exactly(1), spawn_link, doc("(spawn-link thunk)", "Runs THUNK on a new thread and returns a channel that receives exactly one message, the thunk's value or its error object, and is then closed.", "(channel-recv (spawn-link (lambda () 42)))", "42", "spawn channel-recv"));
    r.def(
        "thread?",
        Arity::exactly(1),
        is_thread,
        doc(
            "(thread? obj)",
            "True if OBJ is a thread handle.",
            "(thread? (spawn (lambda () 1)))",
            "#t",
            "spawn",
        ),
    );
    r.def("thread-id", Arity::exactly(0), thread_id, doc("(thread-id)", "The current thread's id: 0 for the main thread, a distinct positive integer for each spawned one.", "(thread-id)", "0", "spawn"));
    r.def(
        "sleep",
        Arity::exactly(1),
        sleep,
        doc(
            "(sleep ms)",
            "Pauses the current thread for MS milliseconds.",
            "(sleep 1)",
            "#<void>",
            "channel-recv",
        ),
    );
    r.def("make-channel", Arity::between(0, 1), make_channel, doc("(make-channel [capacity])", "A new channel: unbuffered (rendezvous) without CAPACITY, buffered with it. Any number of threads may send and receive.", "(let ((c (make-channel 1))) (channel-send c 'x) (channel-recv c))", "x", "channel-send channel-recv select"));
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
    r.def("channel-send", Arity::exactly(2), channel_send, doc("(channel-send channel value)", "Sends VALUE, blocking until a receiver (or buffer space) accepts it. Raises an error on a closed channel.", "(let ((c (make-channel 1))) (channel-send c 1))", "#<void>", "channel-recv channel-close"));
    r.def("channel-recv", Arity::between(1, 2), channel_recv, doc("(channel-recv channel [timeout-ms])", "The next value from CHANNEL, blocking until one arrives; the eof object once the channel is closed and drained; the symbol timeout if TIMEOUT-MS passes first.", "(channel-recv (make-channel) 10)", "timeout", "channel-try-recv select"));
    r.def("channel-try-recv", Arity::exactly(1), channel_try_recv, doc("(channel-try-recv channel)", "A value if one is ready, the symbol empty if none is, or the eof object if the channel is closed and drained. Never blocks.", "(channel-try-recv (make-channel 1))", "empty", "channel-recv"));
    r.def("channel-close", Arity::exactly(1), channel_close, doc("(channel-close channel)", "Closes CHANNEL: receivers drain what is buffered and then get the eof object; sending raises an error. Closing twice is harmless.", "(channel-close (make-channel))", "#<void>", "channel-recv"));
    r.def("%select", Arity::exactly(3), select, doc("(%select branches timeout-ms timeout-thunk)", "The procedure behind the select form: waits on the channels of BRANCHES ((channel . procedure) pairs) and calls the procedure of the first ready one with the value (the eof object for a closed channel), or TIMEOUT-THUNK after TIMEOUT-MS (#f: wait forever).", "(%select (list (cons (make-channel) (lambda (v) v))) 1 (lambda () 'late))", "late", "select"));
    r.def(
        "atom",
        Arity::exactly(1),
        atom,
        doc(
            "(atom value)",
            "A new atom: a shared mutable reference updated atomically (Clojure style).",
            "(atom-deref (atom 1))",
            "1",
            "atom-swap! atom-reset! atom-deref",
        ),
    );
    r.alias("make-atom", "atom");
    r.def(
        "atom?",
        Arity::exactly(1),
        is_atom,
        doc(
            "(atom? obj)",
            "True if OBJ is an atom.",
            "(atom? (atom 1))",
            "#t",
            "atom",
        ),
    );
    r.def(
        "atom-deref",
        Arity::exactly(1),
        atom_deref,
        doc(
            "(atom-deref atom)",
            "The current value of ATOM.",
            "(atom-deref (atom 'v))",
            "v",
            "atom-swap!",
        ),
    );
    r.alias("deref", "atom-deref");
    r.def("atom-swap!", Arity::at_least(2), atom_swap, doc("(atom-swap! atom f arg ...)", "Sets ATOM to (f current arg ...) atomically by compare-and-swap, retrying if another thread changed it meanwhile (so F may run more than once); returns the new value.", "(let ((a (atom 1))) (atom-swap! a + 10))", "11", "atom-reset! atom-compare-and-set!"));
    r.def(
        "atom-reset!",
        Arity::exactly(2),
        atom_reset,
        doc(
            "(atom-reset! atom value)",
            "Sets ATOM to VALUE; returns VALUE.",
            "(atom-reset! (atom 1) 2)",
            "2",
            "atom-swap!",
        ),
    );
    r.def(
        "atom-compare-and-set!",
        Arity::exactly(3),
        atom_cas,
        doc(
            "(atom-compare-and-set! atom old new)",
            "Sets ATOM to NEW if its value is OLD (eqv?); returns whether it did.",
            "(atom-compare-and-set! (atom 1) 1 2)",
            "#t",
            "atom-swap!",
        ),
    );
    r.def("pmap", Arity::exactly(2), pmap, doc("(pmap f list)", "Like map, but applies F to the elements in parallel on a pool of worker threads (one per core); keeps the order of LIST.", "(pmap (lambda (x) (* x x)) '(1 2 3))", "(1 4 9)", "map parallel-for"));
    r.def("parallel-for", Arity::exactly(3), parallel_for, doc("(parallel-for start end f)", "Calls (f i) for every START <= i < END on the worker pool; returns when all calls are done.", "(parallel-for 0 4 (lambda (i) i))", "#<void>", "pmap"));
}

/// A snapshot of the parent's globals and of `extra` values, taken with one
/// memo so that sharing between them is preserved.
fn snapshot(ctx: &Ctx, extra: &[&Value]) -> (Vec<Value>, Vec<Value>) {
    let mut snap = Snapshot::new();
    let globals = ctx.globals.iter().map(|g| snap.copy(g)).collect();
    let extra = extra.iter().map(|v| snap.copy(v)).collect();
    (globals, extra)
}

/// A context for a new thread running with `globals`.
fn child_ctx(parent: &Ctx, globals: Vec<Value>, params: Vec<(Value, Value)>, id: u64) -> Ctx {
    let mut child = Ctx::new(globals, id, parent.host.clone());
    child.jit_threshold = parent.jit_threshold;
    child.params = params;
    child
}

/// Starts `thunk` as thread `id`; `finish` receives its outcome.
fn start_thread(
    ctx: &Ctx,
    id: u64,
    thunk: &Value,
    finish: impl FnOnce(Result<Value, Exception>) + Send + 'static,
) -> Result<(), Exception> {
    let (globals, extra) = snapshot(ctx, &[thunk]);
    let thunk = extra.into_iter().next().unwrap_or(Value::VOID);
    let mut child = child_ctx(ctx, globals, ctx.params.clone(), id);
    std::thread::Builder::new()
        .name(format!("lisp-{id}"))
        .stack_size(THREAD_STACK)
        .spawn(move || {
            child.set_stack_budget(THREAD_STACK - STACK_MARGIN);
            let outcome = child.apply(&thunk, &[]);
            finish(outcome);
        })
        .map(|_| ())
        .map_err(|e| Exception::error(format!("spawn: cannot start a thread: {e}"), vec![]))
}

fn spawn(ctx: &mut Ctx, a: &[Value]) -> R {
    let thunk = args::procedure("spawn", 1, &a[0])?;
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

/// Prints an error that ended a spawned thread.
fn report_thread_error(id: u64, e: &Exception) {
    if matches!(e.signal(), Signal::Exit(_)) {
        return;
    }
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let report = crate::diagnostic::render(e);
    eprint!(
        "error in thread {id}: {}",
        report.strip_prefix("error: ").unwrap_or(&report)
    );
}

fn join(_: &mut Ctx, a: &[Value]) -> R {
    match a[0].as_object() {
        Some(Object::Thread(h)) => h.join(),
        _ => Err(Exception::wrong_type("join", 1, "thread", &a[0])),
    }
}

fn spawn_link(ctx: &mut Ctx, a: &[Value]) -> R {
    let thunk = args::procedure("spawn-link", 1, &a[0])?;
    let channel = Value::object(Object::Channel(Channel::new(1)));
    let out = channel.clone();
    start_thread(ctx, next_thread_id(), thunk, move |outcome| {
        let message = match outcome {
            Ok(v) => v,
            Err(e) => match e.payload() {
                Some(p) => p.clone(),
                None => lisp_runtime::error::error_value("error", e.message(), vec![]),
            },
        };
        if let Some(Object::Channel(ch)) = out.as_object() {
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
    // Sleep in slices so that an interrupt (Ctrl-C in the REPL) is noticed.
    let deadline = std::time::Instant::now() + Duration::from_secs_f64(ms.min(1e12) / 1000.0);
    loop {
        let now = std::time::Instant::now();
        if now >= deadline {
            return Ok(Value::VOID);
        }
        if ctx.interrupt.load(std::sync::atomic::Ordering::Relaxed) {
            ctx.interrupt
                .store(false, std::sync::atomic::Ordering::Relaxed);
            return Err(Exception::error("interrupted", vec![]));
        }
        std::thread::sleep((deadline - now).min(Duration::from_millis(50)));
    }
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
    if capacity > 1 << 28 {
        return Err(Exception::error(
            format!("make-channel: capacity {capacity} too large"),
            vec![],
        ));
    }
    Ok(Value::object(Object::Channel(Channel::new(capacity))))
}

fn is_channel(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(matches!(
        a[0].as_object(),
        Some(Object::Channel(_))
    )))
}

fn channel_send(_: &mut Ctx, a: &[Value]) -> R {
    let ch = channel("channel-send", 1, &a[0])?;
    ch.send(a[1].clone())
        .map_err(|_| Exception::error("channel-send: channel is closed", vec![]))?;
    Ok(Value::VOID)
}

fn received(r: Received, not_ready: &str) -> Value {
    match r {
        Received::Value(v) => v,
        Received::Closed => Value::EOF,
        Received::NotReady => Value::symbol(Symbol::intern(not_ready)),
    }
}

fn channel_recv(_: &mut Ctx, a: &[Value]) -> R {
    let ch = channel("channel-recv", 1, &a[0])?;
    match a.get(1) {
        None => Ok(received(ch.recv(), "timeout")),
        Some(ms) => {
            let ms = args::float("channel-recv", 2, ms)?;
            let timeout = Duration::from_secs_f64(ms.clamp(0.0, 1e12) / 1000.0);
            Ok(received(ch.recv_timeout(timeout), "timeout"))
        }
    }
}

fn channel_try_recv(_: &mut Ctx, a: &[Value]) -> R {
    Ok(received(
        channel("channel-try-recv", 1, &a[0])?.try_recv(),
        "empty",
    ))
}

fn channel_close(_: &mut Ctx, a: &[Value]) -> R {
    channel("channel-close", 1, &a[0])?.close();
    Ok(Value::VOID)
}

fn select(ctx: &mut Ctx, a: &[Value]) -> R {
    let branches = args::list("select", 1, &a[0])?;
    let mut channels = Vec::with_capacity(branches.len());
    let mut handlers = Vec::with_capacity(branches.len());
    for b in &branches {
        let p = b
            .as_pair()
            .ok_or_else(|| Exception::wrong_type("select", 1, "(channel . procedure)", b))?;
        channels.push(p.car.clone());
        handlers.push(p.cdr.clone());
    }
    let mut sel = crossbeam_channel::Select::new();
    for (i, v) in channels.iter().enumerate() {
        sel.recv(channel("select", i + 1, v)?.receiver());
    }
    let timeout = match &a[1] {
        v if v.is_false() => None,
        v => Some(Duration::from_secs_f64(
            args::float("select", 2, v)?.clamp(0.0, 1e12) / 1000.0,
        )),
    };
    let op = match timeout {
        None if channels.is_empty() => {
            return Err(Exception::error(
                "select: no channels and no timeout",
                vec![],
            ))
        }
        None => sel.select(),
        Some(t) => match sel.select_timeout(t) {
            Ok(op) => op,
            Err(_) => return ctx.apply(&a[2], &[]),
        },
    };
    let i = op.index();
    let ch = channel("select", i + 1, &channels[i])?;
    let value = match op.recv(ch.receiver()) {
        Ok(v) => v,
        Err(_) => Value::EOF,
    };
    ctx.apply(&handlers[i], &[value])
}

fn atom_cell<'a>(name: &str, v: &'a Value) -> Result<&'a Mutex<Value>, Exception> {
    match v.as_object() {
        Some(Object::Atom(m)) => Ok(m),
        _ => Err(Exception::wrong_type(name, 1, "atom", v)),
    }
}

fn atom(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::object(Object::Atom(Mutex::new(a[0].clone()))))
}

fn is_atom(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(matches!(
        a[0].as_object(),
        Some(Object::Atom(_))
    )))
}

fn atom_deref(_: &mut Ctx, a: &[Value]) -> R {
    Ok(atom_cell("atom-deref", &a[0])?.lock().clone())
}

fn atom_swap(ctx: &mut Ctx, a: &[Value]) -> R {
    let cell = atom_cell("atom-swap!", &a[0])?;
    let f = args::procedure("atom-swap!", 2, &a[1])?;
    loop {
        let old = cell.lock().clone();
        let mut call = vec![old.clone()];
        call.extend_from_slice(&a[2..]);
        // f runs without the lock held; the swap succeeds only if nobody
        // changed the atom meanwhile.
        let new = ctx.apply(f, &call)?;
        let mut current = cell.lock();
        if current.is(&old) {
            *current = new.clone();
            return Ok(new);
        }
    }
}

fn atom_reset(_: &mut Ctx, a: &[Value]) -> R {
    *atom_cell("atom-reset!", &a[0])?.lock() = a[1].clone();
    Ok(a[1].clone())
}

fn atom_cas(_: &mut Ctx, a: &[Value]) -> R {
    let mut current = atom_cell("atom-compare-and-set!", &a[0])?.lock();
    if eqv(&current, &a[1]) {
        *current = a[2].clone();
        return Ok(Value::TRUE);
    }
    Ok(Value::FALSE)
}

/// The worker pool behind `pmap` and `parallel-for`: one thread per core,
/// each with a large stack.
fn pool() -> &'static rayon::ThreadPool {
    static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(std::thread::available_parallelism().map_or(2, |n| n.get()))
            .stack_size(THREAD_STACK)
            .thread_name(|i| format!("lisp-worker-{i}"))
            .build()
            .expect("the worker pool starts")
    })
}

/// Calls `f` on every item on the pool, in chunks (one context per chunk),
/// returning the results in order or the first error.
fn parallel_apply(ctx: &Ctx, f: &Value, items: Vec<Value>) -> Result<Vec<Value>, Exception> {
    use rayon::prelude::*;
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let (globals, extra) = snapshot(ctx, &[f]);
    let f = extra.into_iter().next().unwrap_or(Value::VOID);
    let workers = pool().current_num_threads().max(1);
    let chunk = items.len().div_ceil(workers * 4).max(1);
    let params = ctx.params.clone();
    let results: Vec<Result<Vec<Value>, Exception>> = pool().install(|| {
        items
            .par_chunks(chunk)
            .map(|part| {
                let mut child = child_ctx(ctx, globals.clone(), params.clone(), next_thread_id());
                child.set_stack_budget(THREAD_STACK - STACK_MARGIN - (8 << 20));
                part.iter()
                    .map(|x| child.apply(&f, std::slice::from_ref(x)))
                    .collect()
            })
            .collect()
    });
    let mut out = Vec::with_capacity(items.len());
    for r in results {
        out.extend(r?);
    }
    Ok(out)
}

fn pmap(ctx: &mut Ctx, a: &[Value]) -> R {
    let f = args::procedure("pmap", 1, &a[0])?;
    let items = args::list("pmap", 2, &a[1])?;
    Ok(lisp_runtime::list::list_from(parallel_apply(
        ctx, f, items,
    )?))
}

fn parallel_for(ctx: &mut Ctx, a: &[Value]) -> R {
    let start = args::int("parallel-for", 1, &a[0])?;
    let end = args::int("parallel-for", 2, &a[1])?;
    let f = args::procedure("parallel-for", 3, &a[2])?;
    let items: Vec<Value> = (start..end.max(start)).map(Value::int).collect();
    parallel_apply(ctx, f, items)?;
    Ok(Value::VOID)
}
