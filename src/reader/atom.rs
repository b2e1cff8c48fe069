//! Atoms: the datums without parts. Strings with their escapes,
//! characters (`#\a`, `#\space`, `#\x41`), `|odd symbols|`, and tokens,
//! which are numbers, booleans, keywords or symbols.
//!
//! A token is a number only if it parses as one; otherwise it is a symbol
//! (case-sensitive), unless it plainly meant to be a number (`1.2.3`).

use super::cursor::{is_delimiter, Cursor};
use super::number::{looks_numeric, parse_number};
use super::ReadError;
use crate::syntax::{Datum, DatumKind};
use lisp_runtime::{Span, Symbol};

/// The longest `\xHH;` escape: U+10FFFF has six hex digits.
const MAX_HEX_DIGITS: usize = 6;

/// Reads a string; the cursor is at its opening `"`.
pub(super) fn string(cursor: &mut Cursor) -> Result<Datum, ReadError> {
    let start = cursor.span();
    cursor.bump();
    let text = delimited(cursor, '"', start, "string")?;
    Ok(Datum::new(DatumKind::Str(text), start))
}

/// Reads `|symbol with any characters|`; the cursor is at the first `|`.
pub(super) fn bar_symbol(cursor: &mut Cursor) -> Result<Datum, ReadError> {
    let start = cursor.span();
    cursor.bump();
    let name = delimited(cursor, '|', start, "symbol")?;
    Ok(Datum::new(DatumKind::Symbol(Symbol::intern(&name)), start))
}

/// The characters up to the closing `close`, with escapes decoded; `what`
/// names the construct for messages.
fn delimited(
    cursor: &mut Cursor,
    close: char,
    start: Span,
    what: &str,
) -> Result<String, ReadError> {
    let mut out = String::new();
    loop {
        let here = cursor.span();
        match cursor.bump() {
            None => {
                return Err(ReadError::incomplete(
                    format!(
                        "expected '{close}' to close the {what} opened at {}:{}",
                        start.line, start.col
                    ),
                    start,
                ))
            }
            Some(c) if c == close => return Ok(out),
            Some('\\') => escape(cursor, here, what, &mut out)?,
            Some(c) => out.push(c),
        }
    }
}

/// Decodes the escape after a `\` (at `at`) into `out`.
fn escape(cursor: &mut Cursor, at: Span, what: &str, out: &mut String) -> Result<(), ReadError> {
    let Some(c) = cursor.bump() else {
        return Err(ReadError::incomplete("expected an escape after '\\'", at));
    };
    match c {
        'n' => out.push('\n'),
        't' => out.push('\t'),
        'r' => out.push('\r'),
        'a' => out.push('\x07'),
        'b' => out.push('\x08'),
        '0' => out.push('\0'),
        '"' | '\\' | '|' => out.push(c),
        'x' | 'X' => out.push(hex_escape(cursor, at, what)?),
        ' ' | '\t' | '\r' | '\n' => line_continuation(cursor, c, at, what)?,
        _ => return Err(ReadError::new(format!("bad escape '\\{c}' in {what}"), at)),
    }
    Ok(())
}

/// `\xHH;`: the cursor is after the `x`.
fn hex_escape(cursor: &mut Cursor, at: Span, what: &str) -> Result<char, ReadError> {
    let mut hex = String::new();
    loop {
        match cursor.bump() {
            Some(';') if !hex.is_empty() => break,
            Some(h) if h.is_ascii_hexdigit() && hex.len() < MAX_HEX_DIGITS => hex.push(h),
            None => {
                return Err(ReadError::incomplete(
                    "expected hex digits and ';' after '\\x'",
                    at,
                ))
            }
            Some(other) => {
                return Err(ReadError::new(
                    format!("bad escape '\\x{hex}{other}' in {what}: expected hex digits and ';'"),
                    at,
                ))
            }
        }
    }
    u32::from_str_radix(&hex, 16)
        .ok()
        .and_then(char::from_u32)
        .ok_or_else(|| {
            ReadError::new(
                format!("bad escape '\\x{hex};' in {what}: not a character"),
                at,
            )
        })
}

