//! `display` and `write` representations of values.
//!
//! `write` prints strings and characters readably (`"a\n"`, `#\space`);
//! `display` prints them raw. Both print lists iteratively along the spine
//! and stop descending past a fixed depth, so a vector that contains itself
//! prints `...` instead of overflowing the stack.

use crate::object::Object;
use crate::value::{ImmediateKind, Value};
use std::fmt::Write;

const MAX_DEPTH: usize = 2_000;

/// The `display` text of `v`.
pub fn display_string(v: &Value) -> String {
    let mut out = String::new();
    print(v, false, 0, &mut out);
    out
}

/// The `write` text of `v`.
pub fn write_string(v: &Value) -> String {
    let mut out = String::new();
    print(v, true, 0, &mut out);
    out
}

/// The `write` text of `v`, cut to about `limit` characters (for messages).
pub fn write_string_truncated(v: &Value, limit: usize) -> String {
    let text = write_string(v);
    if text.chars().count() <= limit {
        return text;
    }
    let cut: String = text.chars().take(limit).collect();
    format!("{cut}...")
}

/// Formats a float the way Scheme prints it: `1.0`, `0.5`, `1e+21`,
/// `+inf.0`, `-inf.0`, `+nan.0`.
pub fn format_float(f: f64) -> String {
    if f.is_nan() {
        return "+nan.0".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+inf.0" } else { "-inf.0" }.into();
    }
    let text = format!("{f:?}");
    if text.contains('.') || text.contains('e') || text.contains("inf") {
        text
    } else {
        format!("{text}.0")
    }
}

/// The name `write` uses for a character: `space`, `newline`, or itself.
pub fn char_name(c: char) -> String {
    match c {
        ' ' => "space".into(),
        '\n' => "newline".into(),
        '\t' => "tab".into(),
        '\r' => "return".into(),
        '\0' => "null".into(),
        '\x07' => "alarm".into(),
        '\x08' => "backspace".into(),
        '\x7f' => "delete".into(),
        '\x1b' => "escape".into(),
        c if c.is_control() => format!("x{:x}", c as u32),
        c => c.to_string(),
    }
}

fn write_escaped_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\x{:x};", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn print(v: &Value, write: bool, depth: usize, out: &mut String) {
    if depth > MAX_DEPTH {
        out.push_str("...");
        return;
    }
    if let Some(n) = v.as_fixnum() {
        let _ = write!(out, "{n}");
        return;
    }
    if let Some(kind) = v.immediate_kind() {
        print_immediate(v, kind, write, out);
        return;
    }
    if let Some(f) = v.as_float() {
        out.push_str(&format_float(f));
        return;
    }
    let Some(obj) = v.as_object() else {
        out.push_str("#<unknown>");
        return;
    };
    match obj {
        Object::Pair(_) => print_list(v, write, depth, out),
        Object::String(s) => {
            if write {
                write_escaped_string(&s.text, out)
            } else {
                out.push_str(&s.text)
            }
        }
        Object::BigInt(n) => {
            let _ = write!(out, "{n}");
        }
        Object::Float(f) => out.push_str(&format_float(*f)),
        Object::Vector(items) => {
            let items = items.read().clone();
            out.push_str("#(");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                print(item, write, depth + 1, out);
            }
            out.push(')');
        }
        Object::Map(m) => {
            out.push('{');
            for (i, (k, val)) in m.entries().iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                print(k, write, depth + 1, out);
                out.push(' ');
                print(val, write, depth + 1, out);
            }
            out.push('}');
        }
        Object::HashTable(t) => {
            let _ = write!(out, "#<hash-table {}>", t.lock().len());
        }
        Object::Closure(c) => match *c.template.name.lock() {
            Some(name) => {
                let _ = write!(out, "#<procedure {name}>");
            }
            None => out.push_str("#<procedure>"),
        },
        Object::Builtin(b) => {
            let _ = write!(out, "#<procedure {}>", b.name);
        }
        Object::Cell(c) => {
            let inner = c.lock().clone();
            out.push_str("#<cell ");
            print(&inner, write, depth + 1, out);
            out.push('>');
        }
        Object::Error(e) => {
            out.push_str("#<error ");
            write_escaped_string(&e.message, out);
            for irritant in &e.irritants {
                out.push(' ');
                print(irritant, true, depth + 1, out);
            }
            out.push('>');
        }
        Object::Record(r) => print_record(r, write, depth, out),
        Object::RecordType(t) => {
            let _ = write!(out, "#<record-type {}>", t.name);
        }
        Object::Atom(a) => {
            let inner = a.lock().clone();
            out.push_str("#<atom ");
            print(&inner, write, depth + 1, out);
            out.push('>');
        }
        Object::Channel(_) => out.push_str("#<channel>"),
        Object::Thread(t) => {
            let _ = write!(out, "#<thread {}>", t.id);
        }
        Object::Promise(_) => out.push_str("#<promise>"),
        Object::Parameter(_) => out.push_str("#<parameter>"),
        Object::Values(vals) => {
            for (i, item) in vals.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                print(item, write, depth + 1, out);
            }
        }
        Object::Port(_) => out.push_str("#<port>"),
        Object::Continuation(_) => out.push_str("#<continuation>"),
        Object::Foreign(f) => {
            let _ = write!(out, "#<procedure {}>", f.name);
        }
        Object::Native(n) => {
            let _ = write!(out, "#<{}>", n.type_name());
        }
    }
}

