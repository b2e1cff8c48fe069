//! The reader: source text to datums with spans (LANGUAGE.md §1).
//!
//! Input: UTF-8 text and its file id (from
//! `lisp_runtime::span::register_file`). Output: `Vec<Datum>`, every node
//! carrying its 1-based line and column, or a `ReadError` saying what was
//! expected where.
//!
//! The work is split by concept: `cursor` walks the text and skips
//! whitespace and comments, `atom` reads strings, characters and tokens,
//! `number` parses numeric tokens, and `parser` assembles lists,
//! vectors, maps and quote forms on an explicit stack, so that no input can
//! overflow the native stack.

mod atom;
mod cursor;
mod number;
mod parser;
#[cfg(test)]
mod tests;

use crate::syntax::Datum;
use cursor::Cursor;
use lisp_runtime::Span;

pub use number::{parse_number, parse_number_in};
pub use parser::MAX_DEPTH;

/// A malformed-input error.
#[derive(Debug, Clone)]
pub struct ReadError {
    /// What was expected, e.g. "expected ')' to close '(' opened at 3:5".
    pub message: String,
    /// Where the problem is (for an unclosed bracket: the opener).
    pub span: Span,
    /// True when the input ended inside a datum, string or block comment:
    /// more text could complete it, so the REPL asks for another line.
    pub incomplete: bool,
}

impl ReadError {
    pub(crate) fn new(message: impl Into<String>, span: Span) -> ReadError {
        ReadError {
            message: message.into(),
            span,
            incomplete: false,
        }
    }

    pub(crate) fn incomplete(message: impl Into<String>, span: Span) -> ReadError {
        ReadError {
            incomplete: true,
            ..ReadError::new(message, span)
        }
    }

    /// Marks the error incomplete when `at_end` (the offending text ran
    /// into the end of the input, so it may just be cut short).
    pub(crate) fn incomplete_if(self, at_end: bool) -> ReadError {
        ReadError {
            incomplete: self.incomplete || at_end,
            ..self
        }
    }
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.span, self.message)
    }
}

impl std::error::Error for ReadError {}

/// Reads every datum in `text`.
pub fn read_all(text: &str, file: u32) -> Result<Vec<Datum>, ReadError> {
    let mut cursor = Cursor::new(text, 0, file);
    let mut out = Vec::new();
    while let Some(datum) = parser::datum(&mut cursor)? {
        out.push(datum);
    }
    Ok(out)
}

/// Reads the datum starting at byte offset `pos` (after skipping
/// whitespace and comments); returns it with the offset just after it, or
/// `None` at the end of the input. An offset past the end is the end; one
/// inside a UTF-8 sequence is an error.
pub fn read_datum(text: &str, pos: usize, file: u32) -> Result<Option<(Datum, usize)>, ReadError> {
    if pos >= text.len() {
        return Ok(None);
    }
    if !text.is_char_boundary(pos) {
        return Err(ReadError::new(
            format!("cannot read from byte offset {pos}: it is inside a character"),
            Span::new(file, 0, 0),
        ));
    }
    let mut cursor = Cursor::new(text, pos, file);
    Ok(parser::datum(&mut cursor)?.map(|datum| (datum, cursor.pos())))
}
