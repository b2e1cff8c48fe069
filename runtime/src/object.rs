//! Heap objects. A heap `Value` points at the payload of an `Arc<Object>`;
//! every variant is `Send + Sync` so values can cross threads freely.
//! Mutable objects (vectors, hash tables, records, cells, atoms) guard their
//! contents with a lock, so concurrent mutation never tears a value.

use crate::channel::Channel;
use crate::ctx::Ctx;
use crate::error::{ErrorObject, Exception};
use crate::map::LMap;
use crate::port::Port;
use crate::symbol::Symbol;
use crate::thread::ThreadHandle;
use crate::value::Value;
use num_bigint::BigInt;
use parking_lot::{Mutex, RwLock};
use std::any::Any;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, AtomicUsize};
use std::sync::Arc as StdArc;
use std::sync::Arc;

/// Every heap-allocated kind of value. `repr(u8)` puts the discriminant in
/// the first byte, so JIT code can test an object's kind with one load.
/// Payloads larger than three words are boxed, so an `Object` is four words
/// and a pair's allocation (with the Arc's one count word) is 40 bytes.
#[repr(u8)]
pub enum Object {
    Pair(Pair),
    String(LString),
    BigInt(Box<BigInt>),
    /// A float that is not self-taggable (huge, tiny, infinite or NaN).
    Float(f64),
    Vector(RwLock<Box<[Value]>>),
    Map(Box<LMap>),
    HashTable(Box<Mutex<HashMap<crate::equality::EqualKey, Value>>>),
    Closure(Closure),
    Builtin(Box<Builtin>),
    /// A mutable box holding a `set!` variable.
    Cell(Mutex<Value>),
    Error(Box<ErrorObject>),
    Record(Box<Record>),
    RecordType(RecordType),
    Atom(Mutex<Value>),
    Channel(Box<Channel>),
    Thread(StdArc<ThreadHandle>),
    Promise(Mutex<Promise>),
    Parameter(Parameter),
    /// The result of `(values a b ...)` with other than one value.
    Values(Box<[Value]>),
    Port(Box<Port>),
    /// An escape-only continuation made by `call/cc`; calling it unwinds
    /// to the `call/cc` with this tag.
    Continuation(u64),
    /// A procedure implemented by a Rust closure (registered by an
    /// embedder).
    Foreign(Box<Foreign>),
    /// An object owned by an embedder or a subsystem outside the runtime.
    Native(Box<dyn NativeObject>),
}

/// An object defined outside the runtime crate (e.g. a TCP listener).
pub trait NativeObject: Any + Send + Sync {
    /// The name used when the object is printed, as in `#<name>`.
    fn type_name(&self) -> &str;
    fn as_any(&self) -> &dyn Any;
}

/// An immutable pair.
pub struct Pair {
    pub car: Value,
    pub cdr: Value,
}

/// An immutable UTF-8 string with its length in characters cached, so that
/// ASCII strings index in O(1).
pub struct LString {
    pub text: Box<str>,
    pub char_len: usize,
}

impl LString {
    pub fn new(text: impl Into<Box<str>>) -> LString {
        let text = text.into();
        let char_len = text.chars().count();
        LString { text, char_len }
    }

    pub fn is_ascii(&self) -> bool {
        self.char_len == self.text.len()
    }

    /// The character at character index `k`.
    pub fn char_at(&self, k: usize) -> Option<char> {
        if self.is_ascii() {
            self.text.as_bytes().get(k).map(|&b| b as char)
        } else {
            self.text.chars().nth(k)
        }
    }

    /// The byte offset of character index `k` (`k <= char_len`).
    pub fn byte_offset(&self, k: usize) -> usize {
        if self.is_ascii() {
            k
        } else {
            self.text
                .char_indices()
                .nth(k)
                .map(|(i, _)| i)
                .unwrap_or(self.text.len())
        }
    }
}

/// How many arguments a procedure takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arity {
    pub required: u16,
    /// Extra optional arguments (builtins only).
    pub optional: u16,
    /// Whether any number of further arguments is accepted.
    pub rest: bool,
}

