//! Builtins: higher-order procedures over lists — `map`, `for-each`,
//! `filter`, the folds and their relatives.
//!
//! Each takes its lists apart into vectors first (checking that they are
//! proper lists), then calls the procedure with `ctx.apply` in a loop:
//! no recursion on list length, and an error raised by the procedure
//! propagates unchanged. Procedures taking several lists stop at the
//! shortest, as R7RS `map` does.

use super::{args, doc, Registry};
use lisp_runtime::list::list_from;
use lisp_runtime::{Arity, Ctx, Exception, Object, Value};

type R = Result<Value, Exception>;

/// Registers the higher-order list builtins.
pub fn register(r: &mut Registry) {
    r.category("Lists");
    r.def(
        "map",
        Arity::at_least(2),
        map,
        doc(
            "(map proc list1 list2 ...)",
            "A list of the results of applying PROC to the elements of the lists in turn \
             (one from each), stopping at the shortest list.",
            "(map + '(1 2 3) '(10 20))",
            "(11 22)",
            "for-each filter-map append-map vector-map",
        ),
    );
    r.def(
        "for-each",
        Arity::at_least(2),
        for_each,
        doc(
            "(for-each proc list1 list2 ...)",
            "Applies PROC to the elements of the lists in order (one from each, stopping \
             at the shortest), for its effects; returns void.",
            "(let ((sum 0)) (for-each (lambda (x) (set! sum (+ sum x))) '(1 2 3)) sum)",
            "6",
            "map vector-for-each",
        ),
    );
    r.def(
        "filter",
        Arity::exactly(2),
        filter,
        doc(
            "(filter pred list)",
            "A new list of the elements of LIST that satisfy PRED, in order.",
            "(filter odd? '(1 2 3 4 5))",
            "(1 3 5)",
            "remove partition filter-map",
        ),
    );
    r.def(
        "remove",
        Arity::exactly(2),
        remove,
        doc(
            "(remove pred list)",
            "A new list of the elements of LIST that do not satisfy PRED.",
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
            "Two values: the elements of LIST satisfying PRED, and the others.",
            "(call-with-values (lambda () (partition odd? '(1 2 3))) list)",
            "((1 3) (2))",
            "filter remove",
        ),
    );
    r.def(
        "filter-map",
        Arity::at_least(2),
        filter_map,
        doc(
            "(filter-map proc list1 list2 ...)",
            "The true (non-#f) results of PROC on the elements of the lists, in order.",
            "(filter-map (lambda (x) (and (odd? x) (* x x))) '(1 2 3))",
            "(1 9)",
            "map filter",
        ),
    );
    r.def(
        "append-map",
        Arity::at_least(2),
        append_map,
        doc(
            "(append-map proc list1 list2 ...)",
            "The results of PROC on the elements of the lists (each a list), appended.",
            "(append-map (lambda (x) (list x x)) '(1 2))",
            "(1 1 2 2)",
            "map append",
        ),
    );
    r.def(
        "reduce",
        Arity::exactly(3),
        reduce,
        doc(
            "(reduce f init list)",
            "Combines the elements of LIST from the left as SRFI 1 does: the first \
             element is the starting accumulator and each later element x gives \
             (f x acc). INIT is returned only when LIST is empty.",
            "(list (reduce + 0 '(1 2 3 4)) (reduce + 0 '()) (reduce cons 0 '(1 2 3)))",
            "(10 0 (3 2 . 1))",
            "fold-left fold-right fold",
        ),
    );
    r.def(
        "fold-left",
        Arity::at_least(3),
        fold_left,
        doc(
            "(fold-left f init list1 list2 ...)",
            "Folds from the left: the accumulator starts as INIT and becomes \
             (f acc x ...) for each element x (one from each list).",
            "(fold-left cons '() '(1 2 3))",
            "(((() . 1) . 2) . 3)",
            "fold-right fold reduce",
        ),
    );
    r.def(
        "fold-right",
        Arity::at_least(3),
        fold_right,
        doc(
            "(fold-right f init list1 list2 ...)",
            "Folds from the right: the accumulator starts as INIT and becomes \
             (f x ... acc) for each element x, last element first.",
            "(fold-right cons '() '(1 2 3))",
            "(1 2 3)",
            "fold-left reduce",
        ),
    );
    r.def(
        "fold",
        Arity::at_least(3),
        fold,
        doc(
            "(fold kons knil list1 list2 ...)",
            "SRFI 1's fold: from the left, like fold-left, but calls (kons x ... acc) \
             with the accumulator last.",
            "(fold cons '() '(1 2 3))",
            "(3 2 1)",
            "fold-left fold-right reduce",
        ),
    );
}

