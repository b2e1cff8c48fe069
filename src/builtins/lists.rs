//! Builtins: pairs and lists. Pairs are immutable. Every procedure walks
//! lists iteratively, so 10^6-element lists are fine; higher-order ones
//! call back into Lisp with `ctx.apply` and propagate its errors.

use super::{args, doc, Registry};
use lisp_runtime::equality::{equal, eqv};
use lisp_runtime::list::{cons, list_from, list_to_vec, list_with_tail};
use lisp_runtime::{Arity, Ctx, Exception, Object, Value};

type R = Result<Value, Exception>;

/// Registers the list builtins.
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
            "car cdr list",
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
            "cdr cons",
        ),
    );
    r.def(
        "cdr",
        Arity::exactly(1),
        cdr,
        doc(
            "(cdr pair)",
            "Everything after the first element of PAIR.",
            "(cdr '(1 2 3))",
            "(2 3)",
            "car cons",
        ),
    );
    register_cxr(r);
    r.def(
        "list",
        Arity::at_least(0),
        list,
        doc(
            "(list obj ...)",
            "A new list of the arguments.",
            "(list 1 2 3)",
            "(1 2 3)",
            "cons vector",
        ),
    );
    r.def(
        "list?",
        Arity::exactly(1),
        is_list,
        doc(
            "(list? obj)",
            "True if OBJ is a proper list (ending in the empty list).",
            "(list? '(1 2))",
            "#t",
            "pair? null?",
        ),
    );
    r.def(
        "pair?",
        Arity::exactly(1),
        is_pair,
        doc(
            "(pair? obj)",
            "True if OBJ is a pair.",
            "(pair? '())",
            "#f",
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
            "pair?",
        ),
    );
    r.def(
        "length",
        Arity::exactly(1),
        length,
        doc(
            "(length list)",
            "The number of elements of LIST.",
            "(length '(a b c))",
            "3",
            "list-ref",
        ),
    );
    r.def(
        "append",
        Arity::at_least(0),
        append,
        doc(
            "(append list ... obj)",
            "A list of the elements of every LIST followed by OBJ (which may be any value).",
            "(append '(1) '(2 3) '(4))",
            "(1 2 3 4)",
            "cons reverse",
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
            "The element of LIST at index K (from 0).",
            "(list-ref '(a b c) 1)",
            "b",
            "list-tail length",
        ),
    );
    r.def(
        "list-tail",
        Arity::exactly(2),
        list_tail,
        doc(
            "(list-tail list k)",
            "LIST without its first K elements.",
            "(list-tail '(a b c) 1)",
            "(b c)",
            "drop list-ref",
        ),
    );
    r.def(
        "memq",
        Arity::exactly(2),
        memq,
        doc(
            "(memq obj list)",
            "The first tail of LIST whose car is eq? to OBJ, or #f.",
            "(memq 'b '(a b c))",
            "(b c)",
            "memv member",
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
            "The first tail of LIST whose car is equal? (or satisfies COMPARE) to OBJ, or #f.",
            "(member '(1) '((0) (1) (2)))",
            "((1) (2))",
            "memq memv",
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
            "assv assoc",
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
            "The first pair of ALIST whose car is equal? (or satisfies COMPARE) to KEY, or #f.",
            "(assoc \"b\" '((\"a\" . 1) (\"b\" . 2)))",
            "(\"b\" . 2)",
            "assq assv",
        ),
    );
    r.def("map", Arity::at_least(2), map, doc("(map proc list1 list2 ...)", "A list of the results of applying PROC to the elements of the lists in turn, stopping at the shortest.", "(map + '(1 2) '(10 20))", "(11 22)", "for-each filter vector-map"));
    r.def(
        "for-each",
        Arity::at_least(2),
        for_each,
        doc(
            "(for-each proc list1 list2 ...)",
            "Applies PROC to the elements of the lists in order, for its effects.",
            "(for-each display '())",
            "#<void>",
            "map",
        ),
    );
    r.def(
        "filter",
        Arity::exactly(2),
        filter,
        doc(
            "(filter pred list)",
            "The elements of LIST that satisfy PRED, in order.",
            "(filter odd? '(1 2 3 4 5))",
            "(1 3 5)",
            "remove reduce",
        ),
    );
    r.def(
        "remove",
        Arity::exactly(2),
        remove,
        doc(
            "(remove pred list)",
            "The elements of LIST that do not satisfy PRED.",
            "(remove odd? '(1 2 3 4))",
            "(2 4)",
            "filter delete",
        ),
    );
    r.def(
        "partition",
        Arity::exactly(2),
        partition,
        doc(
            "(partition pred list)",
            "Two values: the elements satisfying PRED and the others.",
            "(call-with-values (lambda () (partition odd? '(1 2 3))) list)",
            "((1 3) (2))",
            "filter",
        ),
    );
    r.def("reduce", Arity::exactly(3), reduce, doc("(reduce f init list)", "Combines the elements of LIST with F, as (f elem acc) from the left, starting from the first element; INIT if LIST is empty.", "(reduce + 0 '(1 2 3 4))", "10", "fold-left fold-right"));
    r.def(
        "fold-left",
        Arity::at_least(3),
        fold_left,
        doc(
            "(fold-left f init list ...)",
            "Folds from the left, calling (f acc x ...).",
            "(fold-left cons '() '(1 2 3))",
            "(((() . 1) . 2) . 3)",
            "fold-right reduce",
        ),
    );
    r.alias("fold", "fold-left");
    r.def(
        "fold-right",
        Arity::at_least(3),
        fold_right,
        doc(
            "(fold-right f init list ...)",
            "Folds from the right, calling (f x ... acc).",
            "(fold-right cons '() '(1 2 3))",
            "(1 2 3)",
            "fold-left reduce",
        ),
    );
    r.def(
        "list-copy",
        Arity::exactly(1),
        list_copy,
        doc(
            "(list-copy list)",
            "A fresh copy of LIST's spine.",
            "(list-copy '(1 2))",
            "(1 2)",
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
            "car list-ref",
        ),
    );
    r.def(
        "last-pair",
        Arity::exactly(1),
        last_pair,
        doc(
            "(last-pair list)",
            "The last pair of a non-empty LIST.",
            "(last-pair '(1 2 3))",
            "(3)",
            "last",
        ),
    );
    r.def(
        "take",
        Arity::exactly(2),
        take,
        doc(
            "(take list n)",
            "The first N elements of LIST.",
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
            "LIST without its first N elements.",
            "(drop '(a b c d) 2)",
            "(c d)",
            "take",
        ),
    );
    r.def("range", Arity::between(1, 3), range, doc("(range [start] end [step])", "The integers from START (default 0) up to but excluding END, by STEP (default 1; may be negative).", "(range 0 10 3)", "(0 3 6 9)", "iota"));
    r.def(
        "iota",
        Arity::between(1, 3),
        iota,
        doc(
            "(iota count [start step])",
            "COUNT numbers from START (default 0) by STEP (default 1).",
            "(iota 4 1)",
            "(1 2 3 4)",
            "range",
        ),
    );
    r.def(
        "sort",
        Arity::exactly(2),
        sort,
        doc(
            "(sort sequence less?)",
            "A new list (or vector) of the elements of SEQUENCE ordered by LESS?; stable.",
            "(sort '(3 1 2) <)",
            "(1 2 3)",
            "sort!",
        ),
    );
    r.alias("list-sort", "sort");
    r.def(
        "list-index",
        Arity::exactly(2),
        list_index,
        doc(
            "(list-index pred list)",
            "The index of the first element satisfying PRED, or #f.",
            "(list-index even? '(1 3 4))",
            "2",
            "find",
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
            "find-tail any",
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
            "find",
        ),
    );
    r.def(
        "any",
        Arity::at_least(2),
        any,
        doc(
            "(any pred list ...)",
            "The first true value of PRED on the elements, or #f.",
            "(any odd? '(2 3))",
            "#t",
            "every",
        ),
    );
    r.def(
        "every",
        Arity::at_least(2),
        every,
        doc(
            "(every pred list ...)",
            "#f if PRED is false for some element, else its last value (#t for empty lists).",
            "(every odd? '(1 3))",
            "#t",
            "any",
        ),
    );
    r.def(
        "count",
        Arity::exactly(2),
        count,
        doc(
            "(count pred list)",
            "How many elements of LIST satisfy PRED.",
            "(count odd? '(1 2 3))",
            "2",
            "filter",
        ),
    );
    r.def(
        "delete",
        Arity::exactly(2),
        delete,
        doc(
            "(delete obj list)",
            "LIST without the elements equal? to OBJ.",
            "(delete 2 '(1 2 3 2))",
            "(1 3)",
            "remove",
        ),
    );
    r.def(
        "delete-duplicates",
        Arity::exactly(1),
        delete_duplicates,
        doc(
            "(delete-duplicates list)",
            "LIST with later equal? duplicates removed.",
            "(delete-duplicates '(1 2 1 3 2))",
            "(1 2 3)",
            "delete",
        ),
    );
    r.def(
        "append-map",
        Arity::exactly(2),
        append_map,
        doc(
            "(append-map proc list)",
            "The results of PROC (lists) on each element, appended.",
            "(append-map (lambda (x) (list x x)) '(1 2))",
            "(1 1 2 2)",
            "map append",
        ),
    );
    r.def(
        "filter-map",
        Arity::exactly(2),
        filter_map,
        doc(
            "(filter-map proc list)",
            "The true results of PROC on the elements of LIST.",
            "(filter-map (lambda (x) (and (odd? x) (* x x))) '(1 2 3))",
            "(1 9)",
            "map filter",
        ),
    );
    r.def(
        "cons*",
        Arity::at_least(1),
        cons_star,
        doc(
            "(cons* obj ... tail)",
            "Like list, but the last argument is the tail of the result.",
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
            "list",
        ),
    );
    r.def(
        "assoc-ref",
        Arity::exactly(2),
        assoc_ref,
        doc(
            "(assoc-ref alist key)",
            "The value for KEY in ALIST (compared with equal?), or #f.",
            "(assoc-ref '((a . 1)) 'a)",
            "1",
            "assoc",
        ),
    );
}

