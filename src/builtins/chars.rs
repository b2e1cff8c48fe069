//! Builtins: characters (Unicode scalar values).

use super::{args, doc, Registry};
use lisp_runtime::{Arity, Ctx, Exception, Value};

type R = Result<Value, Exception>;

/// Registers the character builtins.
pub fn register(r: &mut Registry) {
    r.category("Characters");
    r.def(
        "char?",
        Arity::exactly(1),
        is_char,
        doc(
            "(char? obj)",
            "True if OBJ is a character.",
            "(char? #\\a)",
            "#t",
            "char->integer",
        ),
    );
    r.def(
        "char->integer",
        Arity::exactly(1),
        char_to_integer,
        doc(
            "(char->integer char)",
            "The Unicode scalar value of CHAR.",
            "(char->integer #\\A)",
            "65",
            "integer->char",
        ),
    );
    r.def(
        "integer->char",
        Arity::exactly(1),
        integer_to_char,
        doc(
            "(integer->char n)",
            "The character with Unicode scalar value N.",
            "(integer->char 955)",
            "#\\λ",
            "char->integer",
        ),
    );
    r.def(
        "char=?",
        Arity::at_least(1),
        char_eq,
        doc(
            "(char=? c1 c2 ...)",
            "True if all characters are equal.",
            "(char=? #\\a #\\a)",
            "#t",
            "char<? char-ci=?",
        ),
    );
    r.def(
        "char<?",
        Arity::at_least(1),
        char_lt,
        doc(
            "(char<? c1 c2 ...)",
            "True if the characters are strictly increasing.",
            "(char<? #\\a #\\b)",
            "#t",
            "char>?",
        ),
    );
    r.def(
        "char>?",
        Arity::at_least(1),
        char_gt,
        doc(
            "(char>? c1 c2 ...)",
            "True if the characters are strictly decreasing.",
            "(char>? #\\b #\\a)",
            "#t",
            "char<?",
        ),
    );
    r.def(
        "char<=?",
        Arity::at_least(1),
        char_le,
        doc(
            "(char<=? c1 c2 ...)",
            "True if the characters are non-decreasing.",
            "(char<=? #\\a #\\a)",
            "#t",
            "char<?",
        ),
    );
    r.def(
        "char>=?",
        Arity::at_least(1),
        char_ge,
        doc(
            "(char>=? c1 c2 ...)",
            "True if the characters are non-increasing.",
            "(char>=? #\\b #\\a)",
            "#t",
            "char>?",
        ),
    );
    r.def(
        "char-ci=?",
        Arity::at_least(1),
        char_ci_eq,
        doc(
            "(char-ci=? c1 c2 ...)",
            "True if the characters are equal ignoring case.",
            "(char-ci=? #\\a #\\A)",
            "#t",
            "char=?",
        ),
    );
    r.def(
        "char-alphabetic?",
        Arity::exactly(1),
        is_alphabetic,
        doc(
            "(char-alphabetic? char)",
            "True if CHAR is a letter.",
            "(char-alphabetic? #\\a)",
            "#t",
            "char-numeric?",
        ),
    );
    r.def(
        "char-numeric?",
        Arity::exactly(1),
        is_numeric,
        doc(
            "(char-numeric? char)",
            "True if CHAR is a digit.",
            "(char-numeric? #\\7)",
            "#t",
            "char-alphabetic? digit-value",
        ),
    );
    r.def(
        "char-whitespace?",
        Arity::exactly(1),
        is_whitespace,
        doc(
            "(char-whitespace? char)",
            "True if CHAR is whitespace.",
            "(char-whitespace? #\\space)",
            "#t",
            "string-trim",
        ),
    );
    r.def(
        "char-upper-case?",
        Arity::exactly(1),
        is_upper,
        doc(
            "(char-upper-case? char)",
            "True if CHAR is an upper-case letter.",
            "(char-upper-case? #\\A)",
            "#t",
            "char-upcase",
        ),
    );
    r.def(
        "char-lower-case?",
        Arity::exactly(1),
        is_lower,
        doc(
            "(char-lower-case? char)",
            "True if CHAR is a lower-case letter.",
            "(char-lower-case? #\\a)",
            "#t",
            "char-downcase",
        ),
    );
    r.def(
        "char-upcase",
        Arity::exactly(1),
        upcase,
        doc(
            "(char-upcase char)",
            "The upper-case form of CHAR.",
            "(char-upcase #\\a)",
            "#\\A",
            "char-downcase string-upcase",
        ),
    );
    r.def(
        "char-downcase",
        Arity::exactly(1),
        downcase,
        doc(
            "(char-downcase char)",
            "The lower-case form of CHAR.",
            "(char-downcase #\\A)",
            "#\\a",
            "char-upcase",
        ),
    );
    r.def(
        "digit-value",
        Arity::exactly(1),
        digit_value,
        doc(
            "(digit-value char)",
            "The value of a decimal digit character, or #f.",
            "(digit-value #\\7)",
            "7",
            "char-numeric?",
        ),
    );
}

