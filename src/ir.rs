//! The core IR: what both tiers execute. The resolver produces it from
//! fully expanded core forms; the interpreter walks it and the JIT lowers
//! it to Cranelift IR, so the two tiers cannot disagree about meaning.
//!
//! Variables are resolved to lexical addresses: a `Slot` in the current
//! procedure's frame, an index into the running closure's captured values,
//! or a global id. Variables that are ever `set!` (or captured before a
//! `letrec` initialises them) live in a `Cell`, and the IR says so.

use lisp_runtime::object::Template;
use lisp_runtime::{Span, Symbol, Value};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::Arc;

/// An index into the current frame.
pub type Slot = u32;

/// One core IR node.
#[derive(Debug)]
pub enum Expr {
    Const(Value),
    /// A frame slot holding the value itself.
    Local(Slot),
    /// A frame slot holding a `Cell`; reads its contents. `name` is for
    /// the "unassigned variable" error of `letrec`.
    LocalCell(Slot, Symbol),
    /// `captured[i]` of the running closure.
    Captured(u32),
    /// `captured[i]` is a `Cell`; reads its contents.
    CapturedCell(u32, Symbol),
    /// The running closure itself (a recursive reference to a `letrec`
    /// lambda from its own body: no capture, so no reference cycle).
    SelfRef,
    /// A global variable; raises `unbound variable` if unbound.
    Global(u32, Span),
    /// Stores into the `Cell` in a frame slot.
    SetLocalCell(Slot, Box<Expr>),
    /// Stores into the `Cell` in `captured[i]`.
    SetCapturedCell(u32, Box<Expr>),
    /// `set!` of a global; raises if it was never defined.
    SetGlobal(u32, Box<Expr>, Span),
    /// `define` at top level.
    DefineGlobal(u32, Box<Expr>),
    /// Initialises a frame slot (let, letrec, internal define). When
    /// `cell` is set the slot receives a fresh `Cell` holding the value.
    Bind {
        slot: Slot,
        cell: bool,
        init: Box<Expr>,
    },
    /// Puts a fresh empty `Cell` in a slot (before a `letrec` initialises it).
    MakeCell(Slot),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// Evaluates in order; the value is the last one's.
    Seq(Vec<Expr>),
    /// Creates a closure. The template's `code` is this lambda's
    /// `LambdaInfo`; one template is shared by every closure made here, so
    /// tiering counters and compiled code are per lambda expression.
    Lambda(Arc<Template>),
    /// A procedure call. `tail` marks calls in tail position.
    Call(Box<Call>),
    /// A call to a global that names a builtin with an inline fast path.
    /// At run time the global is checked to still hold `builtin`; if it
    /// does, `op` runs inline, otherwise this is an ordinary call.
    Prim(Box<PrimCall>),
}

impl Expr {
    /// The sub-expressions this node evaluates, in order. A `Lambda` has
    /// none: its body belongs to another lambda.
    pub fn children(&self) -> impl Iterator<Item = &Expr> {
        let none: &[Expr] = &[];
        let (first, second, third, rest) = match self {
            Expr::If(a, b, c) => (Some(&**a), Some(&**b), Some(&**c), none),
            Expr::Seq(items) => (None, None, None, &items[..]),
            Expr::Call(c) => (Some(&c.func), None, None, &c.args[..]),
            Expr::Prim(p) => (None, None, None, &p.args[..]),
            Expr::SetLocalCell(_, v)
            | Expr::SetCapturedCell(_, v)
            | Expr::SetGlobal(_, v, _)
            | Expr::DefineGlobal(_, v)
            | Expr::Bind { init: v, .. } => (Some(&**v), None, None, none),
            Expr::Const(_)
            | Expr::Local(_)
            | Expr::LocalCell(..)
            | Expr::Captured(_)
            | Expr::CapturedCell(..)
            | Expr::SelfRef
            | Expr::Global(..)
            | Expr::MakeCell(_)
            | Expr::Lambda(_) => (None, None, None, none),
        };
        first.into_iter().chain(second).chain(third).chain(rest)
    }
}

/// A procedure call.
#[derive(Debug)]
pub struct Call {
    pub func: Expr,
    pub args: Vec<Expr>,
    pub tail: bool,
    pub span: Span,
}

/// A guarded inline primitive call.
#[derive(Debug)]
pub struct PrimCall {
    pub op: PrimOp,
    pub global: u32,
    pub builtin: Value,
    pub args: Vec<Expr>,
    pub tail: bool,
    pub span: Span,
    /// What the interpreter has seen here, for the JIT.
    pub seen: Feedback,
}

/// Type feedback of one primitive site: the interpreter notes operands
/// that missed its fixnum fast path (floats, big integers, anything else;
/// the fast path itself notes nothing, to stay as fast as it was). The
/// JIT of a lambda that has run in the interpreter leaves the inline float
/// paths out of sites that noted nothing: they only ever saw fixnums, or
/// never ran. A wrong guess costs one recompilation: such a site's slow
/// path (`Intrinsic::PrimMiss`) notes the operands and sends the lambda
/// back to the interpreter. Feedback affects speed only, never results.
/// Sites are shared by threads: each flag is written once.
#[derive(Debug, Default)]
pub struct Feedback(AtomicU8);

const SAW_FIXNUMS: u8 = 1;
const SAW_OTHERS: u8 = 2;
/// Operands other than floats held in the word (self-tagged or zero: a
/// boxed float, anything but two fixnums) were seen here, or a compiled
/// entry guard expecting one in a variable this site reads found something
/// else: the variables it reads are not guarded as floats.
const NOT_INLINE_FLOAT: u8 = 4;

