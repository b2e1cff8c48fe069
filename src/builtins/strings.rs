//! Builtins: strings. Strings are immutable UTF-8; indices count
//! characters, and ASCII strings index in O(1).

use super::{args, doc, Registry};
use lisp_runtime::list::{list_from, string};
use lisp_runtime::object::LString;
use lisp_runtime::{Arity, Ctx, Exception, Value};

type R = Result<Value, Exception>;

/// Registers the string builtins.
pub fn register(r: &mut Registry) {
    r.category("Strings");
    r.def(
        "string?",
        Arity::exactly(1),
        is_string,
        doc(
            "(string? obj)",
            "True if OBJ is a string.",
            "(string? \"a\")",
            "#t",
            "symbol?",
        ),
    );
    r.def(
        "string",
        Arity::at_least(0),
        string_,
        doc(
            "(string char ...)",
            "A new string of the given characters.",
            "(string #\\a #\\b)",
            "\"ab\"",
            "make-string list->string",
        ),
    );
    r.def(
        "make-string",
        Arity::between(1, 2),
        make_string,
        doc(
            "(make-string k [char])",
            "A string of K copies of CHAR (default space).",
            "(make-string 3 #\\x)",
            "\"xxx\"",
            "string",
        ),
    );
    r.def(
        "string-length",
        Arity::exactly(1),
        string_length,
        doc(
            "(string-length string)",
            "The number of characters in STRING.",
            "(string-length \"λx\")",
            "2",
            "string-ref",
        ),
    );
    r.def(
        "string-ref",
        Arity::exactly(2),
        string_ref,
        doc(
            "(string-ref string k)",
            "The character at index K of STRING.",
            "(string-ref \"abc\" 1)",
            "#\\b",
            "substring",
        ),
    );
    r.def(
        "substring",
        Arity::between(2, 3),
        substring,
        doc(
            "(substring string start [end])",
            "The characters of STRING from START up to END (default: the end).",
            "(substring \"hello\" 1 3)",
            "\"el\"",
            "string-ref string-copy",
        ),
    );
    r.def(
        "string-append",
        Arity::at_least(0),
        string_append,
        doc(
            "(string-append string ...)",
            "A new string of the arguments' characters in order.",
            "(string-append \"a\" \"bc\")",
            "\"abc\"",
            "string-join",
        ),
    );
    r.def(
        "string-copy",
        Arity::between(1, 3),
        string_copy,
        doc(
            "(string-copy string [start [end]])",
            "A copy of STRING (from START to END).",
            "(string-copy \"hello\" 2)",
            "\"llo\"",
            "substring",
        ),
    );
    r.def(
        "string=?",
        Arity::at_least(1),
        string_eq,
        doc(
            "(string=? s1 s2 ...)",
            "True if all strings are equal.",
            "(string=? \"a\" \"a\")",
            "#t",
            "string<? equal?",
        ),
    );
    r.def(
        "string<?",
        Arity::at_least(1),
        string_lt,
        doc(
            "(string<? s1 s2 ...)",
            "True if the strings are in strictly increasing lexicographic order.",
            "(string<? \"apple\" \"banana\")",
            "#t",
            "string>?",
        ),
    );
    r.def(
        "string>?",
        Arity::at_least(1),
        string_gt,
        doc(
            "(string>? s1 s2 ...)",
            "True if the strings are strictly decreasing.",
            "(string>? \"b\" \"a\")",
            "#t",
            "string<?",
        ),
    );
    r.def(
        "string<=?",
        Arity::at_least(1),
        string_le,
        doc(
            "(string<=? s1 s2 ...)",
            "True if the strings are non-decreasing.",
            "(string<=? \"a\" \"a\")",
            "#t",
            "string<?",
        ),
    );
    r.def(
        "string>=?",
        Arity::at_least(1),
        string_ge,
        doc(
            "(string>=? s1 s2 ...)",
            "True if the strings are non-increasing.",
            "(string>=? \"b\" \"a\")",
            "#t",
            "string>?",
        ),
    );
    r.def(
        "string-ci=?",
        Arity::at_least(1),
        string_ci_eq,
        doc(
            "(string-ci=? s1 s2 ...)",
            "True if the strings are equal ignoring case.",
            "(string-ci=? \"Abc\" \"aBC\")",
            "#t",
            "string=?",
        ),
    );
    r.def(
        "string->list",
        Arity::between(1, 3),
        string_to_list,
        doc(
            "(string->list string [start [end]])",
            "A list of the characters of STRING.",
            "(string->list \"ab\")",
            "(#\\a #\\b)",
            "list->string",
        ),
    );
    r.def(
        "list->string",
        Arity::exactly(1),
        list_to_string,
        doc(
            "(list->string list)",
            "A string of the characters in LIST.",
            "(list->string '(#\\a #\\b))",
            "\"ab\"",
            "string->list",
        ),
    );
    r.def(
        "string->vector",
        Arity::exactly(1),
        string_to_vector,
        doc(
            "(string->vector string)",
            "A vector of the characters of STRING.",
            "(string->vector \"ab\")",
            "#(#\\a #\\b)",
            "vector->string",
        ),
    );
    r.def(
        "vector->string",
        Arity::exactly(1),
        vector_to_string,
        doc(
            "(vector->string vector)",
            "A string of the characters in VECTOR.",
            "(vector->string #(#\\a))",
            "\"a\"",
            "string->vector",
        ),
    );
    r.def(
        "string-upcase",
        Arity::exactly(1),
        string_upcase,
        doc(
            "(string-upcase string)",
            "STRING in upper case.",
            "(string-upcase \"abc\")",
            "\"ABC\"",
            "string-downcase",
        ),
    );
    r.def(
        "string-downcase",
        Arity::exactly(1),
        string_downcase,
        doc(
            "(string-downcase string)",
            "STRING in lower case.",
            "(string-downcase \"ABC\")",
            "\"abc\"",
            "string-upcase",
        ),
    );
    r.def("string-split", Arity::exactly(2), string_split, doc("(string-split string separator)", "The fields of STRING between occurrences of SEPARATOR (a string or character), keeping empty fields.", "(string-split \"a,,b\" \",\")", "(\"a\" \"\" \"b\")", "string-join"));
    r.def(
        "string-join",
        Arity::between(1, 2),
        string_join,
        doc(
            "(string-join list [separator])",
            "The strings of LIST joined with SEPARATOR (default \" \").",
            "(string-join '(\"a\" \"b\") \", \")",
            "\"a, b\"",
            "string-split string-append",
        ),
    );
    r.def(
        "string-trim",
        Arity::exactly(1),
        string_trim,
        doc(
            "(string-trim string)",
            "STRING without leading and trailing whitespace.",
            "(string-trim \"  hi  \")",
            "\"hi\"",
            "string-trim-left string-trim-right",
        ),
    );
    r.def(
        "string-trim-left",
        Arity::exactly(1),
        string_trim_left,
        doc(
            "(string-trim-left string)",
            "STRING without leading whitespace.",
            "(string-trim-left \"  hi \")",
            "\"hi \"",
            "string-trim",
        ),
    );
    r.def(
        "string-trim-right",
        Arity::exactly(1),
        string_trim_right,
        doc(
            "(string-trim-right string)",
            "STRING without trailing whitespace.",
            "(string-trim-right \" hi  \")",
            "\" hi\"",
            "string-trim",
        ),
    );
    r.def(
        "string-contains",
        Arity::exactly(2),
        string_contains,
        doc(
            "(string-contains string sub)",
            "The index of the first occurrence of SUB in STRING, or #f.",
            "(string-contains \"hello\" \"ll\")",
            "2",
            "string-index",
        ),
    );
    r.def(
        "string-index",
        Arity::exactly(2),
        string_index,
        doc(
            "(string-index string char-or-pred)",
            "The index of the first character equal to CHAR (or satisfying PRED), or #f.",
            "(string-index \"hello\" #\\l)",
            "2",
            "string-contains",
        ),
    );
    r.def(
        "string-replace",
        Arity::exactly(3),
        string_replace,
        doc(
            "(string-replace string old new)",
            "STRING with every occurrence of OLD replaced by NEW.",
            "(string-replace \"a-b-c\" \"-\" \"+\")",
            "\"a+b+c\"",
            "string-split",
        ),
    );
    r.def(
        "string-prefix?",
        Arity::exactly(2),
        string_prefix,
        doc(
            "(string-prefix? prefix string)",
            "True if STRING starts with PREFIX.",
            "(string-prefix? \"he\" \"hello\")",
            "#t",
            "string-suffix?",
        ),
    );
    r.def(
        "string-suffix?",
        Arity::exactly(2),
        string_suffix,
        doc(
            "(string-suffix? suffix string)",
            "True if STRING ends with SUFFIX.",
            "(string-suffix? \"lo\" \"hello\")",
            "#t",
            "string-prefix?",
        ),
    );
    r.def(
        "string-null?",
        Arity::exactly(1),
        string_null,
        doc(
            "(string-null? string)",
            "True if STRING is empty.",
            "(string-null? \"\")",
            "#t",
            "string-length",
        ),
    );
    r.def(
        "string-reverse",
        Arity::exactly(1),
        string_reverse,
        doc(
            "(string-reverse string)",
            "STRING with its characters in reverse order.",
            "(string-reverse \"abc\")",
            "\"cba\"",
            "reverse",
        ),
    );
    r.def(
        "string-for-each",
        Arity::at_least(2),
        string_for_each,
        doc(
            "(string-for-each proc string)",
            "Calls PROC on each character of STRING.",
            "(string-for-each char-upcase \"ab\")",
            "#<void>",
            "string-map",
        ),
    );
    r.def(
        "string-map",
        Arity::at_least(2),
        string_map,
        doc(
            "(string-map proc string)",
            "A string of the results of PROC (characters) on each character.",
            "(string-map char-upcase \"ab\")",
            "\"AB\"",
            "string-for-each",
        ),
    );
    r.def(
        "string-count",
        Arity::exactly(2),
        string_count,
        doc(
            "(string-count string char-or-pred)",
            "How many characters of STRING equal CHAR (or satisfy PRED).",
            "(string-count \"banana\" #\\a)",
            "3",
            "string-index",
        ),
    );
}

