//! The interpreter: walks the core IR.
//!
//! Input: a closure whose template's code is a `LambdaInfo`, and its
//! arguments. Output: the value, or an `Exception`.
//!
//! Frames live on `Ctx::stack`: a call's arguments are pushed, become
//! slots `0..n` of the callee's frame, and the frame grows to the lambda's
//! `frame_size`. Calls in tail position do not recurse: `eval_tail` hands
//! the callee and its pushed arguments back to `execute`, which slides them
//! down over the finished frame and loops, so tail calls run in constant
//! stack. Non-tail calls check the native stack against `Ctx::stack_limit`
//! and raise `stack overflow` before it runs out.
//!
//! Errors: a failing builtin or primitive gets the span of its call site
//! (`Exception::at`); an exception leaving a closure through a non-tail
//! call gets a backtrace frame (callee name, call site). The JIT mirrors
//! exactly this.

use crate::engine::Host;
use crate::ir::{lambda_info, Call, CaptureFrom, Expr, LambdaInfo, PrimCall, PrimOp};
use lisp_runtime::list::cons;
use lisp_runtime::object::{Builtin, Closure, Template};
use lisp_runtime::{Ctx, Exception, Object, Signal, Span, Value};
use parking_lot::Mutex;
use smallvec::SmallVec;
use std::sync::atomic::Ordering;
use std::sync::Arc;

type R<T> = Result<T, Exception>;

/// Arguments of a builtin call, kept off the heap for small counts.
type Args = SmallVec<[Value; 6]>;

/// The outcome of evaluating an expression in tail position.
enum Tail {
    Value(Value),
    /// Call `0` with the given number of arguments, pushed on the stack.
    /// The callee is borrowed only from a closure that outlives the whole
    /// `execute` (see `run_loop`'s `stable`).
    Call(Arg, usize, Span),
    /// Call the running closure again: its new arguments are already in
    /// the frame's parameter slots (a loop, with no frame set-up).
    SelfCall,
}

/// Calls any procedure with `args` (the hook the runtime and builtins use).
pub fn apply(ctx: &mut Ctx, f: &Value, args: &[Value]) -> R<Value> {
    let base = ctx.stack.len();
    ctx.stack.extend(args.iter().cloned());
    call(ctx, f, base, Span::default())
}

/// The JIT's generic call path: calls `f` with `args` from the call site at
/// `span`. A non-tail call behaves like any call here (arity errors and
/// builtin failures get `span`, an exception leaving a closure gets a
/// backtrace frame); a tail call leaves no frame, like `execute`'s loop.
pub fn call_at(
    ctx: &mut Ctx,
    f: &Value,
    args: impl IntoIterator<Item = Value>,
    span: Span,
    tail: bool,
) -> R<Value> {
    let base = ctx.stack.len();
    ctx.stack.extend(args);
    if !tail {
        return call(ctx, f, base, span);
    }
    let result = match f.as_object() {
        Some(Object::Closure(c)) => {
            let argc = ctx.stack.len() - base;
            let info = lambda_info(&c.template);
            check_interrupt(ctx)
                .and_then(|()| enter(ctx, c, info, base, argc).map_err(|e| e.at(span)))
                .and_then(|()| execute(ctx, f, c, info, base))
        }
        _ => {
            let args: Args = ctx.stack.drain(base..).collect();
            call_other(ctx, f, &args, span)
        }
    };
    ctx.stack.truncate(base);
    result
}

/// Runs a top-level template (a procedure of no arguments).
pub fn run_template(ctx: &mut Ctx, template: Arc<Template>) -> R<Value> {
    // A top-level template captures nothing.
    let closure = Value::object(Object::Closure(Closure::new(template, |_| Value::UNBOUND)));
    apply(ctx, &closure, &[])
}

/// Calls `f` with the arguments at `ctx.stack[base..]`, consuming them.
#[inline(never)]
fn call(ctx: &mut Ctx, f: &Value, base: usize, span: Span) -> R<Value> {
    let result = match f.as_object() {
        Some(Object::Closure(c)) => call_closure(ctx, f, c, base, span),
        _ => {
            let args: Args = ctx.stack.drain(base..).collect();
            call_other(ctx, f, &args, span)
        }
    };
    ctx.stack.truncate(base);
    result
}

#[inline(always)]
fn call_closure(ctx: &mut Ctx, f: &Value, c: &Closure, base: usize, span: Span) -> R<Value> {
    if ctx.stack_exhausted() {
        return Err(stack_overflow(span));
    }
    check_interrupt(ctx)?;
    let argc = ctx.stack.len() - base;
    let info = lambda_info(&c.template);
    enter(ctx, c, info, base, argc).map_err(|e| e.at(span))?;
    execute(ctx, f, c, info, base).map_err(|mut e| {
        if !span.is_unknown() {
            e.push_frame(procedure_name(f), span);
        }
        e
    })
}

/// Pops the frame at `base` (what `truncate` does, inline: a small
/// frame of immediates costs a few instructions, not a call).
#[inline(always)]
fn pop_frame(ctx: &mut Ctx, base: usize) {
    while ctx.stack.len() > base {
        drop(ctx.stack.pop());
    }
}

#[cold]
#[inline(never)]
fn stack_overflow(span: Span) -> Exception {
    Exception::error("stack overflow", vec![]).at(span)
}

/// Raises `interrupted` once when the interrupt flag (Ctrl-C in the REPL)
/// is set; checked at every call, so loops (tail calls) stop too.
#[inline(always)]
fn check_interrupt(ctx: &Ctx) -> R<()> {
    if ctx.interrupt.load(Ordering::Relaxed) {
        return Err(interrupted(ctx));
    }
    Ok(())
}

#[cold]
#[inline(never)]
fn interrupted(ctx: &Ctx) -> Exception {
    ctx.interrupt.store(false, Ordering::Relaxed);
    Exception::error("interrupted", vec![])
}

/// The name shown in backtraces.
pub fn procedure_name(f: &Value) -> String {
    match f.as_object() {
        Some(Object::Closure(c)) => match *c.template.name.lock() {
            Some(name) => name.name().to_string(),
            None => "anonymous procedure".to_string(),
        },
        Some(Object::Builtin(b)) => b.name.to_string(),
        Some(Object::Foreign(foreign)) => foreign.name.clone(),
        _ => lisp_runtime::printer::write_string_truncated(f, 40),
    }
}

