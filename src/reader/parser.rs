//! Assembling datums from atoms, brackets and prefixes.
//!
//! Nesting lives on an explicit stack of frames (an open bracket, a
//! pending quote prefix, or a pending `#;`), never on the native stack, so
//! a hundred thousand `(` cannot overflow it. The stack is capped at
//! `MAX_DEPTH` frames because the passes after the reader do recurse over
//! datums.

use super::atom;
use super::cursor::{is_delimiter, Cursor};
use super::ReadError;
use crate::syntax::{Datum, DatumKind};
use lisp_runtime::Span;

/// Deepest nesting of brackets and prefixes accepted. Real programs stay
/// far below it; the expander, printer and `Drop` recurse once per level.
pub const MAX_DEPTH: usize = 10_000;

/// Something begun but not yet finished.
enum Frame {
    Open(Open),
    /// `'`, `` ` ``, `,` or `,@`, waiting for the datum it wraps.
    Quote {
        head: &'static str,
        prefix: &'static str,
        span: Span,
    },
    /// `#;`, waiting for the datum it discards.
    Skip {
        span: Span,
    },
}

/// An open bracket and the datums read inside it so far.
struct Open {
    bracket: Bracket,
    items: Vec<Datum>,
    /// Set by ` . ` in a list until the tail datum arrives.
    dot: bool,
    tail: Option<Datum>,
    span: Span,
}

/// The four kinds of opener; each must be closed by its own closer.
#[derive(Clone, Copy, PartialEq)]
enum Bracket {
    Paren,
    Square,
    Brace,
    Vector,
}

impl Bracket {
    fn opener(self) -> &'static str {
        match self {
            Bracket::Paren => "(",
            Bracket::Square => "[",
            Bracket::Brace => "{",
            Bracket::Vector => "#(",
        }
    }

    fn closer(self) -> char {
        match self {
            Bracket::Paren | Bracket::Vector => ')',
            Bracket::Square => ']',
            Bracket::Brace => '}',
        }
    }
}

/// Reads the next complete datum, or `None` at the end of the input.
pub(super) fn datum(cursor: &mut Cursor) -> Result<Option<Datum>, ReadError> {
    let mut stack: Vec<Frame> = Vec::new();
    loop {
        cursor.skip_atmosphere()?;
        let start = cursor.span();
        let Some(c) = cursor.peek() else {
            return end_of_input(&stack);
        };
        let complete = match (c, cursor.peek2()) {
            ('(' | '[' | '{', _) => {
                cursor.bump();
                let bracket = match c {
                    '(' => Bracket::Paren,
                    '[' => Bracket::Square,
                    _ => Bracket::Brace,
                };
                push(&mut stack, Frame::Open(Open::new(bracket, start)), start)?;
                continue;
            }
            ('#', Some('(')) => {
                cursor.bump();
                cursor.bump();
                push(
                    &mut stack,
                    Frame::Open(Open::new(Bracket::Vector, start)),
                    start,
                )?;
                continue;
            }
            ('\'' | '`' | ',', next) => {
                cursor.bump();
                let (head, prefix) = match (c, next) {
                    ('\'', _) => ("quote", "'"),
                    ('`', _) => ("quasiquote", "`"),
                    (_, Some('@')) => {
                        cursor.bump();
                        ("unquote-splicing", ",@")
                    }
                    _ => ("unquote", ","),
                };
                let span = start;
                push(&mut stack, Frame::Quote { head, prefix, span }, start)?;
                continue;
            }
            ('#', Some(';')) => {
                cursor.bump();
                cursor.bump();
                push(&mut stack, Frame::Skip { span: start }, start)?;
                continue;
            }
            ('.', next) if next.is_none_or(is_delimiter) => {
                cursor.bump();
                dot(&mut stack, start)?;
                continue;
            }
            (')' | ']' | '}', _) => {
                cursor.bump();
                close(&mut stack, c, start)?
            }
            ('"', _) => atom::string(cursor)?,
            ('|', _) => atom::bar_symbol(cursor)?,
            ('#', Some('\\')) => atom::character(cursor)?,
            _ => atom::token(cursor)?,
        };
        if let Some(datum) = deliver(&mut stack, complete)? {
            return Ok(Some(datum));
        }
    }
}

fn push(stack: &mut Vec<Frame>, frame: Frame, at: Span) -> Result<(), ReadError> {
    if stack.len() >= MAX_DEPTH {
        return Err(ReadError::new(
            format!("nesting too deep (more than {MAX_DEPTH} levels of brackets and quotes)"),
            at,
        ));
    }
    stack.push(frame);
    Ok(())
}