impl Feedback {
    /// Notes the operands of one evaluation that missed the fixnum path
    /// (two fixnums here overflowed).
    #[inline]
    pub fn note(&self, a: &Value, b: &Value) {
        if a.is_fixnum() && b.is_fixnum() {
            self.set(SAW_FIXNUMS);
        } else if a.is_inline_float() && b.is_inline_float() {
            self.set(SAW_OTHERS);
        } else {
            self.set(SAW_OTHERS | NOT_INLINE_FLOAT);
        }
    }

    /// Notes that operands other than fixnums reach this site (a failed
    /// entry guard of compiled code found one on its way here).
    pub fn note_others(&self) {
        self.set(SAW_OTHERS);
    }

    /// Notes that a variable this site reads held something other than an
    /// inline float where a compiled entry guard expected one.
    pub fn note_not_inline_float(&self) {
        self.set(NOT_INLINE_FLOAT);
    }

    /// Whether the variables this site reads may be guarded as
    /// inline floats (see `NOT_INLINE_FLOAT`).
    pub fn float_guardable(&self) -> bool {
        self.0.load(Ordering::Relaxed) & NOT_INLINE_FLOAT == 0
    }

    #[inline(always)]
    fn set(&self, flag: u8) {
        let seen = self.0.load(Ordering::Relaxed);
        if seen | flag != seen {
            // Not a read-modify-write: two threads noting different flags
            // at once may lose one, which only costs speed.
            self.0.store(seen | flag, Ordering::Relaxed);
        }
    }

    /// Whether nothing was noted here: only fixnums that did not
    /// overflow, or it never ran.
    pub fn unseen(&self) -> bool {
        self.0.load(Ordering::Relaxed) & (SAW_FIXNUMS | SAW_OTHERS) == 0
    }

    /// Whether nothing but fixnums was seen here (or nothing at all).
    pub fn only_fixnums(&self) -> bool {
        self.0.load(Ordering::Relaxed) & SAW_OTHERS == 0
    }

    /// Whether operands other than fixnums were seen, and no overflow.
    pub fn saw_others_only(&self) -> bool {
        self.0.load(Ordering::Relaxed) & (SAW_FIXNUMS | SAW_OTHERS) == SAW_OTHERS
    }
}

/// Primitives with inline fast paths in both tiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrimOp {
    Add,
    Sub,
    Mul,
    Lt,
    Gt,
    Le,
    Ge,
    NumEq,
    Car,
    Cdr,
    Cons,
    IsNull,
    IsPair,
    IsSymbol,
    IsNumber,
    /// `list` of one to three operands.
    List,
    Cadr,
    Cddr,
    Caddr,
    Not,
    Eq,
    VectorRef,
    VectorSet,
}

impl PrimOp {
    /// The fields a `car`/`cdr` composition reads, in the order it reads
    /// them (`true` for a car): `caddr` is cdr, cdr, car. `None` for
    /// other primitives.
    pub fn pair_path(self) -> Option<&'static [bool]> {
        Some(match self {
            PrimOp::Car => &[true],
            PrimOp::Cdr => &[false],
            PrimOp::Cadr => &[false, true],
            PrimOp::Cddr => &[false, false],
            PrimOp::Caddr => &[false, false, true],
            _ => return None,
        })
    }

    /// The value a `car`/`cdr` composition reads from `v`, if each step
    /// finds a pair. `None` for other primitives.
    pub fn walk_pairs(self, v: &Value) -> Option<&Value> {
        let mut at = v;
        for &car in self.pair_path()? {
            let p = at.as_pair()?;
            at = if car { &p.car } else { &p.cdr };
        }
        Some(at)
    }
}

/// The compositions compiled code reaches through `Intrinsic::PairPath`,
/// which gets an index into this.
pub const PAIR_PATH_OPS: [PrimOp; 3] = [PrimOp::Cadr, PrimOp::Cddr, PrimOp::Caddr];

/// Where a closure's captured value comes from, in the enclosing procedure.
#[derive(Clone, Copy, Debug)]
pub enum CaptureFrom {
    /// A slot of the enclosing frame (the value, or its `Cell`).
    Local(Slot),
    /// A captured value of the enclosing closure.
    Captured(u32),
    /// The enclosing closure itself.
    SelfRef,
}

/// Everything known about one `lambda` at compile time.
#[derive(Debug)]
pub struct LambdaInfo {
    pub name: Option<Symbol>,
    pub doc: Option<Arc<str>>,
    /// Parameter names, the rest parameter last (for help and errors).
    pub params: Vec<Symbol>,
    /// Number of required parameters.
    pub required: u16,
    /// Whether a rest list follows the required parameters.
    pub rest: bool,
    /// Parameter slots whose value must be wrapped in a `Cell` on entry.
    pub boxed_params: Vec<Slot>,
    /// Frame size: parameters (including rest) plus every local.
    pub frame_size: u32,
    pub captures: Vec<CaptureFrom>,
    pub body: Expr,
    pub span: Span,
    /// Set when the entry guard of this lambda's compiled code failed with
    /// every variable it tests holding what it expected, so because a
    /// guarded builtin was redefined (see the JIT's `Lower::entry_guard`):
    /// it is compiled without entry guards from then on. Speed only.
    pub guard_missed: AtomicBool,
}

/// The `LambdaInfo` behind a template made by the resolver.
#[inline]
pub fn lambda_info(template: &Template) -> &LambdaInfo {
    template
        .code
        .downcast_ref::<LambdaInfo>()
        .expect("templates are made by the resolver from a LambdaInfo")
}
