//! Builtins: symbols, keywords, booleans and equivalence.

use super::{args, doc, Registry};
use lisp_runtime::equality::{equal, eqv};
use lisp_runtime::list::string;
use lisp_runtime::{Arity, Ctx, Exception, Symbol, Value};

type R = Result<Value, Exception>;

/// Registers the symbol, keyword and equivalence builtins.
pub fn register(r: &mut Registry) {
    r.category("Symbols, keywords and equivalence");
    r.def(
        "symbol?",
        Arity::exactly(1),
        is_symbol,
        doc(
            "(symbol? obj)",
            "True if OBJ is a symbol.",
            "(symbol? 'a)",
            "#t",
            "keyword? string->symbol",
        ),
    );
    r.def(
        "keyword?",
        Arity::exactly(1),
        is_keyword,
        doc(
            "(keyword? obj)",
            "True if OBJ is a keyword such as :name.",
            "(keyword? :a)",
            "#t",
            "symbol? keyword->string",
        ),
    );
    r.def(
        "symbol->string",
        Arity::exactly(1),
        symbol_to_string,
        doc(
            "(symbol->string symbol)",
            "The name of SYMBOL as a string.",
            "(symbol->string 'abc)",
            "\"abc\"",
            "string->symbol",
        ),
    );
    r.def(
        "string->symbol",
        Arity::exactly(1),
        string_to_symbol,
        doc(
            "(string->symbol string)",
            "The symbol named STRING.",
            "(string->symbol \"abc\")",
            "abc",
            "symbol->string",
        ),
    );
    r.def(
        "keyword->string",
        Arity::exactly(1),
        keyword_to_string,
        doc(
            "(keyword->string keyword)",
            "The name of KEYWORD without its colon.",
            "(keyword->string :name)",
            "\"name\"",
            "string->keyword",
        ),
    );
    r.def(
        "string->keyword",
        Arity::exactly(1),
        string_to_keyword,
        doc(
            "(string->keyword string)",
            "The keyword named STRING.",
            "(string->keyword \"name\")",
            ":name",
            "keyword->string",
        ),
    );
    r.def(
        "symbol=?",
        Arity::at_least(1),
        symbol_eq,
        doc(
            "(symbol=? s1 s2 ...)",
            "True if all arguments are the same symbol.",
            "(symbol=? 'a 'a)",
            "#t",
            "eq?",
        ),
    );
    r.def(
        "gensym",
        Arity::between(0, 1),
        gensym,
        doc(
            "(gensym [prefix])",
            "A fresh symbol, distinct from every symbol read or made before (for macros).",
            "(symbol? (gensym))",
            "#t",
            "defmacro",
        ),
    );
    r.alias("generate-uninterned-symbol", "gensym");
    r.def(
        "not",
        Arity::exactly(1),
        not,
        doc(
            "(not obj)",
            "#t if OBJ is #f, otherwise #f.",
            "(not 3)",
            "#f",
            "boolean?",
        ),
    );
    r.def(
        "boolean?",
        Arity::exactly(1),
        is_boolean,
        doc(
            "(boolean? obj)",
            "True if OBJ is #t or #f.",
            "(boolean? #f)",
            "#t",
            "not",
        ),
    );
    r.def(
        "boolean=?",
        Arity::at_least(1),
        boolean_eq,
        doc(
            "(boolean=? b1 b2 ...)",
            "True if all arguments are the same boolean.",
            "(boolean=? #t #t)",
            "#t",
            "eq?",
        ),
    );
    r.def(
        "eq?",
        Arity::exactly(2),
        is_eq,
        doc(
            "(eq? a b)",
            "Identity: the same object, symbol, small integer, character or boolean.",
            "(eq? 'a 'a)",
            "#t",
            "eqv? equal?",
        ),
    );
    r.def(
        "eqv?",
        Arity::exactly(2),
        is_eqv,
        doc(
            "(eqv? a b)",
            "Like eq?, but numbers and characters compare by value (and exactness).",
            "(eqv? 2.0 2.0)",
            "#t",
            "eq? equal?",
        ),
    );
    r.def(
        "equal?",
        Arity::exactly(2),
        is_equal,
        doc(
            "(equal? a b)",
            "Structural equality: lists, vectors, strings and maps compare by contents.",
            "(equal? '(1 (2)) '(1 (2)))",
            "#t",
            "eqv? eq?",
        ),
    );
    r.def(
        "procedure?",
        Arity::exactly(1),
        is_procedure,
        doc(
            "(procedure? obj)",
            "True if OBJ can be called.",
            "(procedure? car)",
            "#t",
            "apply",
        ),
    );
    r.def(
        "void",
        Arity::at_least(0),
        void,
        doc(
            "(void arg ...)",
            "Ignores its arguments and returns the unspecified value.",
            "(void 1 2)",
            "#<void>",
            "",
        ),
    );
    r.def(
        "eof-object",
        Arity::exactly(0),
        eof_object,
        doc(
            "(eof-object)",
            "The end-of-file object.",
            "(eof-object? (eof-object))",
            "#t",
            "eof-object?",
        ),
    );
    r.def(
        "eof-object?",
        Arity::exactly(1),
        is_eof,
        doc(
            "(eof-object? obj)",
            "True if OBJ is the end-of-file object.",
            "(eof-object? 1)",
            "#f",
            "eof-object read-line channel-recv",
        ),
    );
}

