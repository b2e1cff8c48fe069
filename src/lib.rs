//! `lisp`: a Scheme-flavoured Lisp with a Cranelift JIT.
//!
//! The pipeline: [`reader`] (text to [`syntax::Datum`]) -> [`expand`]
//! (macros and derived forms to core forms) -> [`resolve`] (lexical
//! addresses, to the [`ir`]) -> [`interp`] or the [`jit`]. [`engine`]
//! drives it one top-level form at a time.

pub mod api;
pub mod bench;
pub mod builtins;
pub mod diagnostic;
pub mod engine;
pub mod expand;
pub mod help;
pub mod interp;
pub mod ir;
pub mod jit;
pub mod reader;
pub mod repl;
pub mod resolve;
pub mod sandbox;
pub mod syntax;
pub mod testing;
