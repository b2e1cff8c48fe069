//! Builtins: pairs and the shape of lists — construction, access by
//! position, length, append, reverse, take/drop, and integer sequences.
//! Searching is in `list_search.rs`, higher-order procedures in
//! `list_mapping.rs`, `sort` in `sort.rs` and the `c[ad]+r` compositions in
//! `cxr.rs`.
//!
//! Pairs are immutable, so a list can never be circular; every procedure
//! walks its list with a loop (never recursion) and builds results with
//! `list_from`, so 10^6-element lists are fine. A procedure given an
//! improper list where it needs a proper one raises the standard
//! `bad argument` error naming itself and the value.

use super::{args, doc, Registry};
use lisp_runtime::list::{cons, list_from, list_with_tail};
use lisp_runtime::object::Pair;
use lisp_runtime::printer::write_string_truncated;
use lisp_runtime::{Arity, Ctx, Exception, Value};

type R = Result<Value, Exception>;

/// Registers the list-structure builtins.
pub fn register(r: &mut Registry) {
    r.category("Lists");
    r.constant(
        "nil",
        Value::NIL,
        doc("nil", "The empty list, ().", "nil", "()", "null? list"),
    );
    r.def(
        "cons",
        Arity::exactly(2),
        cons_,
        doc(
            "(cons a b)",
            "A new pair whose car is A and whose cdr is B.",
            "(cons 1 '(2 3))",
            "(1 2 3)",
            "car cdr list cons*",
        ),
    );
    r.def(
        "car",
        Arity::exactly(1),
        car,
        doc(
            "(car pair)",
            "The first element of PAIR.",
            "(car '(1 2 3))",
            "1",
            "cdr cons cadr",
        ),
    );
    r.def(
        "cdr",
        Arity::exactly(1),
        cdr,
        doc(
            "(cdr pair)",
            "Everything after the first element of PAIR. An error if PAIR is not a pair.",
            "(cdr '(1 2 3))",
            "(2 3)",
            "car cons cddr",
        ),
    );
    r.def(
        "list",
        Arity::at_least(0),
        list,
        doc(
            "(list obj ...)",
            "A new list of the arguments.",
            "(list 1 2 3)",
            "(1 2 3)",
            "cons vector make-list",
        ),
    );
    r.def(
        "cons*",
        Arity::at_least(1),
        cons_star,
        doc(
            "(cons* obj ... tail)",
            "Like list, but the last argument is the tail of the result. Also called list*.",
            "(cons* 1 2 '(3 4))",
            "(1 2 3 4)",
            "cons list",
        ),
    );
    r.alias("list*", "cons*");
    r.def(
        "make-list",
        Arity::between(1, 2),
        make_list,
        doc(
            "(make-list k [fill])",
            "A list of K elements, each FILL (default #f).",
            "(make-list 3 'x)",
            "(x x x)",
            "list iota",
        ),
    );
    r.def(
        "list?",
        Arity::exactly(1),
        is_list,
        doc(
            "(list? obj)",
            "True if OBJ is a proper list: the empty list, or pairs ending in it.",
            "(list (list? '(1 2)) (list? '(1 . 2)))",
            "(#t #f)",
            "pair? null?",
        ),
    );
    r.def(
        "pair?",
        Arity::exactly(1),
        is_pair,
        doc(
            "(pair? obj)",
            "True if OBJ is a pair (the empty list is not).",
            "(list (pair? '(1)) (pair? '()))",
            "(#t #f)",
            "list? null?",
        ),
    );
    r.def(
        "null?",
        Arity::exactly(1),
        is_null,
        doc(
            "(null? obj)",
            "True if OBJ is the empty list.",
            "(null? '())",
            "#t",
            "pair? nil",
        ),
    );
    r.def(
        "length",
        Arity::exactly(1),
        length,
        doc(
            "(length list)",
            "The number of elements of LIST; an error if LIST is not a proper list.",
            "(length '(a b c))",
            "3",
            "list-ref list?",
        ),
    );
    r.def(
        "append",
        Arity::at_least(0),
        append,
        doc(
            "(append list ... obj)",
            "A list of the elements of every LIST followed by OBJ, which may be any value \
             (it becomes the tail of the result and is not copied).",
            "(append '(1) '(2 3) '(4 . 5))",
            "(1 2 3 4 . 5)",
            "cons reverse append-map",
        ),
    );
    r.def(
        "reverse",
        Arity::exactly(1),
        reverse,
        doc(
            "(reverse list)",
            "A new list with the elements of LIST in reverse order.",
            "(reverse '(1 2 3))",
            "(3 2 1)",
            "append",
        ),
    );
    r.def(
        "list-ref",
        Arity::exactly(2),
        list_ref,
        doc(
            "(list-ref list k)",
            "The element of LIST at index K (from 0); an error if LIST is shorter.",
            "(list-ref '(a b c) 1)",
            "b",
            "list-tail length vector-ref",
        ),
    );
    r.def(
        "list-tail",
        Arity::exactly(2),
        list_tail,
        doc(
            "(list-tail list k)",
            "LIST without its first K elements (shared, not copied).",
            "(list-tail '(a b c) 1)",
            "(b c)",
            "drop list-ref",
        ),
    );
    r.def(
        "list-copy",
        Arity::exactly(1),
        list_copy,
        doc(
            "(list-copy obj)",
            "A fresh copy of the pairs of OBJ's spine, keeping an improper tail; \
             any other OBJ is returned as is.",
            "(list-copy '(1 2 . 3))",
            "(1 2 . 3)",
            "append",
        ),
    );
    r.def(
        "last",
        Arity::exactly(1),
        last,
        doc(
            "(last list)",
            "The last element of a non-empty LIST.",
            "(last '(1 2 3))",
            "3",
            "last-pair car",
        ),
    );
    r.def(
        "last-pair",
        Arity::exactly(1),
        last_pair,
        doc(
            "(last-pair list)",
            "The last pair of a non-empty LIST.",
            "(last-pair '(1 2 . 3))",
            "(2 . 3)",
            "last",
        ),
    );
    r.def(
        "take",
        Arity::exactly(2),
        take,
        doc(
            "(take list n)",
            "A new list of the first N elements of LIST; an error if LIST is shorter.",
            "(take '(a b c d) 2)",
            "(a b)",
            "drop list-tail",
        ),
    );
    r.def(
        "drop",
        Arity::exactly(2),
        drop,
        doc(
            "(drop list n)",
            "LIST without its first N elements (shared, not copied); an error if LIST is shorter.",
            "(drop '(a b c d) 2)",
            "(c d)",
            "take list-tail",
        ),
    );
    r.def(
        "range",
        Arity::between(1, 3),
        range,
        doc(
            "(range start end [step])",
            "The integers from START up to but excluding END, by STEP (default 1). \
             A negative STEP counts down (to just above END); a zero STEP is an error. \
             (range end) is (range 0 end).",
            "(list (range 0 10 3) (range 3 0 -1))",
            "((0 3 6 9) (3 2 1))",
            "iota",
        ),
    );
    r.def(
        "iota",
        Arity::between(1, 3),
        iota,
        doc(
            "(iota count [start step])",
            "A list of COUNT numbers from START (default 0) by STEP (default 1), \
             as in SRFI 1; START and STEP may be any numbers.",
            "(iota 4 1 2)",
            "(1 3 5 7)",
            "range make-list",
        ),
    );
}