fn s<'a>(name: &str, pos: usize, v: &'a Value) -> Result<&'a LString, Exception> {
    args::string(name, pos, v)
}

fn is_string(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(a[0].as_str().is_some()))
}

fn string_(_: &mut Ctx, a: &[Value]) -> R {
    let mut out = String::new();
    for (i, v) in a.iter().enumerate() {
        out.push(args::char("string", i + 1, v)?);
    }
    Ok(string(out))
}

fn make_string(_: &mut Ctx, a: &[Value]) -> R {
    let k = args::index("make-string", 1, &a[0])?;
    if k > 1 << 30 {
        return Err(Exception::error(
            format!("make-string: size {k} too large"),
            vec![],
        ));
    }
    let c = match a.get(1) {
        Some(v) => args::char("make-string", 2, v)?,
        None => ' ',
    };
    Ok(string(std::iter::repeat_n(c, k).collect::<String>()))
}

fn string_length(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::int(s("string-length", 1, &a[0])?.char_len as i64))
}

fn string_ref(_: &mut Ctx, a: &[Value]) -> R {
    let text = s("string-ref", 1, &a[0])?;
    let k = args::int("string-ref", 2, &a[1])?;
    usize::try_from(k)
        .ok()
        .and_then(|k| text.char_at(k))
        .map(Value::char)
        .ok_or_else(|| {
            Exception::error(
                format!(
                    "string-ref: index {k} out of range for string of length {}",
                    text.char_len
                ),
                vec![],
            )
        })
}

