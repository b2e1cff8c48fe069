//! The runtime functions JIT code calls: one table (name, Rust function,
//! signature) that both symbol registration on the `JITBuilder` and the
//! lowering's imports read, so the two cannot disagree.
//!
//! Every intrinsic is `extern "C"` and never unwinds: a Rust panic cannot
//! cross JIT frames (it would abort), so the ones that run arbitrary code
//! catch panics and turn them into Lisp errors. Failures are returned as
//! `Value::RAISED` with the exception stored in `ctx.pending`; JIT code
//! tests for that word after each call that can raise.
//!
//! Ownership: "owned" word arguments are consumed (the intrinsic drops
//! them), "borrowed" ones are not; returned words are owned.
//! A call site is passed as a pointer to its `Span`, 0 when unknown.

use crate::interp;
use lisp_runtime::object::{Closure, Template};
use lisp_runtime::{Ctx, Exception, Object, Span, Symbol, Value};
use parking_lot::Mutex;
use smallvec::SmallVec;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// A Cranelift-level parameter or result type of an intrinsic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    I64,
    F64,
}

macro_rules! intrinsics {
    ($( $(#[$doc:meta])* $variant:ident = $func:ident ( $($param:ident),* ) $(-> $ret:ident)? ;)*) => {
        /// One runtime function JIT code can call.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Intrinsic {
            $( $(#[$doc])* $variant, )*
        }

        impl Intrinsic {
            /// Every intrinsic, in table order.
            pub const ALL: &'static [Intrinsic] = &[$(Intrinsic::$variant),*];

            /// The symbol name registered with the JIT module.
            pub fn name(self) -> &'static str {
                match self { $(Intrinsic::$variant => stringify!($func),)* }
            }

            /// The Rust function's address.
            pub fn address(self) -> *const u8 {
                match self { $(Intrinsic::$variant => $func as *const u8,)* }
            }

            /// Parameter types (host calling convention).
            pub fn params(self) -> &'static [Ty] {
                match self { $(Intrinsic::$variant => &[$(Ty::$param),*],)* }
            }

            /// The result type, if any.
            pub fn result(self) -> Option<Ty> {
                match self { $(Intrinsic::$variant => intrinsics!(@ret $($ret)?),)* }
            }
        }
    };
    (@ret) => { None };
    (@ret $ret:ident) => { Some(Ty::$ret) };
}

intrinsics! {
    /// `(word)`: the last strong count of a heap word was just released
    /// inline; frees the object.
    Free = jit_free(I64);
    /// `(word owned)`: drops a value on a cold path (out of line, to keep
    /// compiled code small).
    Drop = jit_drop(I64);
    /// `(ctx, f owned, args owned*, nargs, site, tail) -> value`: the
    /// generic call through the interpreter's machinery.
    Apply = jit_apply(I64, I64, I64, I64, I64, I64) -> I64;
    /// `(ctx, global id, builtin borrowed, a, b, c borrowed, nargs, site) ->
    /// value`: a primitive's slow path on its first `nargs` (at most 3)
    /// operands, passed in registers: the builtin itself while the global
    /// holds it, else an ordinary call of the global's value.
    Prim = jit_prim(I64, I64, I64, I64, I64, I64, I64, I64) -> I64;
    /// `(ctx, &PrimCall, &Template, a, b, c borrowed, nargs) -> value`:
    /// `Prim` for a site compiled without float paths because it only saw
    /// fixnums; operands that are not fixnums also note that on the site
    /// and send the lambda back to the interpreter to be compiled again.
    PrimMiss = jit_prim_miss(I64, I64, I64, I64, I64, I64, I64) -> I64;
    /// `(ctx, closure borrowed, args owned*, nargs) -> value`: the entry
    /// guard of the closure's compiled code failed on these arguments (a
    /// variable that is not a fixnum, a redefined builtin, a reassigned
    /// global); the lambda goes back to the interpreter, to be compiled
    /// again with what this taught, and the call goes on as a tail call of
    /// the closure through `Apply`, which runs whatever its template holds
    /// by then.
    GuardMiss = jit_guard_miss(I64, I64, I64, I64) -> I64;
    /// `(ctx, len)`: grows the thread's global table to at least `len`
    /// entries (the new ones unbound), so that compiled code can read any
    /// global id below `len` without a bounds check.
    GrowGlobals = jit_grow_globals(I64, I64);
    /// `(ctx, global id, site) -> RAISED`: `unbound variable`.
    Unbound = jit_unbound(I64, I64, I64) -> I64;
    /// `(ctx, global id, value owned, site, is_define) -> VOID or RAISED`.
    SetGlobal = jit_set_global(I64, I64, I64, I64, I64) -> I64;
    /// `(ctx, cell borrowed, name symbol id) -> value`: reads a `Cell`.
    CellRef = jit_cell_ref(I64, I64, I64) -> I64;
    /// `(cell borrowed, value owned)`: writes a `Cell`.
    CellSet = jit_cell_set(I64, I64);
    /// `(value owned) -> cell`.
    MakeCell = jit_make_cell(I64) -> I64;
    /// `(template, captured owned*, count) -> closure`.
    MakeClosure = jit_make_closure(I64, I64, I64) -> I64;
    /// `(car owned, cdr owned) -> pair`.
    Cons = jit_cons(I64, I64) -> I64;
    /// `(items owned*, count) -> list`: packs a rest list.
    List = jit_list(I64, I64) -> I64;
    /// `(ctx, keep owned, frame template, frame site, own template)`: an
    /// exception leaves an activation (its frame-info words: see
    /// `Lower::function`). Adds the backtrace frame the caller asked for
    /// (a nonzero site; the frame template, or `own template` when that
    /// is 0) to `ctx.pending`, and drops `keep`. (The words are passed, not
    /// the slot's address: that address, a pure value, was merged with
    /// the prologue's and held a register through the whole function.)
    RaiseExit = jit_raise_exit(I64, I64, I64, I64, I64);
    /// `(ctx, site, stack pointer) -> 1 or 0`: the stack pointer was below
    /// `Interrupt::jit_limit`. Raises `interrupted` (taking the request) or
    /// `stack overflow` at `site` and returns 1, or returns 0 when neither
    /// holds any more. (Not `RAISED`: comparing with that constant kept it
    /// in a register through loops.)
    StackLimit = jit_stack_limit(I64, I64, I64) -> I64;
    /// `(ctx) -> RAISED`: takes the interrupt request and raises
    /// `interrupted` (a loop header found the flag set).
    Interrupted = jit_interrupted(I64) -> I64;
    /// `(ctx, f64) -> value`: a float that is not self-taggable (boxed or
    /// zero). The context is unused; it lets the register-preserving
    /// wrapper hand the result back.
    Float = jit_float(I64, F64) -> I64;
    /// `(vector borrowed, index borrowed) -> value`: `vector-ref` of a
    /// vector at a fixnum index in range, else `UNBOUND` (the builtin then
    /// runs, and raises the error the interpreter raises).
    VectorRef = jit_vector_ref(I64, I64) -> I64;
    /// `(value borrowed, op) -> value`: the `cadr`, `cddr` or `caddr`
    /// (`op` indexes `ir::PAIR_PATH_OPS`) of a list deep enough, cloned,
    /// else `UNBOUND` (the builtin then runs and raises its error). Out of
    /// line: inline, each step's pair test made `caddr` nine blocks.
    PairPath = jit_pair_path(I64, I64) -> I64;
    /// `(vector borrowed, index borrowed, value borrowed) -> 1 or 0`:
    /// `vector-set!` of a vector at a fixnum index in range (1), else
    /// nothing happens (0) and the builtin runs.
    VectorSet = jit_vector_set(I64, I64, I64) -> I64;
}

impl Intrinsic {
    /// Whether a call can run Lisp code or assign a global, and so change
    /// `Ctx::prims_redefined` (compiled code reloads it afterwards).
    pub fn runs_lisp(self) -> bool {
        matches!(
            self,
            Intrinsic::Apply
                | Intrinsic::GuardMiss
                | Intrinsic::Prim
                | Intrinsic::PrimMiss
                | Intrinsic::SetGlobal
        )
    }
}

/// The span a site word denotes.
fn site_span(site: u64) -> Span {
    if site == 0 {
        return Span::default();
    }
    // SAFETY: nonzero sites are pointers to leaked `Span`s made by the
    // lowering (`Lower::site`), valid for the life of the process.
    unsafe { *(site as *const Span) }
}

/// Stores `exc` as the pending exception and returns the sentinel.
fn raise(ctx: &mut Ctx, exc: Exception) -> u64 {
    ctx.pending = Some(exc);
    Value::RAISED.raw()
}

fn finish(ctx: &mut Ctx, result: Result<Value, Exception>) -> u64 {
    match result {
        Ok(v) => v.into_raw(),
        Err(e) => raise(ctx, e),
    }
}

/// Runs `body`, turning a panic into a Lisp error instead of an abort.
fn guarded(body: impl FnOnce() -> Result<Value, Exception>) -> Result<Value, Exception> {
    catch_unwind(AssertUnwindSafe(body))
        .unwrap_or_else(|_| Err(Exception::error("internal error in a runtime call", vec![])))
}

/// Takes ownership of `n` words at `ptr`.
///
/// # Safety
/// `ptr` must point at `n` owned value words.
unsafe fn take_words(ptr: u64, n: u64) -> impl Iterator<Item = Value> {
    let ptr = ptr as *const u64;
    (0..n as usize).map(move |i| Value::from_raw(*ptr.add(i)))
}

extern "C" fn jit_free(word: u64) {
    // SAFETY: JIT code decremented the strong count of this live heap word
    // from 1 to 0 and holds no other reference, so nobody else can observe
    // the object. Restoring the count to 1 and dropping a `Value` runs the
    // runtime's ordinary drop (including the iterative drop of lists).
    unsafe {
        let v = std::mem::ManuallyDrop::new(Value::from_raw(word));
        // Back to one count, then the ordinary drop of that count.
        drop(Value::clone(&v));
    }
}

extern "C" fn jit_drop(word: u64) {
    // SAFETY: JIT code hands over an owned value word.
    drop(unsafe { Value::from_raw(word) });
}

/// `flags` bit of `Intrinsic::Apply`: a tail call.
pub const APPLY_TAIL: u64 = 1;
/// `flags` bit of `Intrinsic::Apply`: the callee word is borrowed (read
/// from the global table just before the call), not owned.
pub const APPLY_BORROWED: u64 = 2;
/// `flags` bits from here on of `Intrinsic::Apply`: argument i is lent
/// (bit `APPLY_LENT_SHIFT + i`), not owned.
pub const APPLY_LENT_SHIFT: u64 = 8;
/// Arguments a lent mask can describe.
pub const APPLY_LENT_MAX: usize = 56;

extern "C" fn jit_apply(
    ctx: *mut Ctx,
    f: u64,
    args: u64,
    nargs: u64,
    site: u64,
    flags: u64,
) -> u64 {
    // SAFETY: JIT code passes its own context, a callee word (owned unless
    // `APPLY_BORROWED`) and `nargs` owned argument words in a stack slot.
    let (ctx, borrowed) = unsafe { (&mut *ctx, std::mem::ManuallyDrop::new(Value::from_raw(f))) };
    let span = site_span(site);
    // A builtin is called through its function pointer without taking a
    // count: builtins are shared by every thread, and bumping their counts
    // from several cores at once serializes them. Its fields are copied
    // before the call, so a callee that reassigns the global is harmless.
    if let Some(Object::Builtin(b)) = borrowed.as_object() {
        let (func, arity, name) = (b.func, b.arity, b.name);
        if flags & APPLY_BORROWED == 0 {
            // SAFETY: the word was owned; its count is released here.
            drop(std::mem::ManuallyDrop::into_inner(borrowed));
        }
        // The builtin reads the owned words where they lie (a `Value` is
        // one `u64`, `repr(transparent)`), and they are dropped in place
        // afterwards, panic or not: no copy into a vector and back.
        // SAFETY: `nargs` owned, initialized words at `args`, used by
        // nothing else until they are dropped below.
        let args = unsafe { std::slice::from_raw_parts_mut(args as *mut Value, nargs as usize) };
        let result = guarded(|| {
            // Exactly what the interpreter does for a builtin in either
            // position (`call_other`), without going through its stack.
            if !arity.accepts(args.len()) {
                let exc = Exception::arity(name, &arity.describe(), args.len());
                return Err(exc.at(span));
            }
            func(ctx, args).map_err(|e| e.at(span))
        });
        let lent = flags >> APPLY_LENT_SHIFT;
        for (i, v) in args.iter_mut().enumerate() {
            if lent >> i & 1 == 0 {
                // SAFETY: an owned word, dropped exactly once, here.
                unsafe { std::ptr::drop_in_place(v) };
            }
        }
        return finish(ctx, result);
    }
    let lent = flags >> APPLY_LENT_SHIFT;
    let words = args as *const u64;
    // SAFETY: as above; `call_at` takes the words over, with a count of
    // its own for each lent one.
    let args = (0..nargs as usize).map(move |i| unsafe {
        let w = *words.add(i);
        if lent >> i & 1 == 0 {
            Value::from_raw(w)
        } else {
            Value::clone_from_raw(w)
        }
    });
    let f = if flags & APPLY_BORROWED == 0 {
        std::mem::ManuallyDrop::into_inner(borrowed)
    } else {
        Value::clone(&borrowed)
    };
    let result = guarded(|| interp::call_at(ctx, &f, args, span, flags & APPLY_TAIL != 0));
    finish(ctx, result)
}

#[allow(clippy::too_many_arguments)]
extern "C" fn jit_prim(
    ctx: *mut Ctx,
    global: u64,
    builtin: u64,
    a: u64,
    b: u64,
    c: u64,
    nargs: u64,
    site: u64,
) -> u64 {
    // SAFETY: JIT code passes its context and borrowed words kept alive by
    // its frame for the duration of the call.
    let ctx = unsafe { &mut *ctx };
    let builtin = unsafe { std::mem::ManuallyDrop::new(Value::from_raw(builtin)) };
    let args = prim_args(a, b, c, nargs);
    let global = (nargs & PRIM_BUILTIN == 0).then_some(global as u32);
    prim_slow(ctx, global, &builtin, args, site_span(site))
}

/// Set in the `nargs` word of `Prim` and `PrimMiss` when the builtin
/// itself is to run whatever the global holds by now: the global held it
/// before the operands were evaluated, which is when the interpreter
/// decides what to call (`interp::prim_general`).
pub const PRIM_BUILTIN: u64 = 1 << 32;

/// The first `nargs` (without `PRIM_BUILTIN`) of three borrowed operand
/// words, cloned.
fn prim_args(a: u64, b: u64, c: u64, nargs: u64) -> SmallVec<[Value; 4]> {
    [a, b, c][..(nargs & 0xffff_ffff).min(3) as usize]
        .iter()
        // SAFETY: JIT code passes borrowed words its frame keeps alive;
        // each is cloned, the originals stay owned by the JIT frame.
        .map(|&w| unsafe { Value::clone_from_raw(w) })
        .collect()
}

#[allow(clippy::too_many_arguments)]
extern "C" fn jit_prim_miss(
    ctx: *mut Ctx,
    prim: u64,
    template: u64,
    a: u64,
    b: u64,
    c: u64,
    nargs: u64,
) -> u64 {
    // SAFETY: JIT code passes its context, a `PrimCall` of its lambda's IR
    // and that lambda's template, which the JIT keeps alive with its code.
    let (ctx, p, t) = unsafe {
        (
            &mut *ctx,
            &*(prim as *const crate::ir::PrimCall),
            &*(template as *const Template),
        )
    };
    let args = prim_args(a, b, c, nargs);
    if args.iter().any(|v| !v.is_fixnum()) {
        if let [x, y] = &args[..] {
            p.seen.note(x, y);
        }
        send_back(t);
    }
    let global = (nargs & PRIM_BUILTIN == 0).then_some(p.global);
    prim_slow(ctx, global, &p.builtin, args, p.span)
}

extern "C" fn jit_guard_miss(ctx: *mut Ctx, closure: u64, args: u64, nargs: u64) -> u64 {
    note_guard_miss(closure, args, nargs);
    // The running closure is lent: its caller (or its `keep` word) holds
    // it until this returns.
    jit_apply(ctx, closure, args, nargs, 0, APPLY_TAIL | APPLY_BORROWED)
}

/// What a failed entry guard teaches (see `Intrinsic::GuardMiss`).
fn note_guard_miss(closure: u64, args: u64, nargs: u64) {
    // SAFETY: JIT code passes its running closure and its `nargs`
    // argument words in a stack slot, all kept alive by its frame.
    let closure = unsafe { std::mem::ManuallyDrop::new(Value::from_raw(closure)) };
    let args = unsafe { std::slice::from_raw_parts(args as *const Value, nargs as usize) };
    let Some(Object::Closure(c)) = closure.as_object() else {
        return;
    };
    let Some(info) = super::lambda_info_of(&c.template) else {
        return;
    };
    if std::env::var_os("LISP_JIT_DEBUG").is_some() {
        let args: Vec<String> = args.iter().map(|v| format!("{v:?}")).collect();
        eprintln!(
            "jit: entry guard of {:?} failed on {args:?}",
            info.name.map(|n| n.name())
        );
    }
    if !super::guards::note_miss(info, args, c.captured()) {
        // Nothing but the builtins' being redefined, or the global a
        // self-calling lambda was defined as holding something else, can
        // explain it.
        info.guard_missed.store(true, Ordering::Relaxed);
    }
    send_back(&c.template);
}

/// Sends a compiled lambda back to the interpreter, which notes types and
/// compiles it anew past the threshold. The old code stays valid for
/// activations already running it.
fn send_back(t: &Template) {
    // Entry first: an interpreter that read it before finds no direct
    // function in the shared entry and interprets the call.
    t.heat.store(0, Ordering::Relaxed);
    t.jit_entry.store(0, Ordering::Release);
    t.jit_direct.store(0, Ordering::Release);
}

/// A primitive's slow path: the builtin while `global` holds it (or with
/// no global to check), else an ordinary call of the global's value.
fn prim_slow(
    ctx: &mut Ctx,
    global: Option<u32>,
    builtin: &Value,
    args: SmallVec<[Value; 4]>,
    span: Span,
) -> u64 {
    let result = guarded(|| {
        // Compared by word, not cloned: the builtin is shared by every
        // thread, and touching its count from several cores serializes them.
        if let Some(global) = global.filter(|&g| !ctx.global(g).is(builtin)) {
            let current = ctx.global(global).clone();
            // As the interpreter's `prim` does for a redefined primitive.
            if current.is_unbound() {
                return Err(interp::unbound(global).at(span));
            }
            return interp::call_at(ctx, &current, args, span, false);
        }
        let Some(Object::Builtin(b)) = builtin.as_object() else {
            return Err(Exception::error("primitive is not a builtin", vec![]));
        };
        (b.func)(ctx, &args).map_err(|e| e.at(span))
    });
    finish(ctx, result)
}

extern "C" fn jit_grow_globals(ctx: *mut Ctx, len: u64) {
    // SAFETY: JIT code passes its own context.
    let ctx = unsafe { &mut *ctx };
    let len = len as usize;
    if ctx.globals.len() < len {
        ctx.globals.resize(len, Value::UNBOUND);
    }
}

extern "C" fn jit_unbound(ctx: *mut Ctx, id: u64, site: u64) -> u64 {
    // SAFETY: JIT code passes its own context.
    let ctx = unsafe { &mut *ctx };
    raise(ctx, interp::unbound(id as u32).at(site_span(site)))
}

extern "C" fn jit_set_global(ctx: *mut Ctx, id: u64, value: u64, site: u64, define: u64) -> u64 {
    // SAFETY: JIT code passes its own context and an owned value word.
    let (ctx, value) = unsafe { (&mut *ctx, Value::from_raw(value)) };
    let id = id as u32;
    if define == 0 && ctx.global(id).is_unbound() {
        let name = lisp_runtime::globals::global_name(id);
        let exc = Exception::error(format!("set!: unbound variable {name}"), vec![]);
        return raise(ctx, exc.at(site_span(site)));
    }
    ctx.set_global(id, value);
    Value::VOID.raw()
}

extern "C" fn jit_cell_ref(ctx: *mut Ctx, cell: u64, name: u64) -> u64 {
    // SAFETY: JIT code passes its context and a borrowed word.
    let (ctx, cell) = unsafe {
        (
            &mut *ctx,
            std::mem::ManuallyDrop::new(Value::from_raw(cell)),
        )
    };
    let v = match cell.as_object() {
        Some(Object::Cell(m)) => m.lock().clone(),
        _ => (*cell).clone(),
    };
    if v.is_unbound() {
        let name = Symbol::from_id(name as u32);
        let exc = Exception::error(
            format!("variable {name} used before its definition"),
            vec![],
        );
        return raise(ctx, exc);
    }
    v.into_raw()
}

extern "C" fn jit_cell_set(cell: u64, value: u64) {
    // SAFETY: a borrowed cell word and an owned value word.
    let (cell, value) = unsafe {
        (
            std::mem::ManuallyDrop::new(Value::from_raw(cell)),
            Value::from_raw(value),
        )
    };
    if let Some(Object::Cell(m)) = cell.as_object() {
        *m.lock() = value;
    }
}

extern "C" fn jit_make_cell(value: u64) -> u64 {
    // SAFETY: an owned value word moves into the cell.
    let value = unsafe { Value::from_raw(value) };
    Value::object(Object::Cell(Mutex::new(value))).into_raw()
}

extern "C" fn jit_make_closure(template: u64, captured: u64, count: u64) -> u64 {
    // SAFETY: `template` is the address of an `Arc<Template>` held by the
    // enclosing lambda's IR (alive while its code runs); `captured` holds
    // `count` owned words.
    let template = unsafe { (*(template as *const Arc<Template>)).clone() };
    let mut captured = unsafe { take_words(captured, count) };
    // `count` is the template's `captures` (both come from its LambdaInfo).
    let closure = Closure::new(template, |_| captured.next().unwrap_or(Value::UNBOUND));
    captured.for_each(drop);
    Value::object(Object::Closure(closure)).into_raw()
}

extern "C" fn jit_cons(car: u64, cdr: u64) -> u64 {
    // SAFETY: two owned words move into the pair.
    let (car, cdr) = unsafe { (Value::from_raw(car), Value::from_raw(cdr)) };
    lisp_runtime::list::cons(car, cdr).into_raw()
}

extern "C" fn jit_list(items: u64, count: u64) -> u64 {
    // SAFETY: `count` owned words.
    let items: Vec<Value> = unsafe { take_words(items, count) }.collect();
    lisp_runtime::list::list_from(items).into_raw()
}

extern "C" fn jit_raise_exit(ctx: *mut Ctx, keep: u64, template: u64, site: u64, own: u64) {
    // SAFETY: JIT code passes its context; template words are addresses
    // of templates the JIT keeps alive (`Jit::keep`), and `keep` is 0 or
    // an owned word.
    let ctx = unsafe { &mut *ctx };
    if site != 0 {
        let template = if template == 0 { own } else { template };
        // SAFETY: as above.
        let template = unsafe { &*(template as *const Template) };
        let name = match *template.name.lock() {
            Some(name) => name.name().to_string(),
            None => "anonymous procedure".to_string(),
        };
        if let Some(exc) = ctx.pending.as_mut() {
            exc.push_frame(name, site_span(site));
        }
    }
    if keep != 0 {
        // SAFETY: an owned word, dropped exactly once, here.
        drop(unsafe { Value::from_raw(keep) });
    }
}

extern "C" fn jit_interrupted(ctx: *mut Ctx) -> u64 {
    // SAFETY: JIT code passes its own context.
    let ctx = unsafe { &mut *ctx };
    ctx.interrupt
        .store(false, std::sync::atomic::Ordering::Relaxed);
    raise_interrupted(ctx)
}

/// Raises `interrupted` (the request was taken).
fn raise_interrupted(ctx: &mut Ctx) -> u64 {
    raise(ctx, Exception::error("interrupted", vec![]))
}

extern "C" fn jit_stack_limit(ctx: *mut Ctx, site: u64, sp: u64) -> u64 {
    // SAFETY: JIT code passes its own context.
    let ctx = unsafe { &mut *ctx };
    if ctx
        .interrupt
        .swap(false, std::sync::atomic::Ordering::Relaxed)
    {
        raise_interrupted(ctx);
        return 1;
    }
    if (sp as usize) < ctx.stack_limit {
        raise(
            ctx,
            Exception::error("stack overflow", vec![]).at(site_span(site)),
        );
        return 1;
    }
    ctx.interrupt.sync();
    0
}

extern "C" fn jit_float(_ctx: *mut Ctx, f: f64) -> u64 {
    Value::float(f).into_raw()
}

/// The vector and the index of a `vector-ref`/`vector-set!` fast path.
///
/// # Safety
/// Both words must be live values borrowed for the call.
unsafe fn vector_slot(v: &u64, k: u64) -> Option<(&parking_lot::RwLock<Box<[Value]>>, usize)> {
    // SAFETY: `v` is a live value word; a `Value` is `repr(transparent)`
    // over its word, so the reference is a borrowed `Value`.
    let v = unsafe { &*(v as *const u64 as *const Value) };
    let k = std::mem::ManuallyDrop::new(unsafe { Value::from_raw(k) });
    match (v.as_object(), k.as_fixnum()) {
        (Some(Object::Vector(lock)), Some(k)) => Some((lock, usize::try_from(k).ok()?)),
        _ => None,
    }
}

extern "C" fn jit_pair_path(v: u64, op: u64) -> u64 {
    // SAFETY: JIT code passes a borrowed word its frame keeps alive.
    let v = std::mem::ManuallyDrop::new(unsafe { Value::from_raw(v) });
    match crate::ir::PAIR_PATH_OPS[op as usize].walk_pairs(&v) {
        Some(at) => at.clone().into_raw(),
        None => Value::UNBOUND.raw(),
    }
}

extern "C" fn jit_vector_ref(v: u64, k: u64) -> u64 {
    // SAFETY: JIT code passes two borrowed words.
    let Some((lock, k)) = (unsafe { vector_slot(&v, k) }) else {
        return Value::UNBOUND.raw();
    };
    match lock.read().get(k) {
        Some(x) => x.clone().into_raw(),
        None => Value::UNBOUND.raw(),
    }
}

extern "C" fn jit_vector_set(v: u64, k: u64, x: u64) -> u64 {
    // SAFETY: JIT code passes three borrowed words.
    let Some((lock, k)) = (unsafe { vector_slot(&v, k) }) else {
        return 0;
    };
    let x = unsafe { Value::clone_from_raw(x) };
    // The old element is freed after the lock is released, as the builtin does.
    let old = {
        let mut items = lock.write();
        match items.get_mut(k) {
            Some(slot) => std::mem::replace(slot, x),
            None => return 0,
        }
    };
    drop(old);
    1
}