/// The pair `v` is, or the standard wrong-type error for argument `pos`.
pub(super) fn pair<'a>(name: &str, pos: usize, v: &'a Value) -> Result<&'a Pair, Exception> {
    v.as_pair()
        .ok_or_else(|| Exception::wrong_type(name, pos, "pair", v))
}

/// The error of positional access past the end of a list:
/// `list-ref: index 3 out of range for (a b c)`, or for the procedures
/// whose argument is a count, `take: (a b) has fewer than 3 elements`.
fn index_error(name: &str, k: usize, list: &Value) -> Exception {
    let list = write_string_truncated(list, 40);
    let message = match name {
        "take" | "drop" => format!("{name}: {list} has fewer than {k} elements"),
        _ => format!("{name}: index {k} out of range for {list}"),
    };
    Exception::error(message, vec![])
}

/// A catchable error if a list of `count` new pairs cannot fit in memory.
fn ensure_room(name: &str, count: usize) -> Result<(), Exception> {
    super::memory::ensure_room(name, "list", count, super::memory::LIST_PAIR)
}

fn cons_(_: &mut Ctx, a: &[Value]) -> R {
    Ok(cons(a[0].clone(), a[1].clone()))
}

fn car(_: &mut Ctx, a: &[Value]) -> R {
    Ok(pair("car", 1, &a[0])?.car.clone())
}

