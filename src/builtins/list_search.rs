//! Builtins: searching lists — membership (`memq`/`memv`/`member`),
//! association lists (`assq`/`assv`/`assoc`), predicates over elements
//! (`find`, `any`, `every`, `count`, `list-index`) and deletion.
//!
//! Every search walks the list iteratively and raises the standard
//! `bad argument` error if it reaches the end of an improper list, so
//! `(memq 'x 5)` is an error rather than a silent `#f`.

use super::list_mapping::columns;
use super::{args, doc, Registry};
use lisp_runtime::equality::{equal, eqv, EqualKey};
use lisp_runtime::list::list_from;
use lisp_runtime::printer::write_string_truncated;
use lisp_runtime::{Arity, Ctx, Exception, Value};

type R = Result<Value, Exception>;

/// Registers the list-searching builtins.
pub fn register(r: &mut Registry) {
    r.category("Lists");
    r.def(
        "memq",
        Arity::exactly(2),
        memq,
        doc(
            "(memq obj list)",
            "The first tail of LIST whose car is eq? to OBJ, or #f.",
            "(memq 'b '(a b c))",
            "(b c)",
            "memv member assq",
        ),
    );
    r.def(
        "memv",
        Arity::exactly(2),
        memv,
        doc(
            "(memv obj list)",
            "The first tail of LIST whose car is eqv? to OBJ, or #f.",
            "(memv 2 '(1 2 3))",
            "(2 3)",
            "memq member",
        ),
    );
    r.def(
        "member",
        Arity::between(2, 3),
        member,
        doc(
            "(member obj list [compare])",
            "The first tail of LIST whose car is equal? to OBJ, or #f. \
             With COMPARE, the first whose car x makes (compare obj x) true.",
            "(list (member '(1) '((0) (1) (2))) (member 2.0 '(1 2 3) =))",
            "(((1) (2)) (2 3))",
            "memq memv find-tail",
        ),
    );
    r.def(
        "assq",
        Arity::exactly(2),
        assq,
        doc(
            "(assq key alist)",
            "The first pair of ALIST whose car is eq? to KEY, or #f.",
            "(assq 'b '((a 1) (b 2)))",
            "(b 2)",
            "assv assoc memq",
        ),
    );
    r.def(
        "assv",
        Arity::exactly(2),
        assv,
        doc(
            "(assv key alist)",
            "The first pair of ALIST whose car is eqv? to KEY, or #f.",
            "(assv 2 '((1 . one) (2 . two)))",
            "(2 . two)",
            "assq assoc",
        ),
    );
    r.def(
        "assoc",
        Arity::between(2, 3),
        assoc,
        doc(
            "(assoc key alist [compare])",
            "The first pair of ALIST whose car is equal? to KEY, or #f. \
             With COMPARE, the first whose car k makes (compare key k) true.",
            "(assoc \"b\" '((\"a\" . 1) (\"b\" . 2)))",
            "(\"b\" . 2)",
            "assq assv assoc-ref",
        ),
    );
    r.def(
        "assoc-ref",
        Arity::exactly(2),
        assoc_ref,
        doc(
            "(assoc-ref alist key)",
            "The cdr of the first pair of ALIST whose car is equal? to KEY, or #f.",
            "(assoc-ref '((a . 1) (b . 2)) 'b)",
            "2",
            "assoc",
        ),
    );
    r.def(
        "find",
        Arity::exactly(2),
        find,
        doc(
            "(find pred list)",
            "The first element of LIST satisfying PRED, or #f.",
            "(find even? '(1 4 5))",
            "4",
            "find-tail any list-index",
        ),
    );
    r.def(
        "find-tail",
        Arity::exactly(2),
        find_tail,
        doc(
            "(find-tail pred list)",
            "The first tail of LIST whose car satisfies PRED, or #f.",
            "(find-tail even? '(1 4 5))",
            "(4 5)",
            "find member",
        ),
    );
    r.def(
        "list-index",
        Arity::at_least(2),
        list_index,
        doc(
            "(list-index pred list ...)",
            "The index of the first element (or elements, one from each list) \
             satisfying PRED, or #f.",
            "(list-index even? '(1 3 4))",
            "2",
            "find",
        ),
    );
    r.def(
        "any",
        Arity::at_least(2),
        any,
        doc(
            "(any pred list ...)",
            "The first true value of PRED applied to the elements (one from each list, \
             stopping at the shortest), or #f.",
            "(any (lambda (x) (and (even? x) (* x 10))) '(1 2 3))",
            "20",
            "every find",
        ),
    );
    r.def(
        "every",
        Arity::at_least(2),
        every,
        doc(
            "(every pred list ...)",
            "#f if PRED is false for some element (one from each list), else PRED's \
             last value; #t when the lists are empty.",
            "(list (every odd? '(1 3)) (every odd? '(1 2)) (every odd? '()))",
            "(#t #f #t)",
            "any",
        ),
    );
    r.def(
        "count",
        Arity::at_least(2),
        count,
        doc(
            "(count pred list ...)",
            "How many elements (one from each list) satisfy PRED.",
            "(count odd? '(1 2 3))",
            "2",
            "filter",
        ),
    );
    r.def(
        "delete",
        Arity::between(2, 3),
        delete,
        doc(
            "(delete obj list [compare])",
            "A new list of the elements of LIST not equal? to OBJ \
             (with COMPARE, those x for which (compare obj x) is false).",
            "(delete 2 '(1 2 3 2))",
            "(1 3)",
            "remove delete-duplicates",
        ),
    );
    r.def(
        "delete-duplicates",
        Arity::between(1, 2),
        delete_duplicates,
        doc(
            "(delete-duplicates list [compare])",
            "LIST without the elements equal? (or COMPARE-equal) to an earlier one; \
             the first occurrences keep their order.",
            "(delete-duplicates '(1 2 1 3 2))",
            "(1 2 3)",
            "delete",
        ),
    );
}