/// Calls something that is not a closure: a builtin, a parameter object or
/// a continuation.
fn call_other(ctx: &mut Ctx, f: &Value, args: &[Value], span: Span) -> R<Value> {
    match f.as_object() {
        Some(Object::Builtin(b)) => call_builtin(ctx, b, args).map_err(|e| e.at(span)),
        Some(Object::Parameter(p)) => {
            if !args.is_empty() {
                return Err(Exception::arity("parameter", "0", args.len()).at(span));
            }
            Ok(parameter_value(ctx, f, p))
        }
        Some(Object::Continuation(tag)) => {
            let value = match args.len() {
                1 => args[0].clone(),
                _ => Value::object(Object::Values(args.to_vec().into_boxed_slice())),
            };
            Err(Exception::new(Signal::Escape { tag: *tag, value }))
        }
        Some(Object::Foreign(foreign)) => call_foreign(ctx, foreign, args).map_err(|e| e.at(span)),
        Some(Object::Closure(_)) => apply(ctx, f, args),
        _ => Err(Exception::error(
            format!(
                "attempt to call a non-procedure: {}",
                lisp_runtime::printer::write_string_truncated(f, 60)
            ),
            vec![],
        )
        .at(span)),
    }
}

/// The current value of a parameter object in this thread.
pub fn parameter_value(ctx: &Ctx, param: &Value, p: &lisp_runtime::object::Parameter) -> Value {
    for (k, v) in ctx.params.iter().rev() {
        if k.is(param) {
            return v.clone();
        }
    }
    p.value.lock().clone()
}

/// Calls a registered Rust closure; a panic inside it becomes a Lisp
/// error naming the procedure.
fn call_foreign(ctx: &mut Ctx, f: &lisp_runtime::object::Foreign, args: &[Value]) -> R<Value> {
    if !f.arity.accepts(args.len()) {
        return Err(Exception::arity(&f.name, &f.arity.describe(), args.len()));
    }
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (f.func)(ctx, args)));
    outcome.unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        Err(Exception::error(
            format!("{}: the Rust function panicked: {what}", f.name),
            vec![],
        ))
    })
}

fn call_builtin(ctx: &mut Ctx, b: &Builtin, args: &[Value]) -> R<Value> {
    if !b.arity.accepts(args.len()) {
        return Err(Exception::arity(b.name, &b.arity.describe(), args.len()));
    }
    (b.func)(ctx, args)
}

/// Checks arity and sets up the frame of `c` at `base` (arguments already
/// pushed): packs the rest list, boxes assigned parameters, and reserves
/// the local slots.
#[inline(always)]
fn enter(ctx: &mut Ctx, c: &Closure, info: &LambdaInfo, base: usize, argc: usize) -> R<()> {
    // The same test as `loop_arity`'s, so that the two share it.
    if argc == loop_arity(info) {
        let need = base + info.frame_size as usize;
        if ctx.stack.len() < need {
            ctx.stack.resize(need, Value::UNBOUND);
        }
        return Ok(());
    }
    enter_slow(ctx, c, info, base, argc)
}

#[inline(never)]
fn enter_slow(ctx: &mut Ctx, c: &Closure, info: &LambdaInfo, base: usize, argc: usize) -> R<()> {
    let required = info.required as usize;
    if argc < required || (!info.rest && argc > required) {
        let expected = if info.rest {
            format!("at least {required}")
        } else {
            required.to_string()
        };
        let name = c
            .template
            .name
            .lock()
            .map(|n| n.name().to_string())
            .unwrap_or_else(|| "anonymous procedure".into());
        return Err(Exception::arity(&name, &expected, argc));
    }
    if info.rest {
        let rest: Vec<Value> = ctx.stack.drain(base + required..).collect();
        ctx.stack.push(lisp_runtime::list::list_from(rest));
    }
    for &slot in &info.boxed_params {
        let i = base + slot as usize;
        let v = std::mem::take(&mut ctx.stack[i]);
        ctx.stack[i] = Value::object(Object::Cell(Mutex::new(v)));
    }
    ctx.stack
        .resize(base + info.frame_size as usize, Value::UNBOUND);
    Ok(())
}

/// Runs the closure `f` whose frame is set up at `base`, following tail
/// calls iteratively. `f` is borrowed until the first tail call replaces it.
#[inline(always)]
fn execute(ctx: &mut Ctx, f: &Value, c: &Closure, info: &LambdaInfo, base: usize) -> R<Value> {
    // `f` is borrowed for the whole of `execute`: it is stable.
    match run_loop(ctx, f, c, info, base, true)? {
        Tail::Value(v) => Ok(v),
        Tail::Call(g, argc, span) => execute_tail_calls(ctx, base, g, argc, span),
        Tail::SelfCall => unreachable!("run_loop handles self calls"),
    }
}

/// `execute` once the first closure made a tail call: the callee `g`'s
/// `argc` arguments are on top of the stack, above the finished frame.
#[inline(never)]
fn execute_tail_calls(
    ctx: &mut Ctx,
    base: usize,
    mut g: Arg,
    mut argc: usize,
    mut span: Span,
) -> R<Value> {
    loop {
        let start = ctx.stack.len() - argc;
        ctx.stack.drain(base..start);
        let Some(Object::Closure(gc)) = g.as_object() else {
            let args: Args = ctx.stack.drain(base..).collect();
            return call_other(ctx, &g, &args, span);
        };
        let info = lambda_info(&gc.template);
        check_interrupt(ctx)?;
        enter(ctx, gc, info, base, argc).map_err(|e| e.at(span))?;
        // A borrowed callee came from a stable closure and is stable too;
        // an owned one dies when the next tail call replaces it.
        let stable = !g.1;
        match run_loop(ctx, &g, gc, info, base, stable)? {
            Tail::Call(next, n, s) => {
                g = next;
                argc = n;
                span = s;
            }
            Tail::Value(v) => return Ok(v),
            Tail::SelfCall => unreachable!("run_loop handles self calls"),
        }
    }
}

/// Runs one closure's body (compiled code when there is some), looping
/// in place while it calls itself in tail position.
#[inline(always)]
///
/// `stable`: `f` stays alive until `execute` returns (not just until the
/// next tail call), so callees read from its captured values can be
/// borrowed by the tail calls it makes.
fn run_loop(
    ctx: &mut Ctx,
    f: &Value,
    c: &Closure,
    info: &LambdaInfo,
    base: usize,
    stable: bool,
) -> R<Tail> {
    loop {
        if ctx.jit_threshold != u32::MAX {
            if let Some(v) = try_jit(ctx, f, c, info, base)? {
                return Ok(Tail::Value(v));
            }
        }
        match eval_tail(ctx, body(info), f, c, loop_arity(info), base, stable)? {
            Tail::SelfCall => check_interrupt(ctx)?,
            other => return Ok(other),
        }
    }
}

/// The body to evaluate: a body of one expression (a `begin` of one form)
/// is that expression, saving a dispatch per call.
#[inline(always)]
fn body(info: &LambdaInfo) -> &Expr {
    match &info.body {
        Expr::Seq(items) if items.len() == 1 => &items[0],
        body => body,
    }
}