fn cdr(_: &mut Ctx, a: &[Value]) -> R {
    Ok(pair("cdr", 1, &a[0])?.cdr.clone())
}

fn list(_: &mut Ctx, a: &[Value]) -> R {
    Ok(list_from(a.iter().cloned()))
}

fn cons_star(_: &mut Ctx, a: &[Value]) -> R {
    let Some((tail, init)) = a.split_last() else {
        return Err(Exception::arity("cons*", "at least 1", 0));
    };
    Ok(list_with_tail(init.to_vec(), tail.clone()))
}

fn make_list(_: &mut Ctx, a: &[Value]) -> R {
    let k = args::index("make-list", 1, &a[0])?;
    let fill = a.get(1).cloned().unwrap_or(Value::FALSE);
    ensure_room("make-list", k)?;
    let mut out = Value::NIL;
    for _ in 0..k {
        out = cons(fill.clone(), out);
    }
    Ok(out)
}

/// The value after the last pair of `v` and the number of pairs walked.
fn spine_end(v: &Value) -> (Value, usize) {
    let mut n = 0;
    let mut cur = v.clone();
    while let Some(p) = cur.as_pair() {
        n += 1;
        let next = p.cdr.clone();
        cur = next;
    }
    (cur, n)
}

fn is_list(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(spine_end(&a[0]).0.is_nil()))
}

fn is_pair(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(a[0].is_pair()))
}

fn is_null(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(a[0].is_nil()))
}

fn length(_: &mut Ctx, a: &[Value]) -> R {
    let (end, n) = spine_end(&a[0]);
    if !end.is_nil() {
        return Err(Exception::wrong_type("length", 1, "proper list", &a[0]));
    }
    Ok(Value::int(n as i64))
}

fn append(_: &mut Ctx, a: &[Value]) -> R {
    let Some((last, init)) = a.split_last() else {
        return Ok(Value::NIL);
    };
    let mut items = Vec::new();
    for (i, l) in init.iter().enumerate() {
        items.extend(args::list("append", i + 1, l)?);
    }
    Ok(list_with_tail(items, last.clone()))
}

fn reverse(_: &mut Ctx, a: &[Value]) -> R {
    let mut out = Value::NIL;
    for item in args::list("reverse", 1, &a[0])? {
        out = cons(item, out);
    }
    Ok(out)
}

/// The tail of `list` after `k` pairs, or the index error of `name`.
fn tail_after(name: &str, list: &Value, k: usize) -> R {
    let mut cur = list.clone();
    for _ in 0..k {
        let next = match cur.as_pair() {
            Some(p) => p.cdr.clone(),
            None => return Err(index_error(name, k, list)),
        };
        cur = next;
    }
    Ok(cur)
}

fn list_ref(_: &mut Ctx, a: &[Value]) -> R {
    let k = args::index("list-ref", 2, &a[1])?;
    let tail = tail_after("list-ref", &a[0], k)?;
    match tail.as_pair() {
        Some(p) => Ok(p.car.clone()),
        None => Err(index_error("list-ref", k, &a[0])),
    }
}

fn list_tail(_: &mut Ctx, a: &[Value]) -> R {
    let k = args::index("list-tail", 2, &a[1])?;
    tail_after("list-tail", &a[0], k)
}

fn list_copy(_: &mut Ctx, a: &[Value]) -> R {
    let mut items = Vec::new();
    let mut cur = a[0].clone();
    while let Some(p) = cur.as_pair() {
        items.push(p.car.clone());
        let next = p.cdr.clone();
        cur = next;
    }
    Ok(list_with_tail(items, cur))
}

fn last_pair_of(name: &str, list: &Value) -> R {
    pair(name, 1, list)?;
    let mut cur = list.clone();
    loop {
        let next = match cur.as_pair() {
            Some(p) if p.cdr.is_pair() => p.cdr.clone(),
            _ => return Ok(cur),
        };
        cur = next;
    }
}

fn last_pair(_: &mut Ctx, a: &[Value]) -> R {
    last_pair_of("last-pair", &a[0])
}

fn last(_: &mut Ctx, a: &[Value]) -> R {
    let p = last_pair_of("last", &a[0])?;
    Ok(pair("last", 1, &p)?.car.clone())
}

fn take(_: &mut Ctx, a: &[Value]) -> R {
    let k = args::index("take", 2, &a[1])?;
    // The count is user data: grow as the list is walked instead of
    // reserving `k` slots up front.
    let mut out = Vec::new();
    let mut cur = a[0].clone();
    for _ in 0..k {
        let p = cur.as_pair().ok_or_else(|| index_error("take", k, &a[0]))?;
        out.push(p.car.clone());
        let next = p.cdr.clone();
        cur = next;
    }
    Ok(list_from(out))
}

