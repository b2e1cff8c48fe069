//! `lisp`: a Scheme-flavoured Lisp with a Cranelift JIT.
//!
//! The pipeline: [`reader`] (text to [`syntax::Datum`]) -> [`expand`]
//! (macros and derived forms to core forms) -> [`resolve`] (lexical
//! addresses, to the [`ir`]) -> [`interp`] or the [`jit`].

pub mod builtins;
pub mod help;
pub mod ir;
pub mod jit;
pub mod reader;
pub mod repl;
pub mod sandbox;
pub mod syntax;