/// The number of arguments with which a tail call of the running closure
/// is a loop (`self_call`): its parameters, when none is a rest list or
/// boxed; `usize::MAX` (no call) otherwise. Computed once per call, so that
/// `eval_tail` needs nothing else from the `LambdaInfo`.
#[inline(always)]
fn loop_arity(info: &LambdaInfo) -> usize {
    if !info.rest && info.boxed_params.is_empty() {
        info.required as usize
    } else {
        usize::MAX
    }
}

/// Counts a call for tiering and runs compiled code when there is some.
#[inline(never)]
fn try_jit(
    ctx: &mut Ctx,
    f: &Value,
    c: &Closure,
    info: &LambdaInfo,
    base: usize,
) -> R<Option<Value>> {
    let t = &c.template;
    let mut entry = t.jit_entry.load(Ordering::Acquire);
    if entry == 0 {
        let heat = t.heat.load(Ordering::Relaxed);
        if heat < ctx.jit_threshold {
            t.heat.store(heat + 1, Ordering::Relaxed);
            return Ok(None);
        }
        if t.jit_failed.load(Ordering::Relaxed) {
            return Ok(None);
        }
        let host = ctx.host.clone();
        if let Some(jit) = host.downcast_ref::<Host>().and_then(|h| h.jit.as_ref()) {
            jit.compile(t, &ctx.globals);
        }
        entry = t.jit_entry.load(Ordering::Acquire);
        if entry == 0 {
            return Ok(None);
        }
    }
    // SAFETY: a nonzero `jit_entry` is always a finalized function with the
    // `Entry` signature, stored by `Jit::compile`.
    let code: crate::jit::Entry = unsafe { std::mem::transmute::<usize, crate::jit::Entry>(entry) };
    let nargs = info.required as usize + info.rest as usize;
    let args = ctx.stack[base..].as_ptr() as *const u64;
    // SAFETY: the arguments are live values on the stack (the JIT copies
    // them before it makes any call that could grow the stack), the closure
    // word is kept alive by `f`, and `ctx` is exclusively ours.
    let word = unsafe { code(ctx as *mut Ctx, f.raw(), args, nargs as u64) };
    if word == crate::jit::not_compiled() {
        // Sent back to the interpreter since this thread read the entry.
        return Ok(None);
    }
    if word == Value::RAISED.raw() {
        let exc = ctx
            .pending
            .take()
            .unwrap_or_else(|| Exception::error("JIT raised without an exception", vec![]));
        return Err(exc);
    }
    // SAFETY: JIT code returns an owned value word.
    Ok(Some(unsafe { Value::from_raw(word) }))
}

/// Evaluates an expression in tail position.
///
/// `body` is the running closure's body (see `body`), and `loop_arity`
/// says which of its tail calls to itself are loops (see `loop_arity`).
fn eval_tail(
    ctx: &mut Ctx,
    body: &Expr,
    f: &Value,
    c: &Closure,
    loop_arity: usize,
    base: usize,
    stable: bool,
) -> R<Tail> {
    let mut expr = body;
    loop {
        match expr {
            Expr::If(test, then, otherwise) => {
                let arm = if truth(ctx, test, f, c, base)? {
                    then
                } else {
                    otherwise
                };
                // A variable arm (the base case of a recursion) is read
                // right here, not after another dispatch.
                if let Expr::Local(slot) = &**arm {
                    return Ok(Tail::Value(ctx.stack[base + *slot as usize].clone()));
                }
                expr = arm;
            }
            Expr::Seq(items) => {
                let Some((last, init)) = items.split_last() else {
                    return Ok(Tail::Value(Value::VOID));
                };
                for item in init {
                    eval(ctx, item, f, c, base)?;
                }
                expr = last;
            }
            Expr::Call(call) if call.tail => {
                if call.args.len() == loop_arity && is_self_callee(ctx, &call.func, f, c, base) {
                    self_call(ctx, call, f, c, base)?;
                    // Without the JIT there is nothing to count: loop here.
                    if ctx.jit_threshold != u32::MAX {
                        return Ok(Tail::SelfCall);
                    }
                    check_interrupt(ctx)?;
                    expr = body;
                    continue;
                }
                return tail_call(ctx, call, f, c, base, stable);
            }
            // The frame dies with this value: captured slots move out.
            Expr::Lambda(template) => {
                return Ok(Tail::Value(make_closure_from_dying_frame(
                    ctx, template, f, c, base,
                )))
            }
            Expr::Prim(p) => {
                // `(+ (f ...) (f ...))`, the general case of a recursion,
                // is evaluated here without another call.
                if let [x, y] = &p.args[..] {
                    if (matches!(x, Expr::Call(_)) || matches!(y, Expr::Call(_)))
                        && ctx.global(p.global).is(&p.builtin)
                    {
                        return prim_eval2_inline(ctx, p, f, c, base).map(Tail::Value);
                    }
                }
                return prim_inline(ctx, p, f, c, base).map(Tail::Value);
            }
            Expr::Call(call) => return eval_call(ctx, call, f, c, base).map(Tail::Value),
            Expr::Local(slot) => return Ok(Tail::Value(ctx.stack[base + *slot as usize].clone())),
            Expr::Const(v) => return Ok(Tail::Value(v.clone())),
            _ => return operand(ctx, expr, f, c, base).map(Tail::Value),
        }
    }
}

/// A tail call of the running closure with exactly its parameters: a loop.
/// The new arguments replace the parameters in place.
#[inline(never)]
fn self_call(ctx: &mut Ctx, call: &Call, f: &Value, c: &Closure, base: usize) -> R<()> {
    match &call.args[..] {
        [] => {}
        [x] => {
            let a = operand(ctx, x, f, c, base)?;
            ctx.stack[base] = a;
        }
        [x, y] => {
            let a = operand(ctx, x, f, c, base)?;
            let b = operand(ctx, y, f, c, base)?;
            ctx.stack[base] = a;
            ctx.stack[base + 1] = b;
        }
        args => {
            let n = args.len();
            let argbase = push_args(ctx, args, f, c, base)?;
            for i in (0..n).rev() {
                let v = ctx.stack.pop().expect("pushed argument");
                ctx.stack[base + i] = v;
            }
            debug_assert_eq!(ctx.stack.len(), argbase);
        }
    }
    Ok(())
}