/// The byte range of characters `[start, end)` from optional arguments.
fn char_range(
    name: &str,
    text: &LString,
    a: &[Value],
    from: usize,
) -> Result<(usize, usize), Exception> {
    let start = match a.get(from) {
        Some(v) => args::index(name, from + 1, v)?,
        None => 0,
    };
    let end = match a.get(from + 1) {
        Some(v) => args::index(name, from + 2, v)?,
        None => text.char_len,
    };
    if start > end || end > text.char_len {
        return Err(Exception::error(
            format!(
                "{name}: range {start}..{end} out of bounds for string of length {}",
                text.char_len
            ),
            vec![],
        ));
    }
    Ok((text.byte_offset(start), text.byte_offset(end)))
}

fn substring(_: &mut Ctx, a: &[Value]) -> R {
    let text = s("substring", 1, &a[0])?;
    let (b, e) = char_range("substring", text, a, 1)?;
    Ok(string(&text.text[b..e]))
}

fn string_copy(_: &mut Ctx, a: &[Value]) -> R {
    let text = s("string-copy", 1, &a[0])?;
    let (b, e) = char_range("string-copy", text, a, 1)?;
    Ok(string(&text.text[b..e]))
}

fn string_append(_: &mut Ctx, a: &[Value]) -> R {
    let mut out = String::new();
    for (i, v) in a.iter().enumerate() {
        out.push_str(&s("string-append", i + 1, v)?.text);
    }
    Ok(string(out))
}