/// Walks `list`, returning the first tail whose car makes `hit` true, or
/// `None` at the end. Reaching the end of an improper list is argument
/// `pos`'s wrong-type error.
fn search(
    name: &str,
    pos: usize,
    list: &Value,
    mut hit: impl FnMut(&Value) -> Result<bool, Exception>,
) -> Result<Option<Value>, Exception> {
    let mut cur = list.clone();
    while let Some(p) = cur.as_pair() {
        if hit(&p.car)? {
            return Ok(Some(cur.clone()));
        }
        let next = p.cdr.clone();
        cur = next;
    }
    if cur.is_nil() {
        Ok(None)
    } else {
        Err(Exception::wrong_type(name, pos, "list", list))
    }
}

fn or_false(found: Option<Value>) -> Value {
    found.unwrap_or(Value::FALSE)
}

fn memq(_: &mut Ctx, a: &[Value]) -> R {
    search("memq", 2, &a[1], |x| Ok(x.is(&a[0]))).map(or_false)
}

fn memv(_: &mut Ctx, a: &[Value]) -> R {
    search("memv", 2, &a[1], |x| Ok(eqv(&a[0], x))).map(or_false)
}

fn member(ctx: &mut Ctx, a: &[Value]) -> R {
    let found = match a.get(2) {
        None => search("member", 2, &a[1], |x| Ok(equal(&a[0], x)))?,
        Some(compare) => {
            let compare = args::procedure("member", 3, compare)?;
            search("member", 2, &a[1], |x| {
                Ok(ctx.apply(compare, &[a[0].clone(), x.clone()])?.is_true())
            })?
        }
    };
    Ok(or_false(found))
}

/// The key of an association-list entry, which must be a pair.
fn entry_key<'a>(name: &str, entry: &'a Value) -> Result<&'a Value, Exception> {
    match entry.as_pair() {
        Some(p) => Ok(&p.car),
        None => Err(Exception::error(
            format!(
                "{name}: association list element is not a pair: {}",
                write_string_truncated(entry, 60)
            ),
            vec![],
        )),
    }
}

/// The first entry of `alist` (argument `pos` of `name`) whose key makes
/// `same` true.
fn assoc_by(
    name: &str,
    pos: usize,
    alist: &Value,
    mut same: impl FnMut(&Value) -> Result<bool, Exception>,
) -> Result<Option<Value>, Exception> {
    let tail = search(name, pos, alist, |entry| same(entry_key(name, entry)?))?;
    Ok(tail.and_then(|t| t.as_pair().map(|p| p.car.clone())))
}