fn pair<'a>(
    name: &str,
    pos: usize,
    v: &'a Value,
) -> Result<&'a lisp_runtime::object::Pair, Exception> {
    v.as_pair()
        .ok_or_else(|| Exception::wrong_type(name, pos, "pair", v))
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

/// Applies a c[ad]+r path (read right to left) to `v`.
fn cxr(name: &str, path: &str, v: &Value) -> R {
    let mut cur = v.clone();
    for step in path.chars().rev() {
        let p = cur
            .as_pair()
            .ok_or_else(|| Exception::wrong_type(name, 1, "list of sufficient depth", v))?;
        let next = if step == 'a' {
            p.car.clone()
        } else {
            p.cdr.clone()
        };
        cur = next;
    }
    Ok(cur)
}

macro_rules! cxr_fns {
    ($($name:ident $path:literal),*) => {
        $(fn $name(_: &mut Ctx, a: &[Value]) -> R {
            cxr(concat!("c", $path, "r"), $path, &a[0])
        })*
        fn register_cxr(r: &mut Registry) {
            $(r.def(concat!("c", $path, "r"), Arity::exactly(1), $name, doc(
                concat!("(c", $path, "r pair)"),
                concat!("Composes car and cdr as the letters of its name say (read right to left): c", $path, "r."),
                concat!("(procedure? c", $path, "r)"),
                "#t",
                "car cdr",
            ));)*
        }
    };
}

