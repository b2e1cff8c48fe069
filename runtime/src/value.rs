//! The one-word `Value` and its bit layout. Only this file shifts or masks
//! value words; everyone else calls the constructors and predicates here.
//!
//! ```text
//!  63                                                     3  2  1  0
//! +--------------------------------------------------------+--+--+--+
//! |  signed 63-bit integer                                     |  0 |  fixnum
//! +--------------------------------------------------------+--+--+--+
//! |  pointer to an Arc<Object> payload (8-aligned) >> 3    | 0| 0| 1|  heap
//! +--------------------------------------------------------+--+--+--+
//! |  payload (56 bits)                       |  kind (5)   | 1| 0| 1|  immediate
//! +--------------------------------------------------------+--+--+--+
//! |  rotl(f64 bits + FLOAT_OFFSET, 3)                         | 1| 1|  float
//! +--------------------------------------------------------+--+--+--+
//! ```
//!
//! Fixnums use the low bit 0 so that `+`/`-` of two fixnums is a single
//! machine add with an overflow flag, the tag test of two operands is
//! `(a | b) & 1`, and `<` compares the tagged words directly.
//!
//! Floats are *self-tagged*: adding `FLOAT_OFFSET` to the IEEE bits moves
//! the exponents of magnitudes in `[2^-255, 2^257)` into the top quarter of
//! the exponent field, so after rotating left by three the two low bits are
//! `11` and the sign lands in bit 2. Every float a program ordinarily meets
//! is therefore immediate; zero, subnormals, huge magnitudes, infinities and
//! NaN are the exceptions: `±0.0` is an immediate of its own kind and the
//! rest are boxed as `Object::Float`.
//!
//! A heap word owns one strong count of its `Arc<Object>`: `Clone` increments
//! it and `Drop` releases it, so a `Value` behaves exactly like an `Arc`.

use crate::object::{Object, Pair};
use crate::symbol::Symbol;
use std::fmt;
use std::mem::ManuallyDrop;
use triomphe::Arc;

/// Low-bit tag of a fixnum (one bit).
pub const FIXNUM_MASK: u64 = 1;
/// Low three bits of a heap pointer.
pub const HEAP_TAG: u64 = 0b001;
/// Low three bits of an immediate.
pub const IMMEDIATE_TAG: u64 = 0b101;
/// Low two bits of a self-tagged float.
pub const FLOAT_TAG: u64 = 0b11;
/// Mask selecting the tag of a heap pointer or an immediate.
pub const TAG3_MASK: u64 = 0b111;
/// Added to the IEEE bits of a float before rotation (768 << 52).
pub const FLOAT_OFFSET: u64 = 768 << 52;
/// Rotation applied to a float's biased bits.
pub const FLOAT_ROTATION: u32 = 3;
/// Smallest fixnum.
pub const FIXNUM_MIN: i64 = -(1 << 62);
/// Largest fixnum.
pub const FIXNUM_MAX: i64 = (1 << 62) - 1;

/// Kinds of immediates (bits 3..8 of an immediate word).
#[repr(u64)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ImmediateKind {
    Nil = 0,
    False = 1,
    True = 2,
    /// The unspecified value returned by `void`, `set!`, `display`...
    Void = 3,
    Eof = 4,
    /// Marks an unbound global slot or an uninitialised `letrec` variable.
    Unbound = 5,
    Char = 6,
    Symbol = 7,
    Keyword = 8,
    /// Float zero; payload 1 means `-0.0`.
    FloatZero = 9,
    /// Marks an absent optional argument to a builtin.
    Default = 10,
    /// Returned by JIT code and intrinsics when an exception is pending in
    /// `Ctx::pending`; never seen by Lisp code.
    Raised = 11,
}

const fn immediate(kind: ImmediateKind, payload: u64) -> u64 {
    (payload << 8) | ((kind as u64) << 3) | IMMEDIATE_TAG
}