fn compare(name: &str, a: &[Value], fold: bool, ok: fn(std::cmp::Ordering) -> bool) -> R {
    let mut texts = Vec::with_capacity(a.len());
    for (i, v) in a.iter().enumerate() {
        let t = &s(name, i + 1, v)?.text;
        texts.push(if fold {
            t.to_lowercase()
        } else {
            t.to_string()
        });
    }
    Ok(Value::bool(texts.windows(2).all(|w| ok(w[0].cmp(&w[1])))))
}

fn string_eq(_: &mut Ctx, a: &[Value]) -> R {
    compare("string=?", a, false, |o| o.is_eq())
}
fn string_lt(_: &mut Ctx, a: &[Value]) -> R {
    compare("string<?", a, false, |o| o.is_lt())
}
fn string_gt(_: &mut Ctx, a: &[Value]) -> R {
    compare("string>?", a, false, |o| o.is_gt())
}
fn string_le(_: &mut Ctx, a: &[Value]) -> R {
    compare("string<=?", a, false, |o| o.is_le())
}
fn string_ge(_: &mut Ctx, a: &[Value]) -> R {
    compare("string>=?", a, false, |o| o.is_ge())
}
fn string_ci_eq(_: &mut Ctx, a: &[Value]) -> R {
    compare("string-ci=?", a, true, |o| o.is_eq())
}

fn string_to_list(_: &mut Ctx, a: &[Value]) -> R {
    let text = s("string->list", 1, &a[0])?;
    let (b, e) = char_range("string->list", text, a, 1)?;
    Ok(list_from(
        text.text[b..e].chars().map(Value::char).collect::<Vec<_>>(),
    ))
}

fn chars_of(name: &str, items: &[Value]) -> Result<String, Exception> {
    let mut out = String::new();
    for item in items {
        out.push(
            item.as_char()
                .ok_or_else(|| Exception::wrong_type(name, 1, "list of characters", item))?,
        );
    }
    Ok(out)
}

fn list_to_string(_: &mut Ctx, a: &[Value]) -> R {
    let items = args::list("list->string", 1, &a[0])?;
    Ok(string(chars_of("list->string", &items)?))
}

fn string_to_vector(_: &mut Ctx, a: &[Value]) -> R {
    let text = s("string->vector", 1, &a[0])?;
    Ok(super::vectors::make(
        text.text.chars().map(Value::char).collect(),
    ))
}

fn vector_to_string(_: &mut Ctx, a: &[Value]) -> R {
    match a[0].as_object() {
        Some(lisp_runtime::Object::Vector(items)) => {
            let items = items.read().clone();
            Ok(string(chars_of("vector->string", &items)?))
        }
        _ => Err(Exception::wrong_type("vector->string", 1, "vector", &a[0])),
    }
}

fn string_upcase(_: &mut Ctx, a: &[Value]) -> R {
    Ok(string(s("string-upcase", 1, &a[0])?.text.to_uppercase()))
}

fn string_downcase(_: &mut Ctx, a: &[Value]) -> R {
    Ok(string(s("string-downcase", 1, &a[0])?.text.to_lowercase()))
}

/// A separator argument: a string or a character.
fn separator(name: &str, pos: usize, v: &Value) -> Result<String, Exception> {
    match (v.as_str(), v.as_char()) {
        (Some(t), _) => Ok(t.to_string()),
        (_, Some(c)) => Ok(c.to_string()),
        _ => Err(Exception::wrong_type(name, pos, "string or character", v)),
    }
}

fn string_split(_: &mut Ctx, a: &[Value]) -> R {
    let text = &s("string-split", 1, &a[0])?.text;
    let sep = separator("string-split", 2, &a[1])?;
    let parts: Vec<Value> = if sep.is_empty() {
        text.chars().map(|c| string(c.to_string())).collect()
    } else {
        text.split(sep.as_str()).map(string).collect()
    };
    Ok(list_from(parts))
}

fn string_join(_: &mut Ctx, a: &[Value]) -> R {
    let items = args::list("string-join", 1, &a[0])?;
    let sep = match a.get(1) {
        Some(v) => separator("string-join", 2, v)?,
        None => " ".to_string(),
    };
    let mut parts = Vec::with_capacity(items.len());
    for item in &items {
        parts.push(
            item.as_str()
                .ok_or_else(|| Exception::wrong_type("string-join", 1, "list of strings", item))?,
        );
    }
    Ok(string(parts.join(&sep)))
}