impl Arity {
    pub const fn exactly(n: u16) -> Arity {
        Arity {
            required: n,
            optional: 0,
            rest: false,
        }
    }
    pub const fn at_least(n: u16) -> Arity {
        Arity {
            required: n,
            optional: 0,
            rest: true,
        }
    }
    pub const fn between(min: u16, max: u16) -> Arity {
        Arity {
            required: min,
            optional: max - min,
            rest: false,
        }
    }
    pub fn accepts(&self, n: usize) -> bool {
        n >= self.required as usize && (self.rest || n <= (self.required + self.optional) as usize)
    }
    /// "2", "at least 1", "1 to 3": used in arity error messages.
    pub fn describe(&self) -> String {
        match (self.optional, self.rest) {
            (0, false) => format!("{}", self.required),
            (_, true) => format!("at least {}", self.required),
            (o, false) => format!("{} to {}", self.required, self.required + o),
        }
    }
}

/// The signature of every builtin procedure.
pub type BuiltinFn = fn(&mut Ctx, &[Value]) -> Result<Value, Exception>;

/// A procedure implemented in Rust.
pub struct Builtin {
    pub name: &'static str,
    pub arity: Arity,
    pub func: BuiltinFn,
}

/// The signature of a registered Rust closure.
pub type ForeignFn = dyn Fn(&mut Ctx, &[Value]) -> Result<Value, Exception> + Send + Sync;

/// A procedure implemented by a Rust closure.
pub struct Foreign {
    pub name: String,
    pub arity: Arity,
    pub func: Box<ForeignFn>,
}

/// What the compiler produced for one `lambda`: shared by all closures made
/// from it. `code` is the compiler's own representation (the core IR), kept
/// opaque here so the runtime does not depend on the compiler.
pub struct Template {
    pub name: Mutex<Option<Symbol>>,
    pub arity: Arity,
    pub doc: Option<Arc<str>>,
    pub span: crate::span::Span,
    pub code: Arc<dyn Any + Send + Sync>,
    /// Calls plus loop back-edges, for tiering.
    pub heat: AtomicU32,
    /// Native entry point once compiled (0 until then).
    pub jit_entry: AtomicUsize,
    /// Set when the JIT tried and could not compile this template.
    pub jit_failed: std::sync::atomic::AtomicBool,
    /// The JIT's direct (tail-convention) entry for calls from other
    /// compiled code, 0 when there is none; owned by src/jit.
    pub jit_direct: AtomicUsize,
    /// How many values every closure of this template captures; decides
    /// where a `Closure` keeps them (see `Closure`).
    pub captures: u32,
}

impl Template {
    /// A template with no name, docstring or position and fresh tiering
    /// state (not hot, not compiled).
    pub fn new(arity: Arity, code: StdArc<dyn Any + Send + Sync>, captures: u32) -> Template {
        Template {
            name: Mutex::new(None),
            arity,
            doc: None,
            span: crate::span::Span::default(),
            code,
            heat: AtomicU32::new(0),
            jit_entry: AtomicUsize::new(0),
            jit_failed: std::sync::atomic::AtomicBool::new(false),
            jit_direct: AtomicUsize::new(0),
            captures,
        }
    }
}

/// A closure: a template plus the values of its free variables (flat
/// closure: captured by value, `set!` variables captured as their `Cell`).
///
/// Up to `Closure::INLINE` captured values live inline, so such a closure
/// is one allocation; more are boxed. Which one is decided by the
/// template's `captures`, fixed for all its closures, so the closure needs
/// no tag of its own (and compiled code, which knows its own lambda's
/// count, picks the layout statically).
pub struct Closure {
    pub template: Arc<Template>,
    captured: Captured,
}

/// The storage of a closure's captured values: `inline` when the
/// template's `captures` is at most `Closure::INLINE` (slots past the
/// count hold `Value::UNBOUND`), `boxed` otherwise.
union Captured {
    inline: std::mem::ManuallyDrop<[Value; Closure::INLINE]>,
    boxed: std::mem::ManuallyDrop<Box<[Value]>>,
}

impl Closure {
    /// Captured values kept inline (a closure's payload is three words).
    pub const INLINE: usize = 2;

    /// A closure of `template` whose captured value `i` is `value(i)`, for
    /// `i` below `template.captures`.
    #[inline]
    pub fn new(template: Arc<Template>, mut value: impl FnMut(usize) -> Value) -> Closure {
        let n = template.captures as usize;
        let captured = if n <= Closure::INLINE {
            let mut inline = [Value::UNBOUND; Closure::INLINE];
            for (i, slot) in inline.iter_mut().enumerate().take(n) {
                *slot = value(i);
            }
            Captured {
                inline: std::mem::ManuallyDrop::new(inline),
            }
        } else {
            Captured {
                boxed: std::mem::ManuallyDrop::new((0..n).map(value).collect()),
            }
        };
        Closure { template, captured }
    }