/// One Lisp value in one machine word. See the module docs for the layout.
#[repr(transparent)]
pub struct Value(u64);

// SAFETY: the only non-trivial words are heap pointers to `Arc<Object>`, and
// every `Object` variant is itself `Send + Sync` (checked in object.rs).
unsafe impl Send for Value {}
// SAFETY: as above.
unsafe impl Sync for Value {}

impl Value {
    pub const NIL: Value = Value(immediate(ImmediateKind::Nil, 0));
    pub const FALSE: Value = Value(immediate(ImmediateKind::False, 0));
    pub const TRUE: Value = Value(immediate(ImmediateKind::True, 0));
    pub const VOID: Value = Value(immediate(ImmediateKind::Void, 0));
    pub const EOF: Value = Value(immediate(ImmediateKind::Eof, 0));
    pub const UNBOUND: Value = Value(immediate(ImmediateKind::Unbound, 0));
    pub const DEFAULT: Value = Value(immediate(ImmediateKind::Default, 0));
    /// The JIT's "exception pending" sentinel word (see `ImmediateKind::Raised`).
    pub const RAISED: Value = Value(immediate(ImmediateKind::Raised, 0));

    /// The raw word, for the JIT ABI. Does not transfer ownership.
    #[inline(always)]
    pub fn raw(&self) -> u64 {
        self.0
    }

    /// Consumes the value and returns its word, keeping the reference it owns.
    #[inline(always)]
    pub fn into_raw(self) -> u64 {
        ManuallyDrop::new(self).0
    }

    /// Rebuilds a value from a word produced by [`Value::into_raw`].
    ///
    /// # Safety
    /// `word` must be a valid value word that owns its reference (if it is
    /// a heap word); ownership moves into the returned value.
    #[inline(always)]
    pub unsafe fn from_raw(word: u64) -> Value {
        Value(word)
    }

    /// Clones the value a borrowed word denotes.
    ///
    /// # Safety
    /// `word` must be a valid value word kept alive by its owner for the
    /// duration of this call.
    #[inline(always)]
    pub unsafe fn clone_from_raw(word: u64) -> Value {
        let borrowed = ManuallyDrop::new(Value(word));
        (*borrowed).clone()
    }

    // ----- fixnums and integers -----

    /// A fixnum; `n` must lie in `FIXNUM_MIN..=FIXNUM_MAX`.
    #[inline(always)]
    pub fn fixnum(n: i64) -> Value {
        debug_assert!((FIXNUM_MIN..=FIXNUM_MAX).contains(&n));
        Value((n << 1) as u64)
    }

    /// An exact integer: a fixnum when it fits, a big integer otherwise.
    #[inline]
    pub fn int(n: i64) -> Value {
        if (FIXNUM_MIN..=FIXNUM_MAX).contains(&n) {
            Value::fixnum(n)
        } else {
            Value::object(Object::BigInt(Box::new(n.into())))
        }
    }

    #[inline(always)]
    pub fn is_fixnum(&self) -> bool {
        self.0 & FIXNUM_MASK == 0
    }

    #[inline(always)]
    pub fn as_fixnum(&self) -> Option<i64> {
        if self.is_fixnum() {
            Some((self.0 as i64) >> 1)
        } else {
            None
        }
    }

    // ----- floats -----

    /// A float: immediate when self-taggable, boxed otherwise.
    #[inline]
    pub fn float(f: f64) -> Value {
        let bits = f.to_bits();
        let exponent = (bits >> 52) & 0x7ff;
        if (768..1280).contains(&exponent) {
            return Value(bits.wrapping_add(FLOAT_OFFSET).rotate_left(FLOAT_ROTATION));
        }
        if f == 0.0 {
            let negative = bits >> 63;
            return Value(immediate(ImmediateKind::FloatZero, negative));
        }
        Value::object(Object::Float(f))
    }

