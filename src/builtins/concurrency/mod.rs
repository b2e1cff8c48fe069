//! Builtins: concurrency (LANGUAGE.md §5) — OS-thread `spawn` with snapshot
//! semantics, `join` and `spawn-link` (threads.rs), channels and `select`
//! (channels.rs), atoms (atoms.rs), and data parallelism on one pool sized
//! to the cores (parallel.rs).
//!
//! Every new thread of Lisp code runs in a fresh `Ctx` made by
//! `child_context`: its globals are a copy of its parent's table and the
//! procedure it runs is copied by `lisp_runtime::snapshot`, so later
//! `define`s and `set!`s on either side are invisible to the other. Objects
//! (vectors, hash tables, atoms, channels...) are shared by reference.

mod atoms;
mod channels;
mod parallel;
mod threads;

use super::Registry;
use lisp_runtime::snapshot::Snapshot;
use lisp_runtime::{Ctx, Value};

/// Stack reserved for each spawned thread and pool worker. Only the pages
/// actually touched are committed, so a thousand threads cost little.
const THREAD_STACK: usize = 256 << 20;
/// Kept free below the Lisp stack limit for the Rust code that runs
/// between the limit check and the end of the stack (builtins, drops).
const STACK_MARGIN: usize = 1 << 20;

/// Registers the concurrency builtins.
pub fn register(r: &mut Registry) {
    r.category("Concurrency");
    threads::register(r);
    channels::register(r);
    atoms::register(r);
    parallel::register(r);
}

/// A context for a new thread of Lisp code started from `parent`, and the
/// snapshot of `procedure` it is to run.
///
/// The globals and the procedure are copied with one `Snapshot`, so a
/// `set!` variable shared by a global closure and the procedure is still
/// one variable in the child. The dynamic environment (parameterize
/// bindings, current output port) is inherited, as Racket threads do.
/// The stack budget is set by the caller, on the new thread.
fn child_context(parent: &Ctx, procedure: &Value, thread_id: u64) -> (Ctx, Value) {
    let mut snapshot = Snapshot::new();
    let globals = parent.globals.iter().map(|g| snapshot.copy(g)).collect();
    let procedure = snapshot.copy(procedure);
    let mut child = Ctx::new(globals, thread_id, parent.host.clone());
    child.jit_threshold = parent.jit_threshold;
    child.params = parent.params.clone();
    child.output = parent.output.clone();
    (child, procedure)
}
