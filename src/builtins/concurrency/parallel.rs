//! Data parallelism: `pmap` and `parallel-for` on one rayon pool with a
//! worker per core.
//!
//! The work is cut into a few chunks per worker; each chunk runs in its own
//! child `Ctx` (globals copied once per chunk, not per element) and calls
//! the snapshot of f, so f sees the bindings as they were at the call, as a
//! spawned thunk does. The caller blocks until every chunk is done; the
//! first error in the order of the elements is raised again in the caller.

use super::{child_context, THREAD_STACK};
use crate::builtins::{args, doc, Registry};
use lisp_runtime::thread::next_thread_id;
use lisp_runtime::{Arity, Ctx, Exception, Value};
use rayon::prelude::*;
use std::sync::OnceLock;

type R = Result<Value, Exception>;

/// Chunks per worker: enough to even out uneven elements, few enough that
/// copying the globals per chunk stays negligible.
const CHUNKS_PER_WORKER: usize = 4;
/// Stack left unused below the Lisp limit in a pool worker. Larger than a
/// spawned thread's margin: rayon may run a stolen task on top of a worker
/// already deep in a nested `pmap`.
const WORKER_STACK_MARGIN: usize = 8 << 20;

pub fn register(r: &mut Registry) {
    r.def("pmap", Arity::exactly(2), pmap, doc(
        "(pmap f list)",
        "Like map with one list, but applies F to the elements in parallel on a pool of worker threads, one per core; the results keep the order of LIST. F sees a snapshot of the bindings, as a spawned thunk does. If F raises, pmap raises the error of the first failing element.",
        "(pmap (lambda (x) (* x x)) '(1 2 3))",
        "(1 4 9)",
        "map parallel-for spawn",
    ));
    r.def("parallel-for", Arity::exactly(3), parallel_for, doc(
        "(parallel-for start end f)",
        "Calls (f i) for every integer START <= i < END on the worker pool, in no particular order, and returns when all calls are done. Raises the error of the first failing i.",
        "(let ((v (make-vector 3 0))) (parallel-for 0 3 (lambda (i) (vector-set! v i (* i i)))) v)",
        "#(0 1 4)",
        "pmap",
    ));
}

/// The worker pool behind `pmap` and `parallel-for`: one thread per core,
/// each with a spawned thread's large stack.
fn pool() -> Result<&'static rayon::ThreadPool, Exception> {
    static POOL: OnceLock<Result<rayon::ThreadPool, String>> = OnceLock::new();
    let pool = POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(std::thread::available_parallelism().map_or(2, |n| n.get()))
            .stack_size(THREAD_STACK)
            .thread_name(|i| format!("lisp-worker-{i}"))
            .build()
            .map_err(|e| e.to_string())
    });
    pool.as_ref()
        .map_err(|e| Exception::error(format!("cannot start the worker pool: {e}"), vec![]))
}

/// Calls `f` on `item(i)` for every `0 <= i < len` on the pool. Returns the
/// results in order if `keep_results`, else an empty vector; or the error
/// of the first failing element.
fn parallel_apply(
    ctx: &Ctx,
    f: &Value,
    len: usize,
    item: &(dyn Fn(usize) -> Value + Sync),
    keep_results: bool,
) -> Result<Vec<Value>, Exception> {
    if len == 0 {
        return Ok(Vec::new());
    }
    let pool = pool()?;
    let workers = pool.current_num_threads().max(1);
    let chunk = len.div_ceil(workers * CHUNKS_PER_WORKER).max(1);
    let chunk_results: Vec<Result<Vec<Value>, Exception>> = pool.install(|| {
        (0..len.div_ceil(chunk))
            .into_par_iter()
            .map(|c| {
                let (mut child, f) = child_context(ctx, f, next_thread_id());
                child.set_stack_budget(THREAD_STACK - WORKER_STACK_MARGIN);
                let range = c * chunk..((c + 1) * chunk).min(len);
                let mut out = Vec::with_capacity(if keep_results { range.len() } else { 0 });
                for i in range {
                    let v = child.apply(&f, &[item(i)])?;
                    if keep_results {
                        out.push(v);
                    }
                }
                Ok(out)
            })
            .collect()
    });
    let mut out = Vec::with_capacity(if keep_results { len } else { 0 });
    for chunk in chunk_results {
        out.extend(chunk?);
    }
    Ok(out)
}

fn pmap(ctx: &mut Ctx, a: &[Value]) -> R {
    let f = args::procedure("pmap", 1, &a[0])?;
    let items = args::list("pmap", 2, &a[1])?;
    let item = |i: usize| items[i].clone();
    let results = parallel_apply(ctx, f, items.len(), &item, true)?;
    Ok(lisp_runtime::list::list_from(results))
}

fn parallel_for(ctx: &mut Ctx, a: &[Value]) -> R {
    let start = args::int("parallel-for", 1, &a[0])?;
    let end = args::int("parallel-for", 2, &a[1])?;
    let f = args::procedure("parallel-for", 3, &a[2])?;
    // Computed in i128 so that no i64 range overflows; a negative length
    // (end < start) fails the conversion and means no calls.
    let len = usize::try_from(i128::from(end) - i128::from(start)).unwrap_or(0);
    let item = |i: usize| Value::int(start + i as i64);
    parallel_apply(ctx, f, len, &item, false)?;
    Ok(Value::VOID)
}