fn drop(_: &mut Ctx, a: &[Value]) -> R {
    let k = args::index("drop", 2, &a[1])?;
    tail_after("drop", &a[0], k)
}

fn range(_: &mut Ctx, a: &[Value]) -> R {
    let (start, end) = match a {
        [end] => (0, args::int("range", 1, end)?),
        [start, end, ..] => (args::int("range", 1, start)?, args::int("range", 2, end)?),
        [] => return Err(Exception::arity("range", "1 to 3", 0)),
    };
    let step = match a.get(2) {
        Some(s) => args::int("range", 3, s)?,
        None => 1,
    };
    if step == 0 {
        return Err(Exception::error(
            "range: step must not be 0",
            vec![a[2].clone()],
        ));
    }
    // The element count, in i128 because end - start can exceed i64.
    let span = (i128::from(end) - i128::from(start)) * i128::from(step.signum());
    let step_size = i128::from(step).abs();
    let count = if span <= 0 {
        0
    } else {
        (span + step_size - 1) / step_size
    };
    ensure_room("range", usize::try_from(count).unwrap_or(usize::MAX))?;
    // Fixnums are 63-bit, so `i + step` cannot overflow an i64 while `i`
    // is still inside the range.
    let mut out = Vec::new();
    let mut i = start;
    while (step > 0 && i < end) || (step < 0 && i > end) {
        out.push(Value::int(i));
        i += step;
    }
    Ok(list_from(out))
}