#[inline(never)]
fn tail_call(
    ctx: &mut Ctx,
    call: &Call,
    f: &Value,
    c: &Closure,
    base: usize,
    stable: bool,
) -> R<Tail> {
    if let Expr::Global(id, _) = &call.func {
        // A builtin in tail position is called right here (a builtin leaves
        // no frame either way), with its arguments borrowed where possible.
        if let Some(Object::Builtin(b)) = ctx.global(*id).as_object() {
            if b.func as usize
                != crate::builtins::control::apply as lisp_runtime::object::BuiltinFn as usize
            {
                let (func, arity, name) = (b.func, b.arity, b.name);
                return call_builtin_with(ctx, func, arity, name, call, f, c, base)
                    .map(Tail::Value);
            }
        }
    }
    let g = match &call.func {
        // Captured values of a stable closure live as long as it does.
        Expr::Captured(i) if stable => Arg(
            // SAFETY: `c` is stable (see `run_loop`), and a closure's
            // captured values never change; the copy is never released.
            std::mem::ManuallyDrop::new(unsafe {
                Value::from_raw(c.captured()[*i as usize].raw())
            }),
            false,
        ),
        _ => Arg::owned(operand(ctx, &call.func, f, c, base)?),
    };
    let argbase = push_args(ctx, &call.args, f, c, base)?;
    // `(apply g args)` in tail position is itself a tail call of g.
    if let Some(Object::Builtin(b)) = g.as_object() {
        if b.func as usize
            == crate::builtins::control::apply as lisp_runtime::object::BuiltinFn as usize
            && call.args.len() >= 2
        {
            let (target, argc) = spread_apply(ctx, argbase).map_err(|e| e.at(call.span))?;
            return Ok(Tail::Call(Arg::owned(target), argc, call.span));
        }
    }
    Ok(Tail::Call(g, call.args.len(), call.span))
}

/// Whether the callee expression denotes the running closure `f`, decided
/// without evaluating (or cloning) anything: only for variable references.
#[inline(always)]
fn is_self_callee(ctx: &Ctx, func: &Expr, f: &Value, c: &Closure, base: usize) -> bool {
    match func {
        Expr::SelfRef => true,
        Expr::Local(slot) => ctx.stack[base + *slot as usize].is(f),
        Expr::Captured(i) => c.captured()[*i as usize].is(f),
        Expr::Global(id, _) => ctx.global(*id).is(f),
        _ => false,
    }
}

/// Rewrites the pushed arguments of `(apply g a ... list)` at `argbase`
/// into `a ... list-elements`; returns g and the new argument count.
fn spread_apply(ctx: &mut Ctx, argbase: usize) -> R<(Value, usize)> {
    let target = ctx.stack.remove(argbase);
    let list = ctx.stack.pop().unwrap_or(Value::NIL);
    let items = lisp_runtime::list::list_to_vec(&list)
        .ok_or_else(|| Exception::wrong_type("apply", 2, "list", &list))?;
    ctx.stack.extend(items);
    Ok((target, ctx.stack.len() - argbase))
}

/// Evaluates `args` onto the value stack; returns where they start. On an
/// error the partial arguments are popped again.
fn push_args(ctx: &mut Ctx, args: &[Expr], f: &Value, c: &Closure, base: usize) -> R<usize> {
    let argbase = ctx.stack.len();
    for arg in args {
        match operand(ctx, arg, f, c, base) {
            Ok(v) => ctx.stack.push(v),
            Err(e) => {
                ctx.stack.truncate(argbase);
                return Err(e);
            }
        }
    }
    Ok(argbase)
}

/// Evaluates an operand, handling the commonest leaves without a call.
#[inline(always)]
fn operand(ctx: &mut Ctx, expr: &Expr, f: &Value, c: &Closure, base: usize) -> R<Value> {
    match expr {
        Expr::Local(slot) => Ok(ctx.stack[base + *slot as usize].clone()),
        Expr::Const(v) => Ok(v.clone()),
        Expr::Captured(i) => Ok(c.captured()[*i as usize].clone()),
        Expr::Global(id, span) => {
            let v = ctx.global(*id);
            if v.is_unbound() {
                return Err(unbound(*id).at(*span));
            }
            Ok(v.clone())
        }
        Expr::Prim(p) => prim_inline(ctx, p, f, c, base),
        Expr::Call(call) if !call.tail => eval_call(ctx, call, f, c, base),
        Expr::Lambda(template) => Ok(make_closure(ctx, template, f, c, base)),
        _ => eval(ctx, expr, f, c, base),
    }
}

/// Evaluates an expression (not in tail position).
fn eval(ctx: &mut Ctx, expr: &Expr, f: &Value, c: &Closure, base: usize) -> R<Value> {
    match expr {
        Expr::Const(v) => Ok(v.clone()),
        Expr::Local(slot) => Ok(ctx.stack[base + *slot as usize].clone()),
        Expr::Captured(i) => Ok(c.captured()[*i as usize].clone()),
        Expr::LocalCell(slot, name) => read_cell(&ctx.stack[base + *slot as usize], *name),
        Expr::CapturedCell(i, name) => read_cell(&c.captured()[*i as usize], *name),
        Expr::SelfRef => Ok(f.clone()),
        Expr::Global(id, span) => {
            let v = ctx.global(*id);
            if v.is_unbound() {
                return Err(unbound(*id).at(*span));
            }
            Ok(v.clone())
        }
        Expr::SetLocalCell(slot, value) => {
            let v = eval(ctx, value, f, c, base)?;
            write_cell(&ctx.stack[base + *slot as usize], v);
            Ok(Value::VOID)
        }
        Expr::SetCapturedCell(i, value) => {
            let v = eval(ctx, value, f, c, base)?;
            write_cell(&c.captured()[*i as usize], v);
            Ok(Value::VOID)
        }
        Expr::SetGlobal(id, value, span) => {
            let v = eval(ctx, value, f, c, base)?;
            if ctx.global(*id).is_unbound() {
                let name = lisp_runtime::globals::global_name(*id);
                return Err(
                    Exception::error(format!("set!: unbound variable {name}"), vec![]).at(*span),
                );
            }
            ctx.set_global(*id, v);
            Ok(Value::VOID)
        }
        Expr::DefineGlobal(id, value) => {
            let v = eval(ctx, value, f, c, base)?;
            ctx.set_global(*id, v);
            Ok(Value::VOID)
        }
        Expr::Bind { slot, cell, init } => {
            let v = eval(ctx, init, f, c, base)?;
            let v = if *cell {
                Value::object(Object::Cell(Mutex::new(v)))
            } else {
                v
            };
            ctx.stack[base + *slot as usize] = v;
            Ok(Value::VOID)
        }
        Expr::MakeCell(slot) => {
            ctx.stack[base + *slot as usize] =
                Value::object(Object::Cell(Mutex::new(Value::UNBOUND)));
            Ok(Value::VOID)
        }
        Expr::If(test, then, otherwise) => {
            if truth(ctx, test, f, c, base)? {
                eval(ctx, then, f, c, base)
            } else {
                eval(ctx, otherwise, f, c, base)
            }
        }
        Expr::Seq(items) => {
            let mut last = Value::VOID;
            for item in items {
                last = eval(ctx, item, f, c, base)?;
            }
            Ok(last)
        }
        Expr::Lambda(template) => Ok(make_closure(ctx, template, f, c, base)),
        Expr::Call(call) => eval_call(ctx, call, f, c, base),
        Expr::Prim(p) => prim(ctx, p, f, c, base),
    }
}