fn is_symbol(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(a[0].as_symbol().is_some()))
}
fn is_keyword(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(a[0].as_keyword().is_some()))
}
fn symbol_to_string(_: &mut Ctx, a: &[Value]) -> R {
    Ok(string(&*args::symbol("symbol->string", 1, &a[0])?.name()))
}
fn string_to_symbol(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::symbol(Symbol::intern(args::str(
        "string->symbol",
        1,
        &a[0],
    )?)))
}
fn keyword_to_string(_: &mut Ctx, a: &[Value]) -> R {
    let k = a[0]
        .as_keyword()
        .ok_or_else(|| Exception::wrong_type("keyword->string", 1, "keyword", &a[0]))?;
    Ok(string(&*k.name()))
}
fn string_to_keyword(_: &mut Ctx, a: &[Value]) -> R {
    let s = args::str("string->keyword", 1, &a[0])?;
    Ok(Value::keyword(Symbol::intern(s.trim_start_matches(':'))))
}
fn symbol_eq(_: &mut Ctx, a: &[Value]) -> R {
    for (i, v) in a.iter().enumerate() {
        args::symbol("symbol=?", i + 1, v)?;
    }
    Ok(Value::bool(a.windows(2).all(|w| w[0].is(&w[1]))))
}
fn gensym(_: &mut Ctx, a: &[Value]) -> R {
    let prefix = match a.first() {
        Some(v) => match (v.as_str(), v.as_symbol()) {
            (Some(s), _) => s.to_string(),
            (_, Some(s)) => s.name().to_string(),
            _ => return Err(Exception::wrong_type("gensym", 1, "string or symbol", v)),
        },
        None => "g".to_string(),
    };
    Ok(Value::symbol(Symbol::gensym(&prefix)))
}
fn not(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(a[0].is_false()))
}
fn is_boolean(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(a[0].is_bool()))
}
fn boolean_eq(_: &mut Ctx, a: &[Value]) -> R {
    for (i, v) in a.iter().enumerate() {
        if !v.is_bool() {
            return Err(Exception::wrong_type("boolean=?", i + 1, "boolean", v));
        }
    }
    Ok(Value::bool(a.windows(2).all(|w| w[0].is(&w[1]))))
}
fn is_eq(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(a[0].is(&a[1])))
}
fn is_eqv(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(eqv(&a[0], &a[1])))
}
fn is_equal(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(equal(&a[0], &a[1])))
}
fn is_procedure(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(args::is_procedure(&a[0])))
}
fn void(_: &mut Ctx, _: &[Value]) -> R {
    Ok(Value::VOID)
}
fn eof_object(_: &mut Ctx, _: &[Value]) -> R {
    Ok(Value::EOF)
}
fn is_eof(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(a[0].is_eof()))
}