fn assq(_: &mut Ctx, a: &[Value]) -> R {
    assoc_by("assq", 2, &a[1], |k| Ok(k.is(&a[0]))).map(or_false)
}

fn assv(_: &mut Ctx, a: &[Value]) -> R {
    assoc_by("assv", 2, &a[1], |k| Ok(eqv(&a[0], k))).map(or_false)
}

fn assoc(ctx: &mut Ctx, a: &[Value]) -> R {
    let found = match a.get(2) {
        None => assoc_by("assoc", 2, &a[1], |k| Ok(equal(&a[0], k)))?,
        Some(compare) => {
            let compare = args::procedure("assoc", 3, compare)?;
            assoc_by("assoc", 2, &a[1], |k| {
                Ok(ctx.apply(compare, &[a[0].clone(), k.clone()])?.is_true())
            })?
        }
    };
    Ok(or_false(found))
}

fn assoc_ref(_: &mut Ctx, a: &[Value]) -> R {
    // The alist comes first here (Guile's order), so its errors name #1.
    let entry = assoc_by("assoc-ref", 1, &a[0], |k| Ok(equal(&a[1], k)))?;
    Ok(entry
        .and_then(|e| e.as_pair().map(|p| p.cdr.clone()))
        .unwrap_or(Value::FALSE))
}

fn find(ctx: &mut Ctx, a: &[Value]) -> R {
    let f = args::procedure("find", 1, &a[0])?;
    let tail = search("find", 2, &a[1], |x| {
        Ok(ctx.apply(f, std::slice::from_ref(x))?.is_true())
    })?;
    Ok(tail
        .and_then(|t| t.as_pair().map(|p| p.car.clone()))
        .unwrap_or(Value::FALSE))
}

fn find_tail(ctx: &mut Ctx, a: &[Value]) -> R {
    let f = args::procedure("find-tail", 1, &a[0])?;
    search("find-tail", 2, &a[1], |x| {
        Ok(ctx.apply(f, std::slice::from_ref(x))?.is_true())
    })
    .map(or_false)
}

/// Calls `pred` on each row of the lists `a[1..]` (one element from each,
/// up to the shortest) until `stop` says so; returns the row index and
/// the value that stopped it.
fn scan_rows(
    ctx: &mut Ctx,
    name: &str,
    a: &[Value],
    mut stop: impl FnMut(&Value) -> bool,
) -> Result<(Option<usize>, Value), Exception> {
    let f = args::procedure(name, 1, &a[0])?;
    let (cols, n) = columns(name, 2, &a[1..])?;
    let mut last = Value::TRUE;
    for i in 0..n {
        let row: Vec<Value> = cols.iter().map(|c| c[i].clone()).collect();
        last = ctx.apply(f, &row)?;
        if stop(&last) {
            return Ok((Some(i), last));
        }
    }
    Ok((None, last))
}

fn list_index(ctx: &mut Ctx, a: &[Value]) -> R {
    let (index, _) = scan_rows(ctx, "list-index", a, Value::is_true)?;
    Ok(index.map_or(Value::FALSE, |i| Value::int(i as i64)))
}

fn any(ctx: &mut Ctx, a: &[Value]) -> R {
    match scan_rows(ctx, "any", a, Value::is_true)? {
        (Some(_), v) => Ok(v),
        (None, _) => Ok(Value::FALSE),
    }
}

fn every(ctx: &mut Ctx, a: &[Value]) -> R {
    match scan_rows(ctx, "every", a, Value::is_false)? {
        (Some(_), _) => Ok(Value::FALSE),
        (None, last) => Ok(last),
    }
}

fn count(ctx: &mut Ctx, a: &[Value]) -> R {
    let mut n: i64 = 0;
    scan_rows(ctx, "count", a, |v| {
        if v.is_true() {
            n += 1;
        }
        false
    })?;
    Ok(Value::int(n))
}