/// A call not in tail position (kept out of `eval` so that its frame stays small).
#[inline(never)]
fn eval_call(ctx: &mut Ctx, call: &Call, f: &Value, c: &Closure, base: usize) -> R<Value> {
    // A call marked as a tail call is only evaluated here for its value
    // (e.g. by the JIT's fallback): it then runs as a plain call.
    let g = match &call.func {
        Expr::Global(id, _) => {
            // A global builtin is called through its function pointer, without
            // taking a reference: builtins are shared by every thread, and
            // bumping their counts from several cores at once serializes them.
            match ctx.global(*id).as_object() {
                Some(Object::Builtin(b)) => {
                    let (func, arity, name) = (b.func, b.arity, b.name);
                    return call_builtin_with(ctx, func, arity, name, call, f, c, base);
                }
                Some(Object::Closure(_)) => return call_global_closure(ctx, *id, call, f, c, base),
                _ => Arg::eval(ctx, &call.func, f, c, base)?,
            }
        }
        // The running closure outlives the call: borrowed, like the frame
        // slots and captured values `Arg::eval` borrows.
        Expr::SelfRef => Arg(
            // SAFETY: `f` is alive for the whole call and never released here.
            std::mem::ManuallyDrop::new(unsafe { Value::from_raw(f.raw()) }),
            false,
        ),
        _ => Arg::eval(ctx, &call.func, f, c, base)?,
    };
    if let Some(Object::Closure(gc)) = g.as_object() {
        // As in `call_global_closure`.
        let argbase = ctx.stack.len();
        let mut result = Ok(Value::VOID);
        for arg in &call.args {
            match operand(ctx, arg, f, c, base) {
                Ok(v) => ctx.stack.push(v),
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        if result.is_ok() {
            result = call_closure(ctx, &g, gc, argbase, call.span);
        }
        pop_frame(ctx, argbase);
        return result;
    }
    let argbase = push_args(ctx, &call.args, f, c, base)?;
    self::call(ctx, &g, argbase, call.span)
}

/// Calls the closure held by global `id` without taking a count: the
/// global table owns it, and `Ctx::set_global` retires rather than
/// releases a closure that is borrowed this way, so redefining the global
/// while the call runs (even from its own arguments) is safe.
#[inline(always)]
fn call_global_closure(
    ctx: &mut Ctx,
    id: u32,
    call: &Call,
    f: &Value,
    c: &Closure,
    base: usize,
) -> R<Value> {
    let word = ctx.global(id).raw();
    // The running closure calling itself (plain recursion) needs no
    // borrow: `f` outlives this call whatever happens to the global.
    let recursive = word == f.raw();
    if !recursive {
        ctx.borrow(word);
    }
    // SAFETY: `word` is `f`, or kept alive by the global table or, once
    // replaced there, by `ctx.retired` until `unborrow`; it is never
    // released here.
    let g = std::mem::ManuallyDrop::new(unsafe { Value::from_raw(word) });
    let Some(Object::Closure(gc)) = g.as_object() else {
        unreachable!("checked by the caller")
    };
    // The arguments are pushed here rather than by `push_args`: one call
    // less on the commonest path. A failing argument leaves the ones
    // before it to `pop_frame`.
    let argbase = ctx.stack.len();
    let mut result = Ok(Value::VOID);
    if let [x] = &call.args[..] {
        match operand(ctx, x, f, c, base) {
            Ok(v) => ctx.stack.push(v),
            Err(e) => result = Err(e),
        }
    } else {
        for arg in &call.args {
            match operand(ctx, arg, f, c, base) {
                Ok(v) => ctx.stack.push(v),
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
    }
    if result.is_ok() {
        result = call_closure(ctx, &g, gc, argbase, call.span);
    }
    pop_frame(ctx, argbase);
    if !recursive {
        ctx.unborrow();
    }
    result
}

/// `call_builtin_with` for more than three arguments.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
fn call_builtin_many(
    ctx: &mut Ctx,
    func: lisp_runtime::object::BuiltinFn,
    arity: lisp_runtime::Arity,
    name: &'static str,
    call: &Call,
    f: &Value,
    c: &Closure,
    base: usize,
) -> R<Value> {
    let n = call.args.len();
    let argbase = push_args(ctx, &call.args, f, c, base)?;
    let args: Args = ctx.stack.drain(argbase..).collect();
    if !arity.accepts(n) {
        return Err(Exception::arity(name, &arity.describe(), n).at(call.span));
    }
    func(ctx, &args).map_err(|e| e.at(call.span))
}

/// Calls a builtin with the call's arguments evaluated into a local array
/// (no trip through the value stack for the common small counts).
#[allow(clippy::too_many_arguments)]
#[inline(never)]
fn call_builtin_with(
    ctx: &mut Ctx,
    func: lisp_runtime::object::BuiltinFn,
    arity: lisp_runtime::Arity,
    name: &'static str,
    call: &Call,
    f: &Value,
    c: &Closure,
    base: usize,
) -> R<Value> {
    // Leaf arguments are borrowed: a builtin cannot reassign this frame's
    // slots, the running closure's captured values or a constant.
    let result = match &call.args[..] {
        [] => {
            if !arity.accepts(0) {
                return Err(Exception::arity(name, &arity.describe(), 0).at(call.span));
            }
            func(ctx, &[])
        }
        [x] => {
            let a = Arg::eval(ctx, x, f, c, base)?;
            if !arity.accepts(1) {
                return Err(Exception::arity(name, &arity.describe(), 1).at(call.span));
            }
            func(ctx, std::slice::from_ref(&*a))
        }
        [x, y] => {
            let a = Arg::eval(ctx, x, f, c, base)?;
            let b = Arg::eval(ctx, y, f, c, base)?;
            if !arity.accepts(2) {
                return Err(Exception::arity(name, &arity.describe(), 2).at(call.span));
            }
            func(ctx, &*shallow([&a, &b]))
        }
        [x, y, z] => {
            let a = Arg::eval(ctx, x, f, c, base)?;
            let b = Arg::eval(ctx, y, f, c, base)?;
            let d = Arg::eval(ctx, z, f, c, base)?;
            if !arity.accepts(3) {
                return Err(Exception::arity(name, &arity.describe(), 3).at(call.span));
            }
            func(ctx, &*shallow([&a, &b, &d]))
        }
        _ => return call_builtin_many(ctx, func, arity, name, call, f, c, base),
    };
    result.map_err(|e| e.at(call.span))
}

/// Builds a closure of `template` as the last act of the frame at `base`
/// (a `lambda` in tail position): captured slots are moved, not copied,
/// saving a count taken now and released when the frame is popped.
#[inline(never)]
fn make_closure_from_dying_frame(
    ctx: &mut Ctx,
    template: &Arc<Template>,
    f: &Value,
    c: &Closure,
    base: usize,
) -> Value {
    let info = lambda_info(template);
    let closure = Closure::new(template.clone(), |k| match &info.captures[k] {
        CaptureFrom::Local(slot) => {
            let v = &mut ctx.stack[base + *slot as usize];
            let again = info.captures[k + 1..]
                .iter()
                .any(|other| matches!(other, CaptureFrom::Local(s) if s == slot));
            if again {
                v.clone()
            } else {
                std::mem::replace(v, Value::UNBOUND)
            }
        }
        CaptureFrom::Captured(i) => c.captured()[*i as usize].clone(),
        CaptureFrom::SelfRef => f.clone(),
    });
    Value::object(Object::Closure(closure))
}

/// Builds a closure of `template`, copying its captured values.
pub fn make_closure(
    ctx: &Ctx,
    template: &Arc<Template>,
    f: &Value,
    c: &Closure,
    base: usize,
) -> Value {
    let info = lambda_info(template);
    let closure = Closure::new(template.clone(), |k| match &info.captures[k] {
        CaptureFrom::Local(slot) => ctx.stack[base + *slot as usize].clone(),
        CaptureFrom::Captured(i) => c.captured()[*i as usize].clone(),
        CaptureFrom::SelfRef => f.clone(),
    });
    Value::object(Object::Closure(closure))
}

fn read_cell(cell: &Value, name: lisp_runtime::Symbol) -> R<Value> {
    let v = match cell.as_object() {
        Some(Object::Cell(m)) => m.lock().clone(),
        _ => cell.clone(),
    };
    if v.is_unbound() {
        return Err(Exception::error(
            format!("variable {name} used before its definition"),
            vec![],
        ));
    }
    Ok(v)
}

fn write_cell(cell: &Value, v: Value) {
    if let Some(Object::Cell(m)) = cell.as_object() {
        *m.lock() = v;
    }
}

/// The error for reading an unbound global.
pub fn unbound(id: u32) -> Exception {
    let name = lisp_runtime::globals::global_name(id);
    Exception::error(format!("unbound variable: {name}"), vec![])
}

/// The word of an operand that can be read without evaluating anything and
/// that stays alive while the enclosing call runs: a slot of this frame
/// (non-cell slots are never reassigned while an expression of the frame
/// is being evaluated), a captured value of the running closure, or a
/// constant of the IR. The caller borrows it (no reference count).
#[inline(always)]
fn peek(ctx: &Ctx, x: &Expr, c: &Closure, base: usize) -> Option<u64> {
    match x {
        Expr::Local(slot) => Some(ctx.stack[base + *slot as usize].raw()),
        Expr::Const(v) => Some(v.raw()),
        Expr::Captured(i) => Some(c.captured()[*i as usize].raw()),
        _ => None,
    }
}

/// A value that is either borrowed (a `peek`ed word) or owned.
struct Arg(std::mem::ManuallyDrop<Value>, bool);

impl Arg {
    #[inline(always)]
    fn eval(ctx: &mut Ctx, x: &Expr, f: &Value, c: &Closure, base: usize) -> R<Arg> {
        let word = match x {
            Expr::Local(slot) => ctx.stack[base + *slot as usize].raw(),
            Expr::Const(v) => v.raw(),
            Expr::Captured(i) => c.captured()[*i as usize].raw(),
            Expr::Prim(p) => return Ok(Arg::owned(prim_inline(ctx, p, f, c, base)?)),
            Expr::Call(call) if !call.tail => {
                return Ok(Arg::owned(eval_call(ctx, call, f, c, base)?))
            }
            _ => return Ok(Arg::owned(operand(ctx, x, f, c, base)?)),
        };
        // SAFETY: see `peek`: the word outlives this `Arg`, which does not
        // release it.
        Ok(Arg(
            std::mem::ManuallyDrop::new(unsafe { Value::from_raw(word) }),
            false,
        ))
    }

    #[inline(always)]
    fn owned(v: Value) -> Arg {
        Arg(std::mem::ManuallyDrop::new(v), true)
    }
}

impl std::ops::Deref for Arg {
    type Target = Value;
    #[inline(always)]
    fn deref(&self) -> &Value {
        &self.0
    }
}

impl Drop for Arg {
    #[inline(always)]
    fn drop(&mut self) {
        if self.1 {
            // SAFETY: an owned `Arg` holds one count, released once here.
            unsafe { std::mem::ManuallyDrop::drop(&mut self.0) }
        }
    }
}

/// Bitwise copies of borrowed values, to pass them as one slice without
/// touching their counts (the copies are never dropped).
#[inline(always)]
fn shallow<const N: usize>(values: [&Value; N]) -> std::mem::ManuallyDrop<[Value; N]> {
    // SAFETY: each copy is only read while the original is alive (for the
    // duration of the call it is passed to) and is never released.
    std::mem::ManuallyDrop::new(values.map(|v| unsafe { Value::from_raw(v.raw()) }))
}

/// A guarded primitive: inline when the global still holds its builtin,
/// an ordinary call otherwise. (`prim_inline` out of line.)
#[inline(never)]
fn prim(ctx: &mut Ctx, p: &PrimCall, f: &Value, c: &Closure, base: usize) -> R<Value> {
    prim_inline(ctx, p, f, c, base)
}

/// `prim`, inline where operands are evaluated: the commonest case,
/// fixnum arithmetic or comparison of variables and constants with the
/// builtin intact, runs without a call; every other case is sent straight
/// to the function that handles it.
#[inline(always)]
fn prim_inline(ctx: &mut Ctx, p: &PrimCall, f: &Value, c: &Closure, base: usize) -> R<Value> {
    if let [x, y] = &p.args[..] {
        if let Some(a) = peek(ctx, x, c, base) {
            if let Some(b) = peek(ctx, y, c, base) {
                if ctx.global(p.global).is(&p.builtin) {
                    if let Some(v) = fixnum2(p.op, a, b) {
                        return Ok(v);
                    }
                    return prim_float(ctx, p, f, c, base);
                }
                return prim_general(ctx, p, f, c, base);
            }
        }
        if ctx.global(p.global).is(&p.builtin) {
            return prim_eval2(ctx, p, f, c, base);
        }
    }
    prim_general(ctx, p, f, c, base)
}

/// `prim` of two operands that are not both variables or constants (such
/// as `(+ (fib ...) (fib ...))`), builtin intact: exactly `prim_general`'s
/// path for them, with the fixnum case first.
#[inline(never)]
fn prim_eval2(ctx: &mut Ctx, p: &PrimCall, f: &Value, c: &Closure, base: usize) -> R<Value> {
    prim_eval2_inline(ctx, p, f, c, base)
}

/// `prim_eval2`, inline (in `eval_tail`, where a recursion's general case
/// usually is).
#[inline(always)]
fn prim_eval2_inline(ctx: &mut Ctx, p: &PrimCall, f: &Value, c: &Closure, base: usize) -> R<Value> {
    let [x, y] = &p.args[..] else {
        unreachable!("called for two operands")
    };
    let a = Arg::eval(ctx, x, f, c, base)?;
    let b = Arg::eval(ctx, y, f, c, base)?;
    p.seen.note(&a, &b);
    if let Some(v) = fixnum2(p.op, a.raw(), b.raw()) {
        // Two fixnums: nothing to release.
        std::mem::forget((a, b));
        return Ok(v);
    }
    if let Some(v) = prim2(p.op, &a, &b) {
        return Ok(v);
    }
    slow_prim(ctx, p, &[(*a).clone(), (*b).clone()])
}

/// Whether the test of an `if` is true. A fixnum comparison of variables
/// and constants (builtin intact) gives its answer without making a
/// boolean; every other test is evaluated as an operand.
#[inline(always)]
fn truth(ctx: &mut Ctx, test: &Expr, f: &Value, c: &Closure, base: usize) -> R<bool> {
    if let Expr::Prim(p) = test {
        if let [x, y] = &p.args[..] {
            if let Some(a) = peek(ctx, x, c, base) {
                if let Some(b) = peek(ctx, y, c, base) {
                    if ctx.global(p.global).is(&p.builtin) {
                        if let Some(t) = fixnum_compare(p.op, a, b) {
                            return Ok(t);
                        }
                    }
                }
            }
        }
        return Ok(prim_inline(ctx, p, f, c, base)?.is_true());
    }
    Ok(operand(ctx, test, f, c, base)?.is_true())
}

/// `fixnum2` for the comparisons, as a `bool`.
#[inline(always)]
fn fixnum_compare(op: PrimOp, a: u64, b: u64) -> Option<bool> {
    // SAFETY: the words are alive (see `peek`); the copies are only read.
    let (a, b) = unsafe { (shallow_word(a), shallow_word(b)) };
    let (x, y) = (a.as_fixnum()?, b.as_fixnum()?);
    match op {
        PrimOp::Lt => Some(x < y),
        PrimOp::Gt => Some(x > y),
        PrimOp::Le => Some(x <= y),
        PrimOp::Ge => Some(x >= y),
        PrimOp::NumEq | PrimOp::Eq => Some(x == y),
        _ => None,
    }
}

/// Fixnum arithmetic and comparisons; `None` (overflow, other operands)
/// defers to the slower paths, which give the builtin's answer.
#[inline(always)]
fn fixnum2(op: PrimOp, a: u64, b: u64) -> Option<Value> {
    // SAFETY: the words are alive (see `peek`); the copies are only read.
    let (a, b) = unsafe { (shallow_word(a), shallow_word(b)) };
    let (x, y) = (a.as_fixnum()?, b.as_fixnum()?);
    // Fixnums are well inside i64: sums and differences cannot overflow
    // it, products are checked.
    let n = match op {
        PrimOp::Add => x + y,
        PrimOp::Sub => x - y,
        PrimOp::Mul => x.checked_mul(y)?,
        PrimOp::Lt => return Some(Value::bool(x < y)),
        PrimOp::Gt => return Some(Value::bool(x > y)),
        PrimOp::Le => return Some(Value::bool(x <= y)),
        PrimOp::Ge => return Some(Value::bool(x >= y)),
        PrimOp::NumEq | PrimOp::Eq => return Some(Value::bool(x == y)),
        _ => return None,
    };
    if !(lisp_runtime::value::FIXNUM_MIN..=lisp_runtime::value::FIXNUM_MAX).contains(&n) {
        return None;
    }
    Some(Value::fixnum(n))
}

/// `prim` on two variables or constants that are not both fixnums: the
/// float fast path in a small function (so the float decoding inlines),
/// then `prim_general`.
#[inline(never)]
fn prim_float(ctx: &mut Ctx, p: &PrimCall, f: &Value, c: &Closure, base: usize) -> R<Value> {
    if let [x, y] = &p.args[..] {
        if let (Some(a), Some(b)) = (peek(ctx, x, c, base), peek(ctx, y, c, base)) {
            // SAFETY: see `peek`; the copies are only read.
            let (a, b) = unsafe { (shallow_word(a), shallow_word(b)) };
            p.seen.note(&a, &b);
            if !a.is_fixnum() && !b.is_fixnum() {
                // Two floats (immediate, zero or boxed), as the builtins
                // compute them; anything else fails `as_float`.
                if let (Some(x), Some(y)) = (a.as_float(), b.as_float()) {
                    let r = match p.op {
                        PrimOp::Add => Some(x + y),
                        PrimOp::Sub => Some(x - y),
                        PrimOp::Mul => Some(x * y),
                        PrimOp::Lt => return Ok(Value::bool(x < y)),
                        PrimOp::Gt => return Ok(Value::bool(x > y)),
                        PrimOp::Le => return Ok(Value::bool(x <= y)),
                        PrimOp::Ge => return Ok(Value::bool(x >= y)),
                        PrimOp::NumEq => return Ok(Value::bool(x == y)),
                        _ => None,
                    };
                    if let Some(r) = r {
                        return Ok(Value::float(r));
                    }
                }
            }
        }
    }
    prim_general(ctx, p, f, c, base)
}

/// A borrowed copy of a value word that is never released.
///
/// # Safety
/// The word must stay alive while the copy is used.
#[inline(always)]
unsafe fn shallow_word(word: u64) -> std::mem::ManuallyDrop<Value> {
    std::mem::ManuallyDrop::new(Value::from_raw(word))
}

/// `prim` for every other shape: other fast paths on variables and
/// constants, then operands that need evaluating.
#[inline(never)]
fn prim_general(ctx: &mut Ctx, p: &PrimCall, f: &Value, c: &Closure, base: usize) -> R<Value> {
    if ctx.global(p.global).is(&p.builtin) {
        match &p.args[..] {
            [x, y] => {
                if let (Some(a), Some(b)) = (peek(ctx, x, c, base), peek(ctx, y, c, base)) {
                    // SAFETY: see `peek`; the copies are only read, never released.
                    let (a, b) = unsafe { (shallow_word(a), shallow_word(b)) };
                    p.seen.note(&a, &b);
                    if let Some(v) = prim2(p.op, &a, &b) {
                        return Ok(v);
                    }
                }
            }
            [x] => {
                if let Some(a) = peek(ctx, x, c, base) {
                    // SAFETY: as above.
                    let a = unsafe { shallow_word(a) };
                    if let Some(v) = prim1(p.op, &a) {
                        return Ok(v);
                    }
                }
            }
            _ => {}
        }
    }
    if !ctx.global(p.global).is(&p.builtin) {
        return prim_redefined(ctx, p, f, c, base);
    }
    match &p.args[..] {
        [x] => {
            let a = Arg::eval(ctx, x, f, c, base)?;
            if let Some(v) = prim1(p.op, &a) {
                return Ok(v);
            }
            slow_prim(ctx, p, &[(*a).clone()])
        }
        [x, y] => {
            let a = Arg::eval(ctx, x, f, c, base)?;
            let b = Arg::eval(ctx, y, f, c, base)?;
            p.seen.note(&a, &b);
            if let Some(v) = prim2(p.op, &a, &b) {
                return Ok(v);
            }
            slow_prim(ctx, p, &[(*a).clone(), (*b).clone()])
        }
        _ => {
            let a = Arg::eval(ctx, &p.args[0], f, c, base)?;
            let b = Arg::eval(ctx, &p.args[1], f, c, base)?;
            let v = eval(ctx, &p.args[2], f, c, base)?;
            if p.op == PrimOp::List {
                let tail = cons(v, Value::NIL);
                return Ok(cons((*a).clone(), cons((*b).clone(), tail)));
            }
            if p.op == PrimOp::VectorSet {
                if let (Some(Object::Vector(items)), Some(k)) = (a.as_object(), b.as_fixnum()) {
                    // The old element is freed after the lock is released,
                    // as the builtin does.
                    let old = match usize::try_from(k).ok().and_then(|k| {
                        let mut items = items.write();
                        items
                            .get_mut(k)
                            .map(|slot| std::mem::replace(slot, v.clone()))
                    }) {
                        Some(old) => old,
                        None => return slow_prim(ctx, p, &[(*a).clone(), (*b).clone(), v]),
                    };
                    drop(old);
                    return Ok(Value::VOID);
                }
            }
            slow_prim(ctx, p, &[(*a).clone(), (*b).clone(), v])
        }
    }
}

/// A `Prim` whose global no longer holds its builtin: an ordinary call.
#[cold]
#[inline(never)]
fn prim_redefined(ctx: &mut Ctx, p: &PrimCall, f: &Value, c: &Closure, base: usize) -> R<Value> {
    let g = ctx.global(p.global).clone();
    if g.is_unbound() {
        return Err(unbound(p.global).at(p.span));
    }
    let argbase = push_args(ctx, &p.args, f, c, base)?;
    call(ctx, &g, argbase, p.span)
}

fn slow_prim(ctx: &mut Ctx, p: &PrimCall, args: &[Value]) -> R<Value> {
    let Some(Object::Builtin(b)) = p.builtin.as_object() else {
        return Err(Exception::error("primitive is not a builtin", vec![]));
    };
    (b.func)(ctx, args).map_err(|e| e.at(p.span))
}

/// One-argument fast paths; `None` defers to the builtin.
#[inline]
fn prim1(op: PrimOp, a: &Value) -> Option<Value> {
    match op {
        PrimOp::Car => a.as_pair().map(|p| p.car.clone()),
        PrimOp::Cdr => a.as_pair().map(|p| p.cdr.clone()),
        PrimOp::Cadr | PrimOp::Cddr | PrimOp::Caddr => op.walk_pairs(a).cloned(),
        PrimOp::IsNull => Some(Value::bool(a.is_nil())),
        PrimOp::IsPair => Some(Value::bool(a.is_pair())),
        PrimOp::IsSymbol => Some(Value::bool(a.as_symbol().is_some())),
        PrimOp::IsNumber => Some(Value::bool(a.is_number())),
        PrimOp::List => Some(cons(a.clone(), Value::NIL)),
        PrimOp::Not => Some(Value::bool(a.is_false())),
        _ => None,
    }
}

/// Two-argument fast paths; `None` defers to the builtin.
#[inline(always)]
fn prim2(op: PrimOp, a: &Value, b: &Value) -> Option<Value> {
    if let (Some(x), Some(y)) = (a.as_fixnum(), b.as_fixnum()) {
        return match op {
            PrimOp::Add => Some(Value::int(x.checked_add(y)?)),
            PrimOp::Sub => Some(Value::int(x.checked_sub(y)?)),
            PrimOp::Mul => Some(Value::int(x.checked_mul(y)?)),
            PrimOp::Lt => Some(Value::bool(x < y)),
            PrimOp::Gt => Some(Value::bool(x > y)),
            PrimOp::Le => Some(Value::bool(x <= y)),
            PrimOp::Ge => Some(Value::bool(x >= y)),
            PrimOp::NumEq => Some(Value::bool(x == y)),
            PrimOp::Eq => Some(Value::bool(x == y)),
            PrimOp::Cons => Some(cons(a.clone(), b.clone())),
            PrimOp::List => Some(cons(a.clone(), cons(b.clone(), Value::NIL))),
            _ => None,
        };
    }
    match op {
        PrimOp::Cons => Some(cons(a.clone(), b.clone())),
        PrimOp::List => Some(cons(a.clone(), cons(b.clone(), Value::NIL))),
        PrimOp::Eq => Some(Value::bool(a.is(b))),
        PrimOp::VectorRef => {
            let Some(Object::Vector(items)) = a.as_object() else {
                return None;
            };
            let i = usize::try_from(b.as_fixnum()?).ok()?;
            items.read().get(i).cloned()
        }
        _ => {
            if !(a.is_immediate_float() && b.is_immediate_float()) {
                return None;
            }
            let (x, y) = (a.as_float()?, b.as_float()?);
            match op {
                PrimOp::Add => Some(Value::float(x + y)),
                PrimOp::Sub => Some(Value::float(x - y)),
                PrimOp::Mul => Some(Value::float(x * y)),
                PrimOp::Lt => Some(Value::bool(x < y)),
                PrimOp::Gt => Some(Value::bool(x > y)),
                PrimOp::Le => Some(Value::bool(x <= y)),
                PrimOp::Ge => Some(Value::bool(x >= y)),
                PrimOp::NumEq => Some(Value::bool(x == y)),
                _ => None,
            }
        }
    }
}