cxr_fns!(caar "aa", cadr "ad", cdar "da", cddr "dd",
    caaar "aaa", caadr "aad", cadar "ada", caddr "add", cdaar "daa", cdadr "dad", cddar "dda", cdddr "ddd",
    caaaar "aaaa", caaadr "aaad", caadar "aada", caaddr "aadd", cadaar "adaa", cadadr "adad", caddar "adda", cadddr "addd",
    cdaaar "daaa", cdaadr "daad", cdadar "dada", cdaddr "dadd", cddaar "ddaa", cddadr "ddad", cdddar "ddda", cddddr "dddd");

fn list(_: &mut Ctx, a: &[Value]) -> R {
    Ok(list_from(a.to_vec()))
}

fn is_list(_: &mut Ctx, a: &[Value]) -> R {
    let mut cur = a[0].clone();
    while let Some(p) = cur.as_pair() {
        let next = p.cdr.clone();
        cur = next;
    }
    Ok(Value::bool(cur.is_nil()))
}

fn is_pair(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(a[0].is_pair()))
}

fn is_null(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(a[0].is_nil()))
}

fn length(_: &mut Ctx, a: &[Value]) -> R {
    let mut n = 0i64;
    let mut cur = a[0].clone();
    while let Some(p) = cur.as_pair() {
        n += 1;
        let next = p.cdr.clone();
        cur = next;
    }
    if !cur.is_nil() {
        return Err(Exception::wrong_type("length", 1, "proper list", &a[0]));
    }
    Ok(Value::int(n))
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

/// The tail of `v` after `k` pairs.
fn tail_after(name: &str, v: &Value, k: usize) -> R {
    let mut cur = v.clone();
    for _ in 0..k {
        let next = match cur.as_pair() {
            Some(p) => p.cdr.clone(),
            None => {
                return Err(Exception::error(
                    format!(
                        "{name}: index {k} out of range for {}",
                        lisp_runtime::printer::write_string_truncated(v, 40)
                    ),
                    vec![],
                ))
            }
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
        None => Err(Exception::error(
            format!(
                "list-ref: index {k} out of range for {}",
                lisp_runtime::printer::write_string_truncated(&a[0], 40)
            ),
            vec![],
        )),
    }
}

fn list_tail(_: &mut Ctx, a: &[Value]) -> R {
    let k = args::index("list-tail", 2, &a[1])?;
    tail_after("list-tail", &a[0], k)
}

fn mem_by(v: &Value, list: &Value, same: impl Fn(&Value, &Value) -> bool) -> R {
    let mut cur = list.clone();
    while let Some(p) = cur.as_pair() {
        if same(v, &p.car) {
            return Ok(cur.clone());
        }
        let next = p.cdr.clone();
        cur = next;
    }
    Ok(Value::FALSE)
}

fn memq(_: &mut Ctx, a: &[Value]) -> R {
    mem_by(&a[0], &a[1], |x, y| x.is(y))
}

fn memv(_: &mut Ctx, a: &[Value]) -> R {
    mem_by(&a[0], &a[1], eqv)
}

fn member(ctx: &mut Ctx, a: &[Value]) -> R {
    let Some(compare) = a.get(2) else {
        return mem_by(&a[0], &a[1], equal);
    };
    let mut cur = a[1].clone();
    while let Some(p) = cur.as_pair() {
        if ctx
            .apply(compare, &[a[0].clone(), p.car.clone()])?
            .is_true()
        {
            return Ok(cur.clone());
        }
        let next = p.cdr.clone();
        cur = next;
    }
    Ok(Value::FALSE)
}

fn ass_by(name: &str, key: &Value, alist: &Value, same: impl Fn(&Value, &Value) -> bool) -> R {
    let mut cur = alist.clone();
    while let Some(p) = cur.as_pair() {
        let entry = pair(name, 2, &p.car)?;
        if same(key, &entry.car) {
            return Ok(p.car.clone());
        }
        let next = p.cdr.clone();
        cur = next;
    }
    Ok(Value::FALSE)
}

fn assq(_: &mut Ctx, a: &[Value]) -> R {
    ass_by("assq", &a[0], &a[1], |x, y| x.is(y))
}

fn assv(_: &mut Ctx, a: &[Value]) -> R {
    ass_by("assv", &a[0], &a[1], eqv)
}

fn assoc(ctx: &mut Ctx, a: &[Value]) -> R {
    let Some(compare) = a.get(2) else {
        return ass_by("assoc", &a[0], &a[1], equal);
    };
    let mut cur = a[1].clone();
    while let Some(p) = cur.as_pair() {
        let entry = pair("assoc", 2, &p.car)?;
        if ctx
            .apply(compare, &[a[0].clone(), entry.car.clone()])?
            .is_true()
        {
            return Ok(p.car.clone());
        }
        let next = p.cdr.clone();
        cur = next;
    }
    Ok(Value::FALSE)
}

/// The lists of a multi-list procedure, as vectors, truncated to the
/// shortest.
fn lists(
    name: &str,
    first_pos: usize,
    ls: &[Value],
) -> Result<(Vec<Vec<Value>>, usize), Exception> {
    let mut out = Vec::with_capacity(ls.len());
    for (i, l) in ls.iter().enumerate() {
        out.push(args::list(name, first_pos + i, l)?);
    }
    let n = out.iter().map(Vec::len).min().unwrap_or(0);
    Ok((out, n))
}

fn map(ctx: &mut Ctx, a: &[Value]) -> R {
    let f = args::procedure("map", 1, &a[0])?;
    if a.len() == 2 {
        let items = args::list("map", 2, &a[1])?;
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            out.push(ctx.apply(f, &[item])?);
        }
        return Ok(list_from(out));
    }
    let (ls, n) = lists("map", 2, &a[1..])?;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let row: Vec<Value> = ls.iter().map(|l| l[i].clone()).collect();
        out.push(ctx.apply(f, &row)?);
    }
    Ok(list_from(out))
}