fn chr(name: &str, pos: usize, v: &Value) -> Result<char, Exception> {
    args::char(name, pos, v)
}

fn compare(name: &str, a: &[Value], key: fn(char) -> char, ok: fn(char, char) -> bool) -> R {
    let mut cs = Vec::with_capacity(a.len());
    for (i, v) in a.iter().enumerate() {
        cs.push(key(chr(name, i + 1, v)?));
    }
    Ok(Value::bool(cs.windows(2).all(|w| ok(w[0], w[1]))))
}

fn fold(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

fn same(c: char) -> char {
    c
}

fn is_char(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(a[0].as_char().is_some()))
}
fn char_to_integer(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::int(chr("char->integer", 1, &a[0])? as i64))
}
fn integer_to_char(_: &mut Ctx, a: &[Value]) -> R {
    let n = args::int("integer->char", 1, &a[0])?;
    u32::try_from(n)
        .ok()
        .and_then(char::from_u32)
        .map(Value::char)
        .ok_or_else(|| Exception::wrong_type("integer->char", 1, "Unicode scalar value", &a[0]))
}
fn char_eq(_: &mut Ctx, a: &[Value]) -> R {
    compare("char=?", a, same, |x, y| x == y)
}
fn char_lt(_: &mut Ctx, a: &[Value]) -> R {
    compare("char<?", a, same, |x, y| x < y)
}
fn char_gt(_: &mut Ctx, a: &[Value]) -> R {
    compare("char>?", a, same, |x, y| x > y)
}
fn char_le(_: &mut Ctx, a: &[Value]) -> R {
    compare("char<=?", a, same, |x, y| x <= y)
}
fn char_ge(_: &mut Ctx, a: &[Value]) -> R {
    compare("char>=?", a, same, |x, y| x >= y)
}
fn char_ci_eq(_: &mut Ctx, a: &[Value]) -> R {
    compare("char-ci=?", a, fold, |x, y| x == y)
}
fn test(name: &str, a: &[Value], f: fn(char) -> bool) -> R {
    Ok(Value::bool(f(chr(name, 1, &a[0])?)))
}
fn is_alphabetic(_: &mut Ctx, a: &[Value]) -> R {
    test("char-alphabetic?", a, char::is_alphabetic)
}
fn is_numeric(_: &mut Ctx, a: &[Value]) -> R {
    test("char-numeric?", a, char::is_numeric)
}
fn is_whitespace(_: &mut Ctx, a: &[Value]) -> R {
    test("char-whitespace?", a, char::is_whitespace)
}
fn is_upper(_: &mut Ctx, a: &[Value]) -> R {
    test("char-upper-case?", a, char::is_uppercase)
}
fn is_lower(_: &mut Ctx, a: &[Value]) -> R {
    test("char-lower-case?", a, char::is_lowercase)
}
fn upcase(_: &mut Ctx, a: &[Value]) -> R {
    let c = chr("char-upcase", 1, &a[0])?;
    Ok(Value::char(single(c.to_uppercase(), c)))
}
fn downcase(_: &mut Ctx, a: &[Value]) -> R {
    let c = chr("char-downcase", 1, &a[0])?;
    Ok(Value::char(single(c.to_lowercase(), c)))
}

/// A case mapping that is one character, else `c` unchanged: `ß` upcases
/// to "SS", which no single character can hold, so R7RS keeps `ß`.
fn single(mut mapped: impl Iterator<Item = char>, c: char) -> char {
    match (mapped.next(), mapped.next()) {
        (Some(m), None) => m,
        _ => c,
    }
}
fn digit_value(_: &mut Ctx, a: &[Value]) -> R {
    let c = chr("digit-value", 1, &a[0])?;
    Ok(c.to_digit(10)
        .map(|d| Value::int(d as i64))
        .unwrap_or(Value::FALSE))
}
