//! The runtime of `lisp`: the one-word `Value`, the Arc-refcounted heap
//! objects, interned symbols, the numeric tower, printing, equality, errors,
//! per-thread contexts, and the concurrency primitives. The interpreter and
//! JIT code both call into this crate; nothing here depends on the compiler.

pub mod channel;
pub mod ctx;
pub mod equality;
pub mod error;
pub mod globals;
pub mod list;
pub mod map;
pub mod number;
pub mod object;
pub mod port;
pub mod printer;
pub mod snapshot;
pub mod span;
pub mod symbol;
pub mod thread;
pub mod value;

pub use ctx::Ctx;
pub use error::{Exception, Signal};
pub use object::{Arity, Object};
pub use span::Span;
pub use symbol::Symbol;
pub use value::Value;