/// Hands a finished datum to the frame waiting for it. Quote prefixes wrap
/// it and pass it on; the result is `Some` once a top-level datum is done.
fn deliver(stack: &mut Vec<Frame>, mut datum: Datum) -> Result<Option<Datum>, ReadError> {
    loop {
        match stack.last_mut() {
            None => return Ok(Some(datum)),
            Some(Frame::Open(open)) => {
                open.add(datum)?;
                return Ok(None);
            }
            Some(Frame::Skip { .. }) => {
                stack.pop();
                return Ok(None);
            }
            Some(&mut Frame::Quote { head, span, .. }) => {
                stack.pop();
                datum = Datum::list(vec![Datum::symbol(head, span), datum], span);
            }
        }
    }
}

/// The error for a closer or `.` (`found`) where a prefix still waits for
/// its datum.
fn missing_datum(prefix: &str, found: char, at: Span) -> ReadError {
    ReadError::new(
        format!("expected a datum after '{prefix}', found '{found}'"),
        at,
    )
}

/// Handles a closing bracket `c` at `at`, returning the finished datum.
fn close(stack: &mut Vec<Frame>, c: char, at: Span) -> Result<Datum, ReadError> {
    match stack.pop() {
        None => Err(ReadError::new(format!("unexpected '{c}'"), at)),
        Some(Frame::Open(open)) => open.finish(c, at),
        Some(Frame::Quote { prefix, .. }) => Err(missing_datum(prefix, c, at)),
        Some(Frame::Skip { .. }) => Err(missing_datum("#;", c, at)),
    }
}

/// Handles a ` . ` at `at`: only valid in a list, after at least one datum.
fn dot(stack: &mut [Frame], at: Span) -> Result<(), ReadError> {
    match stack.last_mut() {
        None => Err(ReadError::new("unexpected '.' outside a list", at)),
        Some(Frame::Open(open)) => open.dot(at),
        Some(Frame::Quote { prefix, .. }) => Err(missing_datum(prefix, '.', at)),
        Some(Frame::Skip { .. }) => Err(missing_datum("#;", '.', at)),
    }
}

/// The error for input that ends with `stack` still open.
fn end_of_input(stack: &[Frame]) -> Result<Option<Datum>, ReadError> {
    let Some(top) = stack.last() else {
        return Ok(None);
    };
    Err(match top {
        Frame::Open(open) => ReadError::incomplete(open.unclosed_message(), open.span),
        Frame::Quote { prefix, span, .. } => {
            ReadError::incomplete(format!("expected a datum after '{prefix}'"), *span)
        }
        Frame::Skip { span } => ReadError::incomplete("expected a datum after '#;'", *span),
    })
}

impl Open {
    fn new(bracket: Bracket, span: Span) -> Open {
        Open {
            bracket,
            items: Vec::new(),
            dot: false,
            tail: None,
            span,
        }
    }

    /// Adds the next datum inside this bracket.
    fn add(&mut self, datum: Datum) -> Result<(), ReadError> {
        if self.tail.is_some() {
            return Err(ReadError::new(
                format!(
                    "expected '{}' after the tail of the dotted list opened at {}:{}, found another datum",
                    self.bracket.closer(),
                    self.span.line,
                    self.span.col
                ),
                datum.span,
            ));
        }
        if std::mem::take(&mut self.dot) {
            self.tail = Some(datum);
        } else {
            self.items.push(datum);
        }
        Ok(())
    }

    /// Accepts the ` . ` of a dotted list at `at`.
    fn dot(&mut self, at: Span) -> Result<(), ReadError> {
        let message = match self.bracket {
            Bracket::Vector => "unexpected '.' in a vector",
            Bracket::Brace => "unexpected '.' in a map",
            _ if self.items.is_empty() => "unexpected '.': a dotted list needs a datum before '.'",
            _ if self.dot || self.tail.is_some() => {
                "unexpected '.': a dotted list has only one '.'"
            }
            _ => {
                self.dot = true;
                return Ok(());
            }
        };
        Err(ReadError::new(message, at))
    }

    fn unclosed_message(&self) -> String {
        format!(
            "expected '{}' to close '{}' opened at {}:{}",
            self.bracket.closer(),
            self.bracket.opener(),
            self.span.line,
            self.span.col
        )
    }

    /// The datum this bracket denotes, now that `c` (at `at`) closes it.
    fn finish(self, c: char, at: Span) -> Result<Datum, ReadError> {
        if c != self.bracket.closer() {
            return Err(ReadError::new(
                format!("{}, found '{c}'", self.unclosed_message()),
                at,
            ));
        }
        if self.dot {
            return Err(ReadError::new(
                format!("expected a datum after '.', found '{c}'"),
                at,
            ));
        }
        let kind = match self.bracket {
            Bracket::Paren | Bracket::Square => {
                DatumKind::List(self.items, self.tail.map(Box::new))
            }
            Bracket::Vector => DatumKind::Vector(self.items),
            Bracket::Brace if self.items.len() % 2 == 1 => {
                return Err(ReadError::new(
                    format!(
                        "a map literal needs an even number of forms (key value ...), got {}",
                        self.items.len()
                    ),
                    self.span,
                ))
            }
            Bracket::Brace => DatumKind::Map(self.items),
        };
        Ok(Datum::new(kind, self.span))
    }
}
