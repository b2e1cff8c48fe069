//! The reader: source text to datums with spans.
//!
//! Input: UTF-8 text and its file id. Output: `Vec<Datum>`, or a
//! `ReadError` naming file:line:col and what was expected.
//!
//! Nesting is handled with an explicit stack of open lists, so adversarial
//! input (a million `(`) cannot overflow the native stack.

use crate::syntax::{Datum, DatumKind};
use lisp_runtime::{Span, Symbol};
use num_bigint::BigInt;

/// A malformed-input error.
#[derive(Debug, Clone)]
pub struct ReadError {
    pub message: String,
    pub span: Span,
    /// True when the input ended inside a datum (the REPL then asks for
    /// another line instead of reporting an error).
    pub incomplete: bool,
}

/// Reads every datum in `text`.
pub fn read_all(text: &str, file: u32) -> Result<Vec<Datum>, ReadError> {
    let mut reader = Reader::new(text, 0, file);
    let mut out = Vec::new();
    while let Some(d) = reader.datum()? {
        out.push(d);
    }
    Ok(out)
}

/// Reads the datum starting at byte offset `pos` (after skipping
/// whitespace and comments); returns it with the offset just after it, or
/// `None` at the end of the input.
pub fn read_datum(text: &str, pos: usize, file: u32) -> Result<Option<(Datum, usize)>, ReadError> {
    let mut reader = Reader::new(text, pos, file);
    Ok(reader.datum()?.map(|d| (d, reader.pos)))
}

/// An open bracket on the reader's stack.
struct Open {
    kind: OpenKind,
    items: Vec<Datum>,
    tail: Option<Datum>,
    /// Set after ` . ` until the tail datum arrives.
    dot: bool,
    span: Span,
}

#[derive(Clone, Copy, PartialEq)]
enum OpenKind {
    Paren,
    Bracket,
    Brace,
    Vector,
}

impl OpenKind {
    fn close(self) -> char {
        match self {
            OpenKind::Paren | OpenKind::Vector => ')',
            OpenKind::Bracket => ']',
            OpenKind::Brace => '}',
        }
    }
    fn open(self) -> &'static str {
        match self {
            OpenKind::Paren => "(",
            OpenKind::Vector => "#(",
            OpenKind::Bracket => "[",
            OpenKind::Brace => "{",
        }
    }
}

/// A pending reader prefix (`'`, `` ` ``, `,`, `,@`, `#;`).
enum Prefix {
    Wrap(&'static str, Span),
    Skip,
}

struct Reader<'a> {
    text: &'a str,
    pos: usize,
    line: u32,
    col: u32,
    file: u32,
}

/// Deeper nesting is refused: later passes recurse over datums.
const MAX_DEPTH: usize = 10_000;

fn is_delimiter(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '(' | ')' | '[' | ']' | '{' | '}' | '"' | ';' | '\'' | '`' | ','
        )
}