fn for_each(ctx: &mut Ctx, a: &[Value]) -> R {
    let f = args::procedure("for-each", 1, &a[0])?;
    let (ls, n) = lists("for-each", 2, &a[1..])?;
    for i in 0..n {
        let row: Vec<Value> = ls.iter().map(|l| l[i].clone()).collect();
        ctx.apply(f, &row)?;
    }
    Ok(Value::VOID)
}

fn select(ctx: &mut Ctx, name: &str, a: &[Value], keep: bool) -> R {
    let f = args::procedure(name, 1, &a[0])?;
    let mut out = Vec::new();
    for item in args::list(name, 2, &a[1])? {
        if ctx.apply(f, std::slice::from_ref(&item))?.is_true() == keep {
            out.push(item);
        }
    }
    Ok(list_from(out))
}

fn filter(ctx: &mut Ctx, a: &[Value]) -> R {
    select(ctx, "filter", a, true)
}

fn remove(ctx: &mut Ctx, a: &[Value]) -> R {
    select(ctx, "remove", a, false)
}

fn partition(ctx: &mut Ctx, a: &[Value]) -> R {
    let f = args::procedure("partition", 1, &a[0])?;
    let (mut yes, mut no) = (Vec::new(), Vec::new());
    for item in args::list("partition", 2, &a[1])? {
        if ctx.apply(f, std::slice::from_ref(&item))?.is_true() {
            yes.push(item);
        } else {
            no.push(item);
        }
    }
    Ok(Value::object(Object::Values(
        vec![list_from(yes), list_from(no)].into_boxed_slice(),
    )))
}