    /// True for an immediate self-tagged float (not zero, not boxed).
    #[inline(always)]
    pub fn is_immediate_float(&self) -> bool {
        self.0 & FLOAT_TAG == FLOAT_TAG
    }

    /// True for a float held in the word itself: self-tagged or a zero.
    #[inline(always)]
    pub fn is_inline_float(&self) -> bool {
        self.is_immediate_float() || self.immediate_kind() == Some(ImmediateKind::FloatZero)
    }

    /// The f64 of any float value, immediate, zero or boxed.
    #[inline]
    pub fn as_float(&self) -> Option<f64> {
        if self.is_immediate_float() {
            return Some(f64::from_bits(
                self.0
                    .rotate_right(FLOAT_ROTATION)
                    .wrapping_sub(FLOAT_OFFSET),
            ));
        }
        match self.immediate_kind() {
            Some(ImmediateKind::FloatZero) => Some(if self.payload() == 1 { -0.0 } else { 0.0 }),
            Some(_) => None,
            None => match self.as_object() {
                Some(Object::Float(f)) => Some(*f),
                _ => None,
            },
        }
    }

    pub fn is_float(&self) -> bool {
        self.as_float().is_some()
    }

    /// `number?`: a fixnum, a float or a big integer. A type test only (no
    /// big integer is copied).
    pub fn is_number(&self) -> bool {
        self.is_fixnum() || self.is_float() || matches!(self.as_object(), Some(Object::BigInt(_)))
    }

    // ----- immediates -----

    #[inline(always)]
    pub fn bool(b: bool) -> Value {
        if b {
            Value::TRUE
        } else {
            Value::FALSE
        }
    }

    /// Everything but `#f` is true.
    #[inline(always)]
    pub fn is_true(&self) -> bool {
        self.0 != Value::FALSE.0
    }

    #[inline(always)]
    pub fn is_false(&self) -> bool {
        self.0 == Value::FALSE.0
    }

    #[inline(always)]
    pub fn is_nil(&self) -> bool {
        self.0 == Value::NIL.0
    }

    #[inline(always)]
    pub fn is_void(&self) -> bool {
        self.0 == Value::VOID.0
    }

    #[inline(always)]
    pub fn is_eof(&self) -> bool {
        self.0 == Value::EOF.0
    }

    #[inline(always)]
    pub fn is_unbound(&self) -> bool {
        self.0 == Value::UNBOUND.0
    }

    #[inline(always)]
    pub fn is_default(&self) -> bool {
        self.0 == Value::DEFAULT.0
    }

    pub fn is_bool(&self) -> bool {
        self.0 == Value::TRUE.0 || self.0 == Value::FALSE.0
    }

    pub fn char(c: char) -> Value {
        Value(immediate(ImmediateKind::Char, c as u64))
    }

    pub fn as_char(&self) -> Option<char> {
        match self.immediate_kind() {
            Some(ImmediateKind::Char) => char::from_u32(self.payload() as u32),
            _ => None,
        }
    }

    pub fn symbol(s: Symbol) -> Value {
        Value(immediate(ImmediateKind::Symbol, s.id() as u64))
    }

    pub fn as_symbol(&self) -> Option<Symbol> {
        match self.immediate_kind() {
            Some(ImmediateKind::Symbol) => Some(Symbol::from_id(self.payload() as u32)),
            _ => None,
        }
    }

    /// A keyword `:name`; `s` is the symbol of `name` (without the colon).
    pub fn keyword(s: Symbol) -> Value {
        Value(immediate(ImmediateKind::Keyword, s.id() as u64))
    }

    pub fn as_keyword(&self) -> Option<Symbol> {
        match self.immediate_kind() {
            Some(ImmediateKind::Keyword) => Some(Symbol::from_id(self.payload() as u32)),
            _ => None,
        }
    }

    #[inline(always)]
    fn is_immediate(&self) -> bool {
        self.0 & TAG3_MASK == IMMEDIATE_TAG
    }