/// `\` then blanks, one line ending and the next line's leading blanks all
/// vanish (R7RS); `first` is the character after the `\`.
fn line_continuation(
    cursor: &mut Cursor,
    first: char,
    at: Span,
    what: &str,
) -> Result<(), ReadError> {
    let is_blank = |c: char| c == ' ' || c == '\t';
    let mut c = first;
    if is_blank(c) {
        cursor.bump_while(is_blank);
        c = match cursor.bump() {
            Some(next) => next,
            None => {
                return Err(ReadError::incomplete(
                    "expected a line ending after '\\'",
                    at,
                ))
            }
        };
    }
    if c == '\r' && cursor.peek() == Some('\n') {
        cursor.bump();
    } else if c != '\n' && c != '\r' {
        return Err(ReadError::new(
            format!("bad escape '\\ ' in {what}: only a line ending may follow '\\' and blanks"),
            at,
        ));
    }
    cursor.bump_while(is_blank);
    Ok(())
}

/// Reads a character literal; the cursor is at `#\`.
pub(super) fn character(cursor: &mut Cursor) -> Result<Datum, ReadError> {
    let start = cursor.span();
    cursor.bump();
    cursor.bump();
    let begin = cursor.pos();
    // The first character is taken whatever it is, so `#\(` and `#\ ` work.
    let Some(first) = cursor.bump() else {
        return Err(ReadError::incomplete(
            "expected a character after '#\\'",
            start,
        ));
    };
    cursor.bump_while(|c| !is_delimiter(c));
    let name = cursor.slice_from(begin);
    if name.len() == first.len_utf8() {
        return Ok(Datum::new(DatumKind::Char(first), start));
    }
    match char_named(name) {
        Some(c) => Ok(Datum::new(DatumKind::Char(c), start)),
        None => Err(
            ReadError::new(format!("unknown character name #\\{name}"), start)
                .incomplete_if(cursor.at_end()),
        ),
    }
}

/// The character `#\name` denotes: an R7RS name, `nul`, or `x` and hex.
fn char_named(name: &str) -> Option<char> {
    Some(match name {
        "space" => ' ',
        "newline" => '\n',
        "tab" => '\t',
        "return" => '\r',
        "null" | "nul" => '\0',
        "alarm" => '\x07',
        "backspace" => '\x08',
        "delete" => '\x7f',
        "escape" => '\x1b',
        _ => {
            let hex = name.strip_prefix('x')?;
            if hex.is_empty() || hex.len() > MAX_HEX_DIGITS {
                return None;
            }
            if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                return None;
            }
            return u32::from_str_radix(hex, 16).ok().and_then(char::from_u32);
        }
    })
}

/// Reads a token (everything up to a delimiter) and classifies it.
pub(super) fn token(cursor: &mut Cursor) -> Result<Datum, ReadError> {
    let start = cursor.span();
    let begin = cursor.pos();
    cursor.bump();
    cursor.bump_while(|c| !is_delimiter(c));
    let token = cursor.slice_from(begin);
    // A token that runs to the end of the input may be a truncated one
    // (`#tr`, `1e`): more input could still make it valid.
    let at_end = cursor.at_end();
    let kind = match token {
        "#t" | "#true" => DatumKind::Bool(true),
        "#f" | "#false" => DatumKind::Bool(false),
        _ => match parse_number(token) {
            Some(number) => number,
            None => classify(token).map_err(|e| ReadError::new(e, start).incomplete_if(at_end))?,
        },
    };
    Ok(Datum::new(kind, start))
}

/// A token that is not a number: keyword, symbol, or an error message.
fn classify(token: &str) -> Result<DatumKind, String> {
    if let Some(after_hash) = token.strip_prefix('#') {
        let numeric_prefix = after_hash
            .chars()
            .next()
            .is_some_and(|c| "xXbBoOdDeEiI".contains(c));
        return Err(if numeric_prefix {
            format!("bad number '{token}'")
        } else {
            format!("unknown syntax '{token}'")
        });
    }
    if looks_numeric(token) {
        return Err(format!("bad number '{token}'"));
    }
    match token.strip_prefix(':') {
        Some(name) if !name.is_empty() => Ok(DatumKind::Keyword(Symbol::intern(name))),
        _ => Ok(DatumKind::Symbol(Symbol::intern(token))),
    }
}