/// The lists `ls` (arguments `first_pos`, `first_pos + 1`, ... of `name`)
/// as vectors, and the length of the shortest.
pub(super) fn columns(
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

/// Row `i` of `cols`: one element from each list.
fn row(cols: &[Vec<Value>], i: usize) -> Vec<Value> {
    cols.iter().map(|c| c[i].clone()).collect()
}

/// Calls `f` on each row of the lists `a[1..]` and hands each result to
/// `each`; the shared loop of map, for-each, filter-map and append-map.
fn each_result(
    ctx: &mut Ctx,
    name: &str,
    a: &[Value],
    mut each: impl FnMut(Value) -> Result<(), Exception>,
) -> Result<(), Exception> {
    let f = args::procedure(name, 1, &a[0])?;
    if let [list] = &a[1..] {
        // The common one-list case: no row vector per call.
        // Checked first, so an improper list fails before any call; pairs
        // are immutable, so the walk then borrows the elements.
        if !args::is_proper_list(list) {
            return Err(Exception::wrong_type(name, 2, "list", list));
        }
        let mut cur = list;
        while let Some(p) = cur.as_pair() {
            each(ctx.apply(f, std::slice::from_ref(&p.car))?)?;
            cur = &p.cdr;
        }
        return Ok(());
    }
    let (cols, n) = columns(name, 2, &a[1..])?;
    for i in 0..n {
        each(ctx.apply(f, &row(&cols, i))?)?;
    }
    Ok(())
}

fn map(ctx: &mut Ctx, a: &[Value]) -> R {
    let mut out = Vec::new();
    each_result(ctx, "map", a, |v| {
        out.push(v);
        Ok(())
    })?;
    Ok(list_from(out))
}

fn for_each(ctx: &mut Ctx, a: &[Value]) -> R {
    each_result(ctx, "for-each", a, |_| Ok(()))?;
    Ok(Value::VOID)
}

fn filter_map(ctx: &mut Ctx, a: &[Value]) -> R {
    let mut out = Vec::new();
    each_result(ctx, "filter-map", a, |v| {
        if v.is_true() {
            out.push(v);
        }
        Ok(())
    })?;
    Ok(list_from(out))
}

fn append_map(ctx: &mut Ctx, a: &[Value]) -> R {
    let mut out = Vec::new();
    each_result(ctx, "append-map", a, |v| {
        match lisp_runtime::list::list_to_vec(&v) {
            Some(items) => out.extend(items),
            None => {
                return Err(Exception::error(
                    format!(
                        "append-map: the procedure returned a non-list: {}",
                        lisp_runtime::printer::write_string_truncated(&v, 60)
                    ),
                    vec![],
                ))
            }
        }
        Ok(())
    })?;
    Ok(list_from(out))
}

/// The elements of `a[1]` split by whether `a[0]` holds for them.
fn split(ctx: &mut Ctx, name: &str, a: &[Value]) -> Result<(Vec<Value>, Vec<Value>), Exception> {
    let f = args::procedure(name, 1, &a[0])?;
    let (mut yes, mut no) = (Vec::new(), Vec::new());
    for item in args::list(name, 2, &a[1])? {
        if ctx.apply(f, std::slice::from_ref(&item))?.is_true() {
            yes.push(item);
        } else {
            no.push(item);
        }
    }
    Ok((yes, no))
}

fn filter(ctx: &mut Ctx, a: &[Value]) -> R {
    Ok(list_from(split(ctx, "filter", a)?.0))
}

fn remove(ctx: &mut Ctx, a: &[Value]) -> R {
    Ok(list_from(split(ctx, "remove", a)?.1))
}

fn partition(ctx: &mut Ctx, a: &[Value]) -> R {
    let (yes, no) = split(ctx, "partition", a)?;
    Ok(Value::object(Object::Values(
        vec![list_from(yes), list_from(no)].into_boxed_slice(),
    )))
}

fn reduce(ctx: &mut Ctx, a: &[Value]) -> R {
    let f = args::procedure("reduce", 1, &a[0])?;
    let mut items = args::list("reduce", 3, &a[2])?.into_iter();
    let Some(mut acc) = items.next() else {
        return Ok(a[1].clone());
    };
    for item in items {
        acc = ctx.apply(f, &[item, acc])?;
    }
    Ok(acc)
}

/// Where the accumulator goes in each call of a fold.
#[derive(Clone, Copy, PartialEq)]
enum AccAt {
    First,
    Last,
}

/// The folds: rows visited left to right or right to left, with the
/// accumulator passed first or last.
fn fold_rows(ctx: &mut Ctx, name: &str, a: &[Value], from_right: bool, acc_at: AccAt) -> R {
    let f = args::procedure(name, 1, &a[0])?;
    let (cols, n) = columns(name, 3, &a[2..])?;
    let mut acc = a[1].clone();
    let order: Box<dyn Iterator<Item = usize>> = if from_right {
        Box::new((0..n).rev())
    } else {
        Box::new(0..n)
    };
    for i in order {
        let mut call = row(&cols, i);
        match acc_at {
            AccAt::First => call.insert(0, acc),
            AccAt::Last => call.push(acc),
        }
        acc = ctx.apply(f, &call)?;
    }
    Ok(acc)
}

fn fold_left(ctx: &mut Ctx, a: &[Value]) -> R {
    fold_rows(ctx, "fold-left", a, false, AccAt::First)
}

fn fold_right(ctx: &mut Ctx, a: &[Value]) -> R {
    fold_rows(ctx, "fold-right", a, true, AccAt::Last)
}

fn fold(ctx: &mut Ctx, a: &[Value]) -> R {
    fold_rows(ctx, "fold", a, false, AccAt::Last)
}
