//! `lisp`: a Scheme-flavoured Lisp with a Cranelift JIT.
//!
//! The pipeline: [`reader`] (text to [`syntax::Datum`]) -> [`expand`]
//! (macros and derived forms to core forms) -> [`resolve`] (lexical
//! addresses, to the [`ir`]) -> [`interp`] or the JIT.

pub mod builtins;
pub mod ir;
pub mod syntax;