fn string_trim(_: &mut Ctx, a: &[Value]) -> R {
    Ok(string(s("string-trim", 1, &a[0])?.text.trim()))
}
fn string_trim_left(_: &mut Ctx, a: &[Value]) -> R {
    Ok(string(s("string-trim-left", 1, &a[0])?.text.trim_start()))
}
fn string_trim_right(_: &mut Ctx, a: &[Value]) -> R {
    Ok(string(s("string-trim-right", 1, &a[0])?.text.trim_end()))
}

/// The character index of byte offset `b` in `text`.
fn char_index(text: &str, b: usize) -> i64 {
    text[..b].chars().count() as i64
}

fn string_contains(_: &mut Ctx, a: &[Value]) -> R {
    let text = &s("string-contains", 1, &a[0])?.text;
    let sub = &s("string-contains", 2, &a[1])?.text;
    Ok(text
        .find(&**sub)
        .map(|b| Value::int(char_index(text, b)))
        .unwrap_or(Value::FALSE))
}

fn char_matcher(ctx: &mut Ctx, name: &str, v: &Value, c: char) -> Result<bool, Exception> {
    match v.as_char() {
        Some(want) => Ok(want == c),
        None => Ok(ctx
            .apply(args::procedure(name, 2, v)?, &[Value::char(c)])?
            .is_true()),
    }
}

fn string_index(ctx: &mut Ctx, a: &[Value]) -> R {
    let text = s("string-index", 1, &a[0])?.text.clone();
    for (i, c) in text.chars().enumerate() {
        if char_matcher(ctx, "string-index", &a[1], c)? {
            return Ok(Value::int(i as i64));
        }
    }
    Ok(Value::FALSE)
}

fn string_count(ctx: &mut Ctx, a: &[Value]) -> R {
    let text = s("string-count", 1, &a[0])?.text.clone();
    let mut n = 0;
    for c in text.chars() {
        if char_matcher(ctx, "string-count", &a[1], c)? {
            n += 1;
        }
    }
    Ok(Value::int(n))
}

fn string_replace(_: &mut Ctx, a: &[Value]) -> R {
    let text = &s("string-replace", 1, &a[0])?.text;
    let old = &s("string-replace", 2, &a[1])?.text;
    let new = &s("string-replace", 3, &a[2])?.text;
    if old.is_empty() {
        return Ok(a[0].clone());
    }
    Ok(string(text.replace(&**old, new)))
}

fn string_prefix(_: &mut Ctx, a: &[Value]) -> R {
    let prefix = &s("string-prefix?", 1, &a[0])?.text;
    Ok(Value::bool(
        s("string-prefix?", 2, &a[1])?.text.starts_with(&**prefix),
    ))
}

fn string_suffix(_: &mut Ctx, a: &[Value]) -> R {
    let suffix = &s("string-suffix?", 1, &a[0])?.text;
    Ok(Value::bool(
        s("string-suffix?", 2, &a[1])?.text.ends_with(&**suffix),
    ))
}

fn string_null(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(s("string-null?", 1, &a[0])?.text.is_empty()))
}

fn string_reverse(_: &mut Ctx, a: &[Value]) -> R {
    Ok(string(
        s("string-reverse", 1, &a[0])?
            .text
            .chars()
            .rev()
            .collect::<String>(),
    ))
}

fn string_for_each(ctx: &mut Ctx, a: &[Value]) -> R {
    let f = args::procedure("string-for-each", 1, &a[0])?;
    let text = s("string-for-each", 2, &a[1])?.text.clone();
    for c in text.chars() {
        ctx.apply(f, &[Value::char(c)])?;
    }
    Ok(Value::VOID)
}

fn string_map(ctx: &mut Ctx, a: &[Value]) -> R {
    let f = args::procedure("string-map", 1, &a[0])?;
    let text = s("string-map", 2, &a[1])?.text.clone();
    let mut out = String::new();
    for c in text.chars() {
        let v = ctx.apply(f, &[Value::char(c)])?;
        out.push(v.as_char().ok_or_else(|| {
            Exception::wrong_type("string-map", 1, "procedure returning characters", &v)
        })?);
    }
    Ok(string(out))
}