    /// The kind of an immediate, or `None` for fixnums, floats and heap words.
    #[inline]
    pub fn immediate_kind(&self) -> Option<ImmediateKind> {
        if !self.is_immediate() {
            return None;
        }
        Some(match (self.0 >> 3) & 0x1f {
            0 => ImmediateKind::Nil,
            1 => ImmediateKind::False,
            2 => ImmediateKind::True,
            3 => ImmediateKind::Void,
            4 => ImmediateKind::Eof,
            5 => ImmediateKind::Unbound,
            6 => ImmediateKind::Char,
            7 => ImmediateKind::Symbol,
            8 => ImmediateKind::Keyword,
            9 => ImmediateKind::FloatZero,
            10 => ImmediateKind::Default,
            _ => ImmediateKind::Raised,
        })
    }

    #[inline(always)]
    fn payload(&self) -> u64 {
        self.0 >> 8
    }

    // ----- heap objects -----

    /// Allocates `obj` on the heap (inlined: every allocation goes through
    /// here, and the call would cost an extra copy of the object).
    #[inline]
    pub fn object(obj: Object) -> Value {
        Value::from_arc(Arc::new(obj))
    }

    /// Wraps an existing `Arc<Object>`, taking over its strong count.
    #[inline]
    pub fn from_arc(arc: Arc<Object>) -> Value {
        let ptr = Arc::into_raw(arc) as u64;
        debug_assert!(ptr & TAG3_MASK == 0);
        Value(ptr | HEAP_TAG)
    }

    #[inline(always)]
    pub fn is_heap(&self) -> bool {
        self.0 & TAG3_MASK == HEAP_TAG
    }

    /// The heap object this value points to, if any.
    #[inline(always)]
    pub fn as_object(&self) -> Option<&Object> {
        if self.is_heap() {
            // SAFETY: a heap word owns a strong count of a live Arc<Object>
            // whose payload is at `word - HEAP_TAG`; the borrow is tied to
            // `self`, which keeps that count alive.
            Some(unsafe { &*((self.0 - HEAP_TAG) as *const Object) })
        } else {
            None
        }
    }

    /// A new `Arc` for the heap object, if any.
    pub fn to_arc(&self) -> Option<Arc<Object>> {
        if self.is_heap() {
            let ptr = (self.0 - HEAP_TAG) as *const Object;
            // SAFETY: see `as_object`; we add one count for the new Arc.
            unsafe {
                increment_count(ptr);
                Some(Arc::from_raw(ptr))
            }
        } else {
            None
        }
    }

    /// Identity: the same word (`eq?`).
    #[inline(always)]
    pub fn is(&self, other: &Value) -> bool {
        self.0 == other.0
    }

    /// The heap address, used to identify objects (e.g. in cycle maps).
    pub fn address(&self) -> u64 {
        self.0
    }
}

impl Clone for Value {
    #[inline(always)]
    fn clone(&self) -> Value {
        if self.is_heap() {
            // SAFETY: `self` owns a strong count, so the Arc is alive.
            unsafe { increment_count((self.0 - HEAP_TAG) as *const Object) };
        }
        Value(self.0)
    }
}

impl Drop for Value {
    #[inline(always)]
    fn drop(&mut self) {
        if self.is_heap() {
            // SAFETY: `self` owns exactly one strong count, released here.
            unsafe { drop_heap_word(self.0) };
        }
    }
}

/// Releases the strong count a heap word owns. Lists are released
/// iteratively along their cdrs, and nesting through cars recurses only a
/// bounded depth before the rest is deferred to a worklist, so freeing a
/// list 10^6 deep in either direction cannot overflow any thread's stack.
///
/// # Safety
/// `word` must be a heap word that owns one strong count.
unsafe fn drop_heap_word(word: u64) {
    let mut deferred = Vec::new();
    release(word, 0, &mut deferred);
    while let Some(w) = deferred.pop() {
        release(w, 0, &mut deferred);
    }
}