fn print_immediate(v: &Value, kind: ImmediateKind, write: bool, out: &mut String) {
    match kind {
        ImmediateKind::Nil => out.push_str("()"),
        ImmediateKind::True => out.push_str("#t"),
        ImmediateKind::False => out.push_str("#f"),
        ImmediateKind::Void => out.push_str("#<void>"),
        ImmediateKind::Eof => out.push_str("#<eof>"),
        ImmediateKind::Unbound => out.push_str("#<unbound>"),
        ImmediateKind::Default => out.push_str("#<default>"),
        ImmediateKind::Raised => out.push_str("#<raised>"),
        ImmediateKind::FloatZero => out.push_str(&format_float(v.as_float().unwrap_or(0.0))),
        ImmediateKind::Char => {
            let c = v.as_char().unwrap_or('?');
            if write {
                out.push_str("#\\");
                out.push_str(&char_name(c));
            } else {
                out.push(c);
            }
        }
        ImmediateKind::Symbol => {
            if let Some(s) = v.as_symbol() {
                let name = s.name();
                if write && needs_bars(&name) {
                    write_barred(&name, out);
                } else {
                    out.push_str(&name);
                }
            }
        }
        ImmediateKind::Keyword => {
            if let Some(s) = v.as_keyword() {
                out.push(':');
                out.push_str(&s.name());
            }
        }
    }
}

/// Whether `write` must print a symbol as `|name|` (R7RS) because its
/// name would not read back as that symbol: empty, containing a delimiter
/// or whitespace, or looking like a number.
fn needs_bars(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return true;
    };
    let second = chars.next();
    let delimiter = |c: char| c.is_whitespace() || "()[]{}\";'`,|".contains(c);
    if name.chars().any(delimiter) || first == '#' || (first == ':' && second.is_some()) {
        return true;
    }
    // The reader takes a token that starts like a number for a number (or
    // a bad one), except `1+`-style tokens ending in `+` or `-`; `...` and
    // `->x` are symbols.
    let numeric_start = first.is_ascii_digit()
        || (matches!(first, '+' | '-' | '.') && second.is_some_and(|c| c.is_ascii_digit()));
    (numeric_start && !name.ends_with(['+', '-']))
        || matches!(name, "+inf.0" | "-inf.0" | "+nan.0" | "-nan.0")
}

fn write_barred(name: &str, out: &mut String) {
    out.push('|');
    for c in name.chars() {
        if c == '|' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('|');
}

fn print_list(v: &Value, write: bool, depth: usize, out: &mut String) {
    if let Some(text) = quote_abbreviation(v, write, depth) {
        out.push_str(&text);
        return;
    }
    out.push('(');
    let mut cur = v.clone();
    let mut first = true;
    loop {
        match cur.as_object() {
            Some(Object::Pair(p)) => {
                if !first {
                    out.push(' ');
                }
                first = false;
                print(&p.car, write, depth + 1, out);
                let next = p.cdr.clone();
                cur = next;
            }
            _ => {
                if !cur.is_nil() {
                    out.push_str(" . ");
                    print(&cur, write, depth + 1, out);
                }
                break;
            }
        }
    }
    out.push(')');
}

/// `(quote x)` prints as `'x`, and likewise for the other reader prefixes.
fn quote_abbreviation(v: &Value, write: bool, depth: usize) -> Option<String> {
    let Some(Object::Pair(p)) = v.as_object() else {
        return None;
    };
    let head = p.car.as_symbol()?;
    let Some(Object::Pair(rest)) = p.cdr.as_object() else {
        return None;
    };
    if !rest.cdr.is_nil() {
        return None;
    }
    let prefix = match &*head.name() {
        "quote" => "'",
        "quasiquote" => "`",
        "unquote" => ",",
        "unquote-splicing" => ",@",
        _ => return None,
    };
    let mut out = prefix.to_string();
    print(&rest.car, write, depth + 1, &mut out);
    Some(out)
}

fn print_record(r: &crate::object::Record, write: bool, depth: usize, out: &mut String) {
    let Some(Object::RecordType(t)) = r.rtype.as_object() else {
        out.push_str("#<record>");
        return;
    };
    let name = t.name.name();
    let name = name.trim_start_matches('<').trim_end_matches('>');
    let _ = write!(out, "#<{name}");
    let fields = r.fields.read().clone();
    for (field, value) in t.fields.iter().zip(fields.iter()) {
        let _ = write!(out, " {field}: ");
        print(value, write, depth + 1, out);
    }
    out.push('>');
}