    /// A closure of `template` capturing `values`, which must be exactly
    /// `template.captures` long (`None` otherwise).
    pub fn from_values(template: Arc<Template>, values: Vec<Value>) -> Option<Closure> {
        if values.len() != template.captures as usize {
            return None;
        }
        let mut values = values.into_iter();
        Some(Closure::new(template, |_| {
            values.next().unwrap_or(Value::UNBOUND)
        }))
    }

    /// Whether the captured values are stored inline.
    #[inline(always)]
    fn is_inline(&self) -> bool {
        self.template.captures as usize <= Closure::INLINE
    }

    /// The captured values, in the order of the template's captures.
    #[inline(always)]
    pub fn captured(&self) -> &[Value] {
        if self.is_inline() {
            // SAFETY: `is_inline` says `inline` is the initialized field
            // (`new` chose it from the same immutable count).
            unsafe { &self.captured.inline[..self.template.captures as usize] }
        } else {
            // SAFETY: as above, `boxed` is the initialized field.
            unsafe { &self.captured.boxed }
        }
    }
}

impl Drop for Closure {
    fn drop(&mut self) {
        if self.is_inline() {
            // SAFETY: `inline` is the initialized field (see `captured`),
            // dropped once here; the template is dropped after this.
            unsafe { std::mem::ManuallyDrop::drop(&mut self.captured.inline) }
        } else {
            // SAFETY: as above, for `boxed`.
            unsafe { std::mem::ManuallyDrop::drop(&mut self.captured.boxed) }
        }
    }
}

/// An instance of a `define-record-type` type.
pub struct Record {
    pub rtype: Value,
    pub fields: RwLock<Box<[Value]>>,
}

/// A record type made by `define-record-type`.
pub struct RecordType {
    pub name: Symbol,
    pub fields: Box<[Symbol]>,
}

/// The state of a `delay`ed computation.
pub enum Promise {
    Delayed(Value),
    Forced(Value),
}

/// A parameter object (`make-parameter`). Its current value lives in the
/// thread's dynamic bindings, falling back to `value` when unbound there.
pub struct Parameter {
    pub value: Mutex<Value>,
    pub converter: Value,
}

const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Object>();
};

impl std::fmt::Debug for Template {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self.name.lock() {
            Some(name) => write!(f, "#<template {name}>"),
            None => write!(f, "#<template>"),
        }
    }
}

#[cfg(test)]
mod size_tests {
    use super::Object;

    #[test]
    fn an_object_is_four_words() {
        assert_eq!(std::mem::size_of::<Object>(), 32);
    }

    #[test]
    fn closures_keep_few_captures_inline_and_box_more() {
        use super::{Arity, Closure, Template};
        use crate::value::Value;
        use std::sync::Arc;
        for n in 0..6u32 {
            let template = Arc::new(Template::new(Arity::exactly(0), Arc::new(()), n));
            let cell = Value::object(super::Object::Cell(parking_lot::Mutex::new(Value::NIL)));
            let c = Closure::new(template.clone(), |i| {
                if i == 0 {
                    cell.clone()
                } else {
                    Value::fixnum(i as i64)
                }
            });
            let captured = c.captured();
            assert_eq!(captured.len(), n as usize);
            for (i, v) in captured.iter().enumerate().skip(1) {
                assert_eq!(v.as_fixnum(), Some(i as i64));
            }
            if n > 0 {
                assert!(captured[0].is(&cell));
            }
            let words = captured.as_ptr() as usize;
            let inline = (&c as *const Closure as usize..=&c as *const Closure as usize + 24)
                .contains(&words);
            assert_eq!(inline, n as usize <= Closure::INLINE);
            // The cell's count comes back when the closure is dropped.
            assert_eq!(Closure::from_values(template, vec![]).is_some(), n == 0);
            let count = || triomphe::Arc::count(&cell.to_arc().expect("a heap value"));
            assert_eq!(count(), if n > 0 { 3 } else { 2 });
            drop(c);
            assert_eq!(count(), 2);
        }
    }
}