fn reduce(ctx: &mut Ctx, a: &[Value]) -> R {
    let f = args::procedure("reduce", 1, &a[0])?;
    let items = args::list("reduce", 3, &a[2])?;
    let mut it = items.into_iter();
    let Some(mut acc) = it.next() else {
        return Ok(a[1].clone());
    };
    for item in it {
        acc = ctx.apply(f, &[item, acc])?;
    }
    Ok(acc)
}

fn fold_left(ctx: &mut Ctx, a: &[Value]) -> R {
    let f = args::procedure("fold-left", 1, &a[0])?;
    let (ls, n) = lists("fold-left", 3, &a[2..])?;
    let mut acc = a[1].clone();
    for i in 0..n {
        let mut row = vec![acc];
        row.extend(ls.iter().map(|l| l[i].clone()));
        acc = ctx.apply(f, &row)?;
    }
    Ok(acc)
}

fn fold_right(ctx: &mut Ctx, a: &[Value]) -> R {
    let f = args::procedure("fold-right", 1, &a[0])?;
    let (ls, n) = lists("fold-right", 3, &a[2..])?;
    let mut acc = a[1].clone();
    for i in (0..n).rev() {
        let mut row: Vec<Value> = ls.iter().map(|l| l[i].clone()).collect();
        row.push(acc);
        acc = ctx.apply(f, &row)?;
    }
    Ok(acc)
}