impl<'a> Reader<'a> {
    fn new(text: &'a str, pos: usize, file: u32) -> Reader<'a> {
        let pos = pos.min(text.len());
        let before = &text[..pos];
        let line = before.matches('\n').count() as u32 + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
        Reader {
            text,
            pos,
            line,
            col,
            file,
        }
    }

    fn span(&self) -> Span {
        Span::new(self.file, self.line, self.col)
    }

    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn peek2(&self) -> Option<char> {
        let mut it = self.text[self.pos..].chars();
        it.next();
        it.next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn error(&self, message: impl Into<String>, span: Span) -> ReadError {
        ReadError {
            message: message.into(),
            span,
            incomplete: false,
        }
    }

    fn incomplete(&self, message: impl Into<String>, span: Span) -> ReadError {
        ReadError {
            message: message.into(),
            span,
            incomplete: true,
        }
    }

    /// Skips whitespace and comments (`;`, nesting `#| |#`).
    fn skip_atmosphere(&mut self) -> Result<(), ReadError> {
        loop {
            match self.peek() {
                Some(c) if c.is_whitespace() => {
                    self.bump();
                }
                Some(';') => {
                    while let Some(c) = self.peek() {
                        if c == '\n' {
                            break;
                        }
                        self.bump();
                    }
                }
                Some('#') if self.peek2() == Some('|') => {
                    let start = self.span();
                    self.bump();
                    self.bump();
                    let mut depth = 1;
                    while depth > 0 {
                        match self.bump() {
                            None => {
                                return Err(self.incomplete(
                                    "expected '|#' to close the block comment opened here",
                                    start,
                                ))
                            }
                            Some('|') if self.peek() == Some('#') => {
                                self.bump();
                                depth -= 1;
                            }
                            Some('#') if self.peek() == Some('|') => {
                                self.bump();
                                depth += 1;
                            }
                            Some(_) => {}
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    /// Reads one complete datum, or `None` at end of input.
    fn datum(&mut self) -> Result<Option<Datum>, ReadError> {
        let mut stack: Vec<Open> = Vec::new();
        let mut prefixes: Vec<(usize, Prefix)> = Vec::new();
        loop {
            self.skip_atmosphere()?;
            let start = self.span();
            let Some(c) = self.peek() else {
                if let Some(open) = stack.last() {
                    let message = format!(
                        "expected '{}' to close '{}' opened at {}:{}",
                        open.kind.close(),
                        open.kind.open(),
                        open.span.line,
                        open.span.col
                    );
                    return Err(self.incomplete(message, open.span));
                }
                if let Some((_, Prefix::Wrap(_, span))) = prefixes.last() {
                    return Err(self.incomplete("expected a datum after the quote", *span));
                }
                if !prefixes.is_empty() {
                    return Err(self.incomplete("expected a datum after '#;'", start));
                }
                return Ok(None);
            };
            // Produce either a complete datum or a structural event.
            let complete: Datum = match c {
                '(' | '[' | '{' => {
                    self.bump();
                    let kind = match c {
                        '(' => OpenKind::Paren,
                        '[' => OpenKind::Bracket,
                        _ => OpenKind::Brace,
                    };
                    if stack.len() >= MAX_DEPTH {
                        return Err(self.error("nesting too deep", start));
                    }
                    stack.push(Open {
                        kind,
                        items: Vec::new(),
                        tail: None,
                        dot: false,
                        span: start,
                    });
                    continue;
                }
                '#' if self.peek2() == Some('(') => {
                    self.bump();
                    self.bump();
                    if stack.len() >= MAX_DEPTH {
                        return Err(self.error("nesting too deep", start));
                    }
                    stack.push(Open {
                        kind: OpenKind::Vector,
                        items: Vec::new(),
                        tail: None,
                        dot: false,
                        span: start,
                    });
                    continue;
                }
                ')' | ']' | '}' => {
                    self.bump();
                    if prefixes
                        .last()
                        .is_some_and(|(depth, _)| *depth == stack.len() + 1)
                        && !stack.is_empty()
                    {
                        return Err(self.error(format!("expected a datum before '{c}'"), start));
                    }
                    let Some(open) = stack.pop() else {
                        return Err(self.error(format!("unexpected '{c}'"), start));
                    };
                    if open.kind.close() != c {
                        return Err(self.error(
                            format!(
                                "expected '{}' to close '{}' opened at {}:{}, found '{c}'",
                                open.kind.close(),
                                open.kind.open(),
                                open.span.line,
                                open.span.col
                            ),
                            start,
                        ));
                    }
                    self.close(open, start)?
                }
                '\'' | '`' | ',' => {
                    self.bump();
                    let name = match c {
                        '\'' => "quote",
                        '`' => "quasiquote",
                        _ if self.peek() == Some('@') => {
                            self.bump();
                            "unquote-splicing"
                        }
                        _ => "unquote",
                    };
                    prefixes.push((stack.len() + 1, Prefix::Wrap(name, start)));
                    continue;
                }
                '#' if self.peek2() == Some(';') => {
                    self.bump();
                    self.bump();
                    prefixes.push((stack.len() + 1, Prefix::Skip));
                    continue;
                }
                '"' => self.string()?,
                '.' if self.peek2().is_none_or(is_delimiter) => {
                    self.bump();
                    let Some(open) = stack.last_mut() else {
                        return Err(self.error("unexpected '.' outside a list", start));
                    };
                    if open.items.is_empty()
                        || open.dot
                        || open.tail.is_some()
                        || !matches!(open.kind, OpenKind::Paren | OpenKind::Bracket)
                    {
                        return Err(self.error("unexpected '.'", start));
                    }
                    open.dot = true;
                    continue;
                }
                _ => self.atom()?,
            };
            // Apply the prefixes that belong to this nesting level.
            let mut datum = Some(complete);
            while let Some((depth, _)) = prefixes.last() {
                if *depth != stack.len() + 1 {
                    break;
                }
                let (_, prefix) = prefixes.pop().expect("checked above");
                match prefix {
                    Prefix::Wrap(name, span) => {
                        let inner = datum.take().expect("a datum to wrap");
                        datum = Some(Datum::list(vec![Datum::symbol(name, span), inner], span));
                    }
                    Prefix::Skip => {
                        datum = None;
                        break;
                    }
                }
            }
            let Some(datum) = datum else { continue };
            match stack.last_mut() {
                None => return Ok(Some(datum)),
                Some(open) => {
                    if open.tail.is_some() {
                        return Err(
                            self.error("expected ')' after the tail of a dotted list", datum.span)
                        );
                    }
                    if open.dot {
                        open.tail = Some(datum);
                        open.dot = false;
                    } else {
                        open.items.push(datum);
                    }
                }
            }
        }
    }

    fn close(&self, open: Open, at: Span) -> Result<Datum, ReadError> {
        if open.dot {
            return Err(self.error("expected a datum after '.'", at));
        }
        let kind = match open.kind {
            OpenKind::Paren | OpenKind::Bracket => {
                DatumKind::List(open.items, open.tail.map(Box::new))
            }
            OpenKind::Vector => DatumKind::Vector(open.items),
            OpenKind::Brace => {
                if !open.items.len().is_multiple_of(2) {
                    return Err(self.error(
                        "a map literal needs an even number of forms (key value ...)",
                        open.span,
                    ));
                }
                DatumKind::Map(open.items)
            }
        };
        Ok(Datum::new(kind, open.span))
    }

    /// `"..."` with R7RS escapes.
    fn string(&mut self) -> Result<Datum, ReadError> {
        let start = self.span();
        self.bump();
        let mut out = String::new();
        loop {
            let here = self.span();
            match self.bump() {
                None => {
                    return Err(
                        self.incomplete("expected '\"' to close the string opened here", start)
                    )
                }
                Some('"') => break,
                Some('\\') => match self.bump() {
                    None => {
                        return Err(
                            self.incomplete("expected '\"' to close the string opened here", start)
                        )
                    }
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('r') => out.push('\r'),
                    Some('a') => out.push('\x07'),
                    Some('b') => out.push('\x08'),
                    Some('0') => out.push('\0'),
                    Some('"') => out.push('"'),
                    Some('\\') => out.push('\\'),
                    Some('|') => out.push('|'),
                    Some('x') | Some('X') => {
                        let mut hex = String::new();
                        loop {
                            match self.bump() {
                                Some(';') => break,
                                Some(h) if h.is_ascii_hexdigit() && hex.len() < 8 => hex.push(h),
                                _ => return Err(self.error(
                                    "bad escape in string: expected hex digits and ';' after '\\x'",
                                    here,
                                )),
                            }
                        }
                        let ch = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                        match ch {
                            Some(ch) => out.push(ch),
                            None => {
                                return Err(self.error(
                                    format!("bad escape in string: \\x{hex}; is not a character"),
                                    here,
                                ))
                            }
                        }
                    }
                    Some(c) if c == '\n' || c == ' ' || c == '\t' => {
                        // Line continuation: skip trailing blanks, the newline,
                        // and the next line's leading blanks.
                        let mut seen_newline = c == '\n';
                        while let Some(w) = self.peek() {
                            if w == '\n' && !seen_newline {
                                seen_newline = true;
                            } else if w != ' ' && w != '\t' {
                                break;
                            }
                            self.bump();
                        }
                    }
                    Some(c) => {
                        return Err(self.error(format!("bad escape '\\{c}' in string"), here))
                    }
                },
                Some(c) => out.push(c),
            }
        }
        Ok(Datum::new(DatumKind::Str(out), start))
    }

    /// A token: number, symbol, keyword, boolean or character.
    fn atom(&mut self) -> Result<Datum, ReadError> {
        let start = self.span();
        if self.peek() == Some('#') && self.peek2() == Some('\\') {
            return self.character(start);
        }
        let begin = self.pos;
        if self.peek() == Some('|') {
            // |symbol with spaces|
            self.bump();
            let mut name = String::new();
            loop {
                match self.bump() {
                    None => return Err(self.incomplete("expected '|' to close the symbol", start)),
                    Some('|') => break,
                    Some(c) => name.push(c),
                }
            }
            return Ok(Datum::new(DatumKind::Symbol(Symbol::intern(&name)), start));
        }
        while let Some(c) = self.peek() {
            if is_delimiter(c) && !(c == '#' && self.pos == begin) {
                break;
            }
            self.bump();
        }
        let token = &self.text[begin..self.pos];
        if token.is_empty() {
            let c = self.bump().unwrap_or(' ');
            return Err(self.error(format!("unexpected '{c}'"), start));
        }
        let kind = match token {
            "#t" | "#true" => DatumKind::Bool(true),
            "#f" | "#false" => DatumKind::Bool(false),
            _ if token.starts_with('#') => match parse_number(token) {
                Some(kind) => kind,
                None => return Err(self.error(format!("bad syntax '{token}'"), start)),
            },
            _ => match parse_number(token) {
                Some(kind) => kind,
                None if looks_numeric(token) => {
                    return Err(self.error(format!("bad number '{token}'"), start))
                }
                None if token.len() > 1 && token.starts_with(':') => {
                    DatumKind::Keyword(Symbol::intern(&token[1..]))
                }
                None => DatumKind::Symbol(Symbol::intern(token)),
            },
        };
        Ok(Datum::new(kind, start))
    }

    /// `#\a`, `#\space`, `#\x41`, `#\λ`.
    fn character(&mut self, start: Span) -> Result<Datum, ReadError> {
        self.bump();
        self.bump();
        let Some(first) = self.bump() else {
            return Err(self.incomplete("expected a character after '#\\'", start));
        };
        let mut name = String::from(first);
        while let Some(c) = self.peek() {
            if is_delimiter(c) {
                break;
            }
            name.push(c);
            self.bump();
        }
        if name.chars().count() == 1 {
            return Ok(Datum::new(DatumKind::Char(first), start));
        }
        let c = match name.as_str() {
            "space" => ' ',
            "newline" | "linefeed" | "nl" => '\n',
            "tab" => '\t',
            "return" => '\r',
            "null" | "nul" => '\0',
            "alarm" => '\x07',
            "backspace" => '\x08',
            "delete" | "rubout" | "del" => '\x7f',
            "escape" | "esc" => '\x1b',
            _ if (name.starts_with('x') || name.starts_with('U') || name.starts_with('u'))
                && name.len() > 1 =>
            {
                let hex = name[1..].trim_start_matches('+');
                match u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                    Some(c) => c,
                    None => {
                        return Err(self.error(format!("unknown character name #\\{name}"), start))
                    }
                }
            }
            _ => return Err(self.error(format!("unknown character name #\\{name}"), start)),
        };
        Ok(Datum::new(DatumKind::Char(c), start))
    }
}

/// Whether a token that failed to parse was meant as a number (so that
/// `1.2.3` is a bad number rather than a symbol). Symbols like `+`, `-`,
/// `...`, `1+` and `->x` stay symbols.
fn looks_numeric(token: &str) -> bool {
    let body = token.strip_prefix(['+', '-']).unwrap_or(token);
    let mut chars = body.chars();
    if match chars.next() {
        Some(c) if c.is_ascii_digit() => body
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_'),
        Some('.') => chars.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    } {
        !token.ends_with('+') && !token.ends_with('-')
    } else {
        false
    }
}

/// Parses a numeric token, with `#x #b #o #d #e #i` prefixes.
pub fn parse_number(token: &str) -> Option<DatumKind> {
    let mut radix = 10;
    let mut exactness = None;
    let mut rest = token;
    while rest.len() >= 2 && rest.starts_with('#') {
        match rest.as_bytes()[1].to_ascii_lowercase() {
            b'x' => radix = 16,
            b'b' => radix = 2,
            b'o' => radix = 8,
            b'd' => radix = 10,
            b'e' => exactness = Some(true),
            b'i' => exactness = Some(false),
            _ => return None,
        }
        rest = &rest[2..];
    }
    let kind = parse_real(rest, radix)?;
    Some(match (exactness, kind) {
        (Some(false), DatumKind::Int(n)) => DatumKind::Float(n as f64),
        (Some(false), DatumKind::BigInt(b)) => {
            DatumKind::Float(num_traits::ToPrimitive::to_f64(&b).unwrap_or(f64::NAN))
        }
        (Some(true), DatumKind::Float(f)) if f.fract() == 0.0 && f.is_finite() => {
            if f.abs() < 9.0e18 {
                DatumKind::Int(f as i64)
            } else {
                DatumKind::BigInt(BigInt::from(f as i128))
            }
        }
        (_, kind) => kind,
    })
}

fn parse_real(s: &str, radix: u32) -> Option<DatumKind> {
    match s {
        "+inf.0" => return Some(DatumKind::Float(f64::INFINITY)),
        "-inf.0" => return Some(DatumKind::Float(f64::NEG_INFINITY)),
        "+nan.0" | "-nan.0" => return Some(DatumKind::Float(f64::NAN)),
        _ => {}
    }
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() {
        return None;
    }
    if digits.chars().all(|c| c.is_digit(radix)) {
        if let Ok(n) = i64::from_str_radix(s.strip_prefix('+').unwrap_or(s), radix) {
            return Some(DatumKind::Int(n));
        }
        return BigInt::parse_bytes(s.strip_prefix('+').unwrap_or(s).as_bytes(), radix)
            .map(DatumKind::BigInt);
    }
    if radix != 10 {
        return None;
    }
    // Decimal floats: digits with one '.', and/or an exponent.
    let valid = digits
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
        && digits.chars().any(|c| c.is_ascii_digit())
        && !digits.starts_with(['e', 'E']);
    if !valid {
        return None;
    }
    s.parse::<f64>().ok().map(DatumKind::Float)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<Datum> {
        read_all(text, 0).expect("reads")
    }

    fn show(text: &str) -> String {
        read(text)
            .iter()
            .map(|d| lisp_runtime::printer::write_string(&d.to_value()))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn err(text: &str) -> ReadError {
        read_all(text, 0).expect_err("a read error")
    }

    #[test]
    fn numbers_in_every_notation() {
        assert_eq!(show("42 -7 #x1F #b101 #o17 #d10 +5"), "42 -7 31 5 15 10 5");
        assert_eq!(
            show("1.5 -0.25 1e10 .5 1. +inf.0 -inf.0 +nan.0"),
            "1.5 -0.25 10000000000.0 0.5 1.0 +inf.0 -inf.0 +nan.0"
        );
        assert_eq!(show("100000000000000000000"), "100000000000000000000");
        assert_eq!(show("#e1.0 #i3"), "1 3.0");
    }

    #[test]
    fn symbols_keywords_and_booleans() {
        assert_eq!(
            show("+ - ... ->x 1+ <=? a.b Hello"),
            "+ - ... ->x 1+ <=? a.b Hello"
        );
        assert_eq!(show(":name : #t #f #true #false"), ":name : #t #f #t #f");
        assert!(matches!(read(":k")[0].kind, DatumKind::Keyword(_)));
    }

    #[test]
    fn strings_and_characters() {
        assert_eq!(show(r#""a\nb\t\"\\ \x41;""#), r#""a\nb\t\"\\ A""#);
        assert_eq!(show("\"line \\\n    continued\""), "\"line continued\"");
        assert_eq!(
            show(r"#\a #\space #\newline #\x41 #\λ #\( #\tab #\nul"),
            r"#\a #\space #\newline #\A #\λ #\( #\tab #\null"
        );
    }

    #[test]
    fn lists_vectors_maps_and_quotes() {
        assert_eq!(show("(a [b c] (d . e))"), "(a (b c) (d . e))");
        assert_eq!(show("#(1 2 3)"), "#(1 2 3)");
        assert!(
            matches!(read("{:a 1 :b 2}")[0].kind, DatumKind::Map(ref items) if items.len() == 4)
        );
        assert_eq!(show("'x `(a ,b ,@c)"), "'x `(a ,b ,@c)");
        assert_eq!(show("()"), "()");
    }

    #[test]
    fn comments_of_every_kind() {
        assert_eq!(
            show("1 ; line\n2 #| block #| nested |# |# 3 #;(skipped datum) 4 #; 5 6"),
            "1 2 3 4 6"
        );
        assert_eq!(show("(a #;b c)"), "(a c)");
    }

    #[test]
    fn spans_are_one_based_lines_and_columns() {
        let data = read("foo\n  (bar\n   baz)");
        assert_eq!((data[0].span.line, data[0].span.col), (1, 1));
        assert_eq!((data[1].span.line, data[1].span.col), (2, 3));
        let DatumKind::List(items, _) = &data[1].kind else {
            panic!()
        };
        assert_eq!((items[1].span.line, items[1].span.col), (3, 4));
    }

    #[test]
    fn malformed_input_is_a_clear_error() {
        let e = err("(define (f x)\n  (+ x 1)");
        assert!(e.incomplete && e.message.contains("expected ')'"), "{e:?}");
        assert_eq!((e.span.line, e.span.col), (1, 1));
        let e = err("(a b))");
        assert!(!e.incomplete && e.message.contains("unexpected ')'"));
        assert!(err("(a ]").message.contains("expected ')'"));
        assert!(err("\"bad \\q escape\"").message.contains("bad escape"));
        assert!(err("1.2.3").message.contains("bad number"));
        assert!(err("#\\foo").message.contains("unknown character name"));
        assert!(err("( . a)").message.contains("unexpected '.'"));
        assert!(err("(a . b c)").message.contains("dotted"));
        assert!(err("(a . )").message.contains("after '.'"));
        assert!(err("{:a}").message.contains("even number"));
        assert!(err("\"open").incomplete);
        assert!(err("#| open").incomplete);
        assert!(err("'").incomplete);
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let deep = "(".repeat(200_000);
        assert!(read_all(&deep, 0).is_err());
        let too_deep = format!("{}{}", "(".repeat(20_000), ")".repeat(20_000));
        assert!(read_all(&too_deep, 0)
            .unwrap_err()
            .message
            .contains("too deep"));
        let balanced = format!("{}{}", "(".repeat(1_000), ")".repeat(1_000));
        assert_eq!(read(&balanced).len(), 1);
    }

    #[test]
    fn read_datum_walks_the_input() {
        let text = " (a b) 42 ";
        let (d, pos) = read_datum(text, 0, 0).unwrap().unwrap();
        assert!(d.as_list().is_some());
        let (d, pos) = read_datum(text, pos, 0).unwrap().unwrap();
        assert!(matches!(d.kind, DatumKind::Int(42)));
        assert!(read_datum(text, pos, 0).unwrap().is_none());
    }
}