fn iota(_: &mut Ctx, a: &[Value]) -> R {
    let count = args::index("iota", 1, &a[0])?;
    let start = a.get(1).cloned().unwrap_or(Value::fixnum(0));
    let step = a.get(2).cloned().unwrap_or(Value::fixnum(1));
    ensure_room("iota", count)?;
    // Computed as start + i*step (not by repeated addition) so float steps
    // do not accumulate rounding error, as SRFI 1 recommends.
    // The first element is START itself, even when STEP is a float.
    let mut out = Vec::new();
    if count > 0 {
        out.push(start.clone());
    }
    for i in 1..count {
        let offset = lisp_runtime::number::mul(&Value::int(i as i64), &step)?;
        out.push(lisp_runtime::number::add(&start, &offset)?);
    }
    Ok(list_from(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lisp_runtime::printer::write_string;

    fn ctx() -> Ctx {
        Ctx::new(Vec::new(), 0, std::sync::Arc::new(()))
    }

    /// The value of the datum written as `text`.
    fn v(text: &str) -> Value {
        crate::reader::read_all(text, 0).expect("datum")[0].to_value()
    }

    fn call(f: fn(&mut Ctx, &[Value]) -> R, args: &[&str]) -> String {
        let args: Vec<Value> = args.iter().map(|a| v(a)).collect();
        match f(&mut ctx(), &args) {
            Ok(x) => write_string(&x),
            Err(e) => format!("error: {}", e.message()),
        }
    }

    #[test]
    fn pairs_and_predicates() {
        assert_eq!(call(cons_, &["1", "(2)"]), "(1 2)");
        assert_eq!(call(cons_, &["1", "2"]), "(1 . 2)");
        assert_eq!(call(car, &["(a b)"]), "a");
        assert_eq!(call(cdr, &["(a b)"]), "(b)");
        assert_eq!(
            call(car, &["()"]),
            "error: bad argument #1 to 'car' (pair expected, got ())"
        );
        assert_eq!(call(is_list, &["(1 2)"]), "#t");
        assert_eq!(call(is_list, &["(1 . 2)"]), "#f");
        assert_eq!(call(is_list, &["()"]), "#t");
        assert_eq!(call(is_pair, &["()"]), "#f");
        assert_eq!(call(is_null, &["()"]), "#t");
        assert_eq!(call(cons_star, &["1", "2", "(3)"]), "(1 2 3)");
        assert_eq!(call(cons_star, &["1"]), "1");
        assert_eq!(call(make_list, &["2", "x"]), "(x x)");
        assert_eq!(call(make_list, &["1"]), "(#f)");
    }

    #[test]
    fn length_rejects_improper_lists() {
        assert_eq!(call(length, &["(1 2 3)"]), "3");
        assert_eq!(call(length, &["()"]), "0");
        assert_eq!(
            call(length, &["(1 . 2)"]),
            "error: bad argument #1 to 'length' (proper list expected, got (1 . 2))"
        );
    }

    #[test]
    fn append_keeps_any_last_argument() {
        assert_eq!(call(append, &[]), "()");
        assert_eq!(call(append, &["(1)", "(2)", "()", "(3 4)"]), "(1 2 3 4)");
        assert_eq!(call(append, &["(1)", "2"]), "(1 . 2)");
        assert_eq!(call(append, &["5"]), "5");
        assert_eq!(
            call(append, &["(1)", "x", "()"]),
            "error: bad argument #2 to 'append' (list expected, got x)"
        );
        assert_eq!(call(reverse, &["(1 2 3)"]), "(3 2 1)");
    }

    #[test]
    fn positional_access_reports_the_index() {
        assert_eq!(call(list_ref, &["(a b c)", "2"]), "c");
        assert_eq!(
            call(list_ref, &["(a b c)", "3"]),
            "error: list-ref: index 3 out of range for (a b c)"
        );
        assert_eq!(
            call(list_ref, &["(a)", "-1"]),
            "error: bad argument #2 to 'list-ref' (non-negative integer expected, got -1)"
        );
        assert_eq!(call(list_tail, &["(a b c)", "3"]), "()");
        assert_eq!(call(take, &["(a b c)", "2"]), "(a b)");
        assert_eq!(
            call(take, &["(a)", "2"]),
            "error: take: (a) has fewer than 2 elements"
        );
        assert_eq!(call(drop, &["(a b c)", "1"]), "(b c)");
        assert_eq!(call(last, &["(1 2 3)"]), "3");
        assert_eq!(call(last_pair, &["(1 2 . 3)"]), "(2 . 3)");
        assert_eq!(
            call(last, &["()"]),
            "error: bad argument #1 to 'last' (pair expected, got ())"
        );
    }

    #[test]
    fn list_copy_makes_fresh_pairs() {
        let original = v("(1 2 . 3)");
        let copy = list_copy(&mut ctx(), std::slice::from_ref(&original)).expect("copy");
        assert_eq!(write_string(&copy), "(1 2 . 3)");
        assert!(!copy.is(&original));
        assert_eq!(call(list_copy, &["7"]), "7");
    }

    #[test]
    fn range_counts_both_ways_and_rejects_zero_step() {
        assert_eq!(call(range, &["0", "5"]), "(0 1 2 3 4)");
        assert_eq!(call(range, &["3"]), "(0 1 2)");
        assert_eq!(call(range, &["10", "0", "-3"]), "(10 7 4 1)");
        assert_eq!(call(range, &["5", "0"]), "()");
        assert_eq!(
            call(range, &["0", "5", "0"]),
            "error: range: step must not be 0 0"
        );
        assert_eq!(call(iota, &["3"]), "(0 1 2)");
        assert_eq!(call(iota, &["3", "1", "0.5"]), "(1 1.5 2.0)");
    }

    #[test]
    fn impossible_sizes_are_errors_not_aborts() {
        let huge = "4000000000000000000";
        assert_eq!(
            call(make_list, &[huge]),
            format!("error: make-list: cannot allocate a list of {huge} elements")
        );
        assert_eq!(
            call(iota, &[huge]),
            format!("error: iota: cannot allocate a list of {huge} elements")
        );
        assert_eq!(
            call(range, &["-4611686018427387904", "4611686018427387903"]),
            "error: range: cannot allocate a list of 9223372036854775807 elements"
        );
        assert_eq!(call(range, &["0", "10", "4"]), "(0 4 8)");
        assert_eq!(call(range, &["10", "0", "-4"]), "(10 6 2)");
    }

    #[test]
    fn long_lists_do_not_recurse() {
        let big = list_from((0..1_000_000).map(Value::int).collect::<Vec<_>>());
        let c = &mut ctx();
        let n = length(c, std::slice::from_ref(&big)).expect("length");
        assert_eq!(n.as_fixnum(), Some(1_000_000));
        let rev = reverse(c, std::slice::from_ref(&big)).expect("reverse");
        assert_eq!(
            rev.as_pair().map(|p| p.car.as_fixnum()),
            Some(Some(999_999))
        );
        let copy = list_copy(c, std::slice::from_ref(&big)).expect("copy");
        assert!(lisp_runtime::equality::equal(&copy, &big));
    }
}