fn list_copy(_: &mut Ctx, a: &[Value]) -> R {
    match list_to_vec(&a[0]) {
        Some(items) => Ok(list_from(items)),
        None => Ok(a[0].clone()),
    }
}

fn last_pair(_: &mut Ctx, a: &[Value]) -> R {
    let mut cur = a[0].clone();
    pair("last-pair", 1, &cur)?;
    loop {
        let next = match cur.as_pair() {
            Some(p) if p.cdr.is_pair() => p.cdr.clone(),
            _ => return Ok(cur),
        };
        cur = next;
    }
}

fn last(ctx: &mut Ctx, a: &[Value]) -> R {
    pair("last", 1, &a[0])?;
    let p = last_pair(ctx, a)?;
    Ok(pair("last", 1, &p)?.car.clone())
}

fn take(_: &mut Ctx, a: &[Value]) -> R {
    let k = args::index("take", 2, &a[1])?;
    let mut out = Vec::with_capacity(k.min(1 << 20));
    let mut cur = a[0].clone();
    for _ in 0..k {
        let p = cur.as_pair().ok_or_else(|| {
            Exception::error(
                format!(
                    "take: index {k} out of range for {}",
                    lisp_runtime::printer::write_string_truncated(&a[0], 40)
                ),
                vec![],
            )
        })?;
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
    let (start, end) = match a.len() {
        1 => (0, args::int("range", 1, &a[0])?),
        _ => (args::int("range", 1, &a[0])?, args::int("range", 2, &a[1])?),
    };
    let step = match a.get(2) {
        Some(s) => args::int("range", 3, s)?,
        None => 1,
    };
    if step == 0 {
        return Err(Exception::error("range: step must not be 0", vec![]));
    }
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
    let mut out = Vec::with_capacity(count);
    let mut cur = start;
    for _ in 0..count {
        out.push(cur.clone());
        cur = lisp_runtime::number::add(&cur, &step)?;
    }
    Ok(list_from(out))
}

/// A stable merge sort whose comparison may fail (it calls Lisp).
pub fn sort_values(
    ctx: &mut Ctx,
    items: Vec<Value>,
    less: &Value,
) -> Result<Vec<Value>, Exception> {
    if items.len() <= 1 {
        return Ok(items);
    }
    let mut src = items;
    let mut width = 1;
    let n = src.len();
    while width < n {
        let mut dst = Vec::with_capacity(n);
        let mut lo = 0;
        while lo < n {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            let (mut i, mut j) = (lo, mid);
            while i < mid && j < hi {
                // Take from the right only if it is strictly less: stable.
                if ctx
                    .apply(less, &[src[j].clone(), src[i].clone()])?
                    .is_true()
                {
                    dst.push(src[j].clone());
                    j += 1;
                } else {
                    dst.push(src[i].clone());
                    i += 1;
                }
            }
            dst.extend_from_slice(&src[i..mid]);
            dst.extend_from_slice(&src[j..hi]);
            lo = hi;
        }
        src = dst;
        width *= 2;
    }
    Ok(src)
}

fn sort(ctx: &mut Ctx, a: &[Value]) -> R {
    let less = args::procedure("sort", 2, &a[1])?.clone();
    if let Some(Object::Vector(items)) = a[0].as_object() {
        let items = items.read().clone();
        let sorted = sort_values(ctx, items, &less)?;
        return Ok(Value::object(Object::Vector(parking_lot::RwLock::new(
            sorted,
        ))));
    }
    let items = args::list("sort", 1, &a[0])?;
    Ok(list_from(sort_values(ctx, items, &less)?))
}

fn list_index(ctx: &mut Ctx, a: &[Value]) -> R {
    let f = args::procedure("list-index", 1, &a[0])?;
    for (i, item) in args::list("list-index", 2, &a[1])?.into_iter().enumerate() {
        if ctx.apply(f, &[item])?.is_true() {
            return Ok(Value::int(i as i64));
        }
    }
    Ok(Value::FALSE)
}

fn find(ctx: &mut Ctx, a: &[Value]) -> R {
    let f = args::procedure("find", 1, &a[0])?;
    for item in args::list("find", 2, &a[1])? {
        if ctx.apply(f, std::slice::from_ref(&item))?.is_true() {
            return Ok(item);
        }
    }
    Ok(Value::FALSE)
}

fn find_tail(ctx: &mut Ctx, a: &[Value]) -> R {
    let f = args::procedure("find-tail", 1, &a[0])?;
    let mut cur = a[1].clone();
    while let Some(p) = cur.as_pair() {
        if ctx.apply(f, std::slice::from_ref(&p.car))?.is_true() {
            return Ok(cur.clone());
        }
        let next = p.cdr.clone();
        cur = next;
    }
    Ok(Value::FALSE)
}

fn any(ctx: &mut Ctx, a: &[Value]) -> R {
    let f = args::procedure("any", 1, &a[0])?;
    let (ls, n) = lists("any", 2, &a[1..])?;
    for i in 0..n {
        let row: Vec<Value> = ls.iter().map(|l| l[i].clone()).collect();
        let v = ctx.apply(f, &row)?;
        if v.is_true() {
            return Ok(v);
        }
    }
    Ok(Value::FALSE)
}

fn every(ctx: &mut Ctx, a: &[Value]) -> R {
    let f = args::procedure("every", 1, &a[0])?;
    let (ls, n) = lists("every", 2, &a[1..])?;
    let mut last = Value::TRUE;
    for i in 0..n {
        let row: Vec<Value> = ls.iter().map(|l| l[i].clone()).collect();
        last = ctx.apply(f, &row)?;
        if last.is_false() {
            return Ok(Value::FALSE);
        }
    }
    Ok(last)
}

fn count(ctx: &mut Ctx, a: &[Value]) -> R {
    let f = args::procedure("count", 1, &a[0])?;
    let mut n = 0;
    for item in args::list("count", 2, &a[1])? {
        if ctx.apply(f, &[item])?.is_true() {
            n += 1;
        }
    }
    Ok(Value::int(n))
}

fn delete(_: &mut Ctx, a: &[Value]) -> R {
    let items = args::list("delete", 2, &a[1])?;
    Ok(list_from(
        items
            .into_iter()
            .filter(|x| !equal(&a[0], x))
            .collect::<Vec<_>>(),
    ))
}

fn delete_duplicates(_: &mut Ctx, a: &[Value]) -> R {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for item in args::list("delete-duplicates", 1, &a[0])? {
        if seen.insert(lisp_runtime::equality::EqualKey(item.clone())) {
            out.push(item);
        }
    }
    Ok(list_from(out))
}

fn append_map(ctx: &mut Ctx, a: &[Value]) -> R {
    let f = args::procedure("append-map", 1, &a[0])?;
    let mut out = Vec::new();
    for item in args::list("append-map", 2, &a[1])? {
        let result = ctx.apply(f, &[item])?;
        out.extend(args::list("append-map", 1, &result)?);
    }
    Ok(list_from(out))
}

fn filter_map(ctx: &mut Ctx, a: &[Value]) -> R {
    let f = args::procedure("filter-map", 1, &a[0])?;
    let mut out = Vec::new();
    for item in args::list("filter-map", 2, &a[1])? {
        let v = ctx.apply(f, &[item])?;
        if v.is_true() {
            out.push(v);
        }
    }
    Ok(list_from(out))
}

fn cons_star(_: &mut Ctx, a: &[Value]) -> R {
    let (last, init) = a.split_last().expect("arity checked");
    Ok(list_with_tail(init.to_vec(), last.clone()))
}

fn make_list(_: &mut Ctx, a: &[Value]) -> R {
    let k = args::index("make-list", 1, &a[0])?;
    let fill = a.get(1).cloned().unwrap_or(Value::FALSE);
    Ok(list_from(vec![fill; k]))
}

fn assoc_ref(_: &mut Ctx, a: &[Value]) -> R {
    let entry = ass_by("assoc-ref", &a[1], &a[0], equal)?;
    Ok(entry
        .as_pair()
        .map(|p| p.cdr.clone())
        .unwrap_or(Value::FALSE))
}