fn delete(ctx: &mut Ctx, a: &[Value]) -> R {
    let items = args::list("delete", 2, &a[1])?;
    let mut out = Vec::with_capacity(items.len());
    match a.get(2) {
        None => out.extend(items.into_iter().filter(|x| !equal(&a[0], x))),
        Some(compare) => {
            let compare = args::procedure("delete", 3, compare)?;
            for x in items {
                if ctx.apply(compare, &[a[0].clone(), x.clone()])?.is_false() {
                    out.push(x);
                }
            }
        }
    }
    Ok(list_from(out))
}

fn delete_duplicates(ctx: &mut Ctx, a: &[Value]) -> R {
    let items = args::list("delete-duplicates", 1, &a[0])?;
    let mut out: Vec<Value> = Vec::new();
    let Some(compare) = a.get(1) else {
        // equal? has a consistent hash, so the default case is linear.
        let mut seen = std::collections::HashSet::new();
        for item in items {
            if seen.insert(EqualKey(item.clone())) {
                out.push(item);
            }
        }
        return Ok(list_from(out));
    };
    // An arbitrary COMPARE has no hash: compare with every kept element.
    let compare = args::procedure("delete-duplicates", 2, compare)?;
    for item in items {
        let mut duplicate = false;
        for kept in &out {
            if ctx.apply(compare, &[kept.clone(), item.clone()])?.is_true() {
                duplicate = true;
                break;
            }
        }
        if !duplicate {
            out.push(item);
        }
    }
    Ok(list_from(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lisp_runtime::printer::write_string;

    fn v(text: &str) -> Value {
        crate::reader::read_all(text, 0).expect("datum")[0].to_value()
    }

    fn call(f: fn(&mut Ctx, &[Value]) -> R, args: &[&str]) -> String {
        let args: Vec<Value> = args.iter().map(|a| v(a)).collect();
        match f(&mut Ctx::new(Vec::new(), 0, std::sync::Arc::new(())), &args) {
            Ok(x) => write_string(&x),
            Err(e) => format!("error: {}", e.message()),
        }
    }

    #[test]
    fn membership_returns_the_tail_or_false() {
        assert_eq!(call(memq, &["c", "(a b c d)"]), "(c d)");
        assert_eq!(call(memq, &["z", "(a b)"]), "#f");
        assert_eq!(call(memv, &["2.0", "(1 2.0)"]), "(2.0)");
        assert_eq!(call(memv, &["2", "(1 2.0)"]), "#f");
        assert_eq!(call(member, &["(1)", "((0) (1) 2)"]), "((1) 2)");
    }

    #[test]
    fn searches_reject_improper_lists() {
        assert_eq!(
            call(memq, &["x", "5"]),
            "error: bad argument #2 to 'memq' (list expected, got 5)"
        );
        assert_eq!(
            call(member, &["x", "(a . b)"]),
            "error: bad argument #2 to 'member' (list expected, got (a . b))"
        );
        // A hit before the improper end is still found.
        assert_eq!(call(memq, &["a", "(a . b)"]), "(a . b)");
    }

    #[test]
    fn association_lists_need_pairs() {
        assert_eq!(call(assq, &["b", "((a . 1) (b . 2))"]), "(b . 2)");
        assert_eq!(call(assv, &["2", "((1 . a) (2 . b))"]), "(2 . b)");
        assert_eq!(call(assoc, &["\"k\"", "((\"k\" . v))"]), "(\"k\" . v)");
        assert_eq!(call(assoc_ref, &["((a . 1) (b . 2))", "b"]), "2");
        assert_eq!(call(assoc_ref, &["((a . 1))", "z"]), "#f");
        assert_eq!(
            call(assq, &["z", "((a . 1) 7)"]),
            "error: assq: association list element is not a pair: 7"
        );
        assert_eq!(
            call(assoc_ref, &["5", "a"]),
            "error: bad argument #1 to 'assoc-ref' (list expected, got 5)"
        );
    }

    #[test]
    fn deletion_keeps_first_occurrences_in_order() {
        assert_eq!(call(delete, &["2", "(1 2 3 2)"]), "(1 3)");
        assert_eq!(call(delete, &["(a)", "((a) b (a))"]), "(b)");
        assert_eq!(call(delete_duplicates, &["(b a b c a)"]), "(b a c)");
        assert_eq!(
            call(delete_duplicates, &["(1 1.0 \"x\" \"x\")"]),
            "(1 1.0 \"x\")"
        );
    }
}