/// Car nesting handled by recursion before deferring.
const RELEASE_DEPTH: usize = 256;

/// # Safety
/// As for `drop_heap_word`.
unsafe fn release(word: u64, depth: usize, deferred: &mut Vec<u64>) {
    let mut ptr = (word - HEAP_TAG) as *const Object;
    loop {
        let arc = Arc::from_raw(ptr);
        if !matches!(*arc, Object::Pair(_)) {
            // As for pairs below: the last owner takes the object back
            // without an atomic write; a shared one is decremented when
            // the returned `Arc` drops.
            if let Ok(object) = Arc::try_unwrap(arc) {
                drop(object);
            }
            return;
        }
        // The last owner takes the pair back with no atomic write at all
        // (a load sees the count at 1); a shared one costs one decrement.
        let Ok(Object::Pair(pair)) = Arc::try_unwrap(arc) else {
            return;
        };
        let Pair { car, cdr } = pair;
        let car = ManuallyDrop::new(car);
        let next = ManuallyDrop::new(cdr);
        if car.is_heap() {
            if depth < RELEASE_DEPTH {
                release(car.0, depth + 1, deferred);
            } else {
                deferred.push(car.0);
            }
        }
        if !next.is_heap() {
            return;
        }
        ptr = (next.0 - HEAP_TAG) as *const Object;
    }
}

/// Adds one strong count to the object at `ptr`.
///
/// # Safety
/// `ptr` must be the payload of a live `Arc<Object>` made by `Value`.
#[inline(always)]
unsafe fn increment_count(ptr: *const Object) {
    let arc = ManuallyDrop::new(Arc::from_raw(ptr));
    std::mem::forget(Arc::clone(&arc));
}

impl Default for Value {
    fn default() -> Value {
        Value::VOID
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", crate::printer::write_string(self))
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::int(n)
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::float(f)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::bool(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixnums_round_trip_at_the_edges() {
        for n in [0, 1, -1, 42, FIXNUM_MIN, FIXNUM_MAX] {
            assert_eq!(Value::fixnum(n).as_fixnum(), Some(n));
        }
        assert!(!Value::int(FIXNUM_MAX + 1).is_fixnum());
    }

    #[test]
    fn floats_round_trip_immediate_zero_and_boxed() {
        for f in [
            1.5,
            -0.25,
            1e10,
            3.0e-70,
            1e300,
            f64::INFINITY,
            f64::MIN_POSITIVE / 4.0,
        ] {
            assert_eq!(Value::float(f).as_float(), Some(f));
        }
        assert!(Value::float(1.5).is_immediate_float());
        assert!(!Value::float(1e300).is_immediate_float());
        assert!(Value::float(f64::NAN).as_float().unwrap().is_nan());
        assert!(Value::float(-0.0).as_float().unwrap().is_sign_negative());
        assert!(Value::float(0.0).as_fixnum().is_none());
    }

    #[test]
    fn freeing_deeply_nested_lists_does_not_overflow_a_small_stack() {
        let deep = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(|| {
                let mut x = Value::NIL;
                for _ in 0..1_000_000 {
                    x = crate::list::cons(x, Value::NIL);
                }
                let mut y = Value::NIL;
                for i in 0..1_000_000 {
                    y = crate::list::cons(Value::int(i), y);
                }
                drop(x);
                drop(y);
            })
            .unwrap();
        deep.join().expect("no stack overflow");
    }

    #[test]
    fn tags_do_not_overlap() {
        let f = Value::float(2.0);
        assert!(!f.is_fixnum() && !f.is_heap() && f.immediate_kind().is_none());
        let c = Value::char('λ');
        assert_eq!(c.as_char(), Some('λ'));
        assert!(!c.is_fixnum() && !c.is_immediate_float());
        assert!(
            Value::NIL.is_nil() && Value::NIL.is_true(),
            "() is true: only #f is false"
        );
        assert!(Value::FALSE.is_false());
    }
}
