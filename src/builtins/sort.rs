//! Builtins: sorting lists and vectors with a Lisp comparison.
//!
//! The comparison is Lisp code that may fail, so the standard library's
//! `sort_by` (whose closure cannot return an error) does not fit; this is
//! a bottom-up merge sort: stable, O(n log n) calls of `less?`, no
//! recursion, and the first error from `less?` stops it and propagates.

use super::{args, doc, Registry};
use lisp_runtime::list::list_from;
use lisp_runtime::{Arity, Ctx, Exception, Object, Value};
use parking_lot::RwLock;

type R = Result<Value, Exception>;

/// Registers the sorting builtins.
pub fn register(r: &mut Registry) {
    r.category("Lists");
    r.def(
        "sort",
        Arity::exactly(2),
        sort,
        doc(
            "(sort sequence less?)",
            "A new list, or a new vector if SEQUENCE is a vector, of SEQUENCE's elements \
             ordered by LESS? (a procedure of two arguments). Stable: equal elements keep \
             their order. Errors raised by LESS? propagate.",
            "(list (sort '(3 1 2) <) (sort (vector \"b\" \"a\") string<?))",
            "((1 2 3) #(\"a\" \"b\"))",
            "list-sort",
        ),
    );
    r.def(
        "list-sort",
        Arity::exactly(2),
        list_sort,
        doc(
            "(list-sort less? list)",
            "SRFI 132's argument order for sort: a new, stably sorted list.",
            "(list-sort < '(3 1 2))",
            "(1 2 3)",
            "sort",
        ),
    );
}

/// Sorts `items` by the Lisp procedure `less`, stably.
pub fn sort_values(
    ctx: &mut Ctx,
    items: Vec<Value>,
    less: &Value,
) -> Result<Vec<Value>, Exception> {
    let n = items.len();
    let mut src = items;
    let mut width = 1;
    while width < n {
        let mut dst = Vec::with_capacity(n);
        let mut lo = 0;
        while lo < n {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            let (mut i, mut j) = (lo, mid);
            while i < mid && j < hi {
                // Take from the right run only if strictly less: stable.
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
    let less = args::procedure("sort", 2, &a[1])?;
    if let Some(Object::Vector(items)) = a[0].as_object() {
        // Copy the items out: less? is Lisp code and may touch the vector.
        let items = items.read().to_vec();
        let sorted = sort_values(ctx, items, less)?;
        return Ok(Value::object(Object::Vector(RwLock::new(
            sorted.into_boxed_slice(),
        ))));
    }
    let items = lisp_runtime::list::list_to_vec(&a[0])
        .ok_or_else(|| Exception::wrong_type("sort", 1, "list or vector", &a[0]))?;
    Ok(list_from(sort_values(ctx, items, less)?))
}

fn list_sort(ctx: &mut Ctx, a: &[Value]) -> R {
    let less = args::procedure("list-sort", 1, &a[0])?;
    let items = args::list("list-sort", 2, &a[1])?;
    Ok(list_from(sort_values(ctx, items, less)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Engine, Options};
    use lisp_runtime::printer::write_string;

    /// Sorts the list written as `items` with the Lisp procedure `less`.
    fn sorted(items: &str, less: &str) -> Result<String, String> {
        let mut engine = Engine::new(Options::default());
        let less = engine.eval_str(less, "less").expect("procedure");
        let items = crate::reader::read_all(items, 0).expect("datum")[0].to_value();
        let items = lisp_runtime::list::list_to_vec(&items).expect("list");
        sort_values(&mut engine.ctx, items, &less)
            .map(|v| write_string(&list_from(v)))
            .map_err(|e| e.message())
    }

    #[test]
    fn merge_sort_orders_and_is_stable() {
        assert_eq!(sorted("(5 3 9 1 3 0)", "<").as_deref(), Ok("(0 1 3 3 5 9)"));
        assert_eq!(sorted("()", "<").as_deref(), Ok("()"));
        let by_key = "(lambda (a b) (< (car a) (car b)))";
        assert_eq!(
            sorted("((1 . a) (0 . b) (1 . c) (0 . d) (1 . e))", by_key).as_deref(),
            Ok("((0 . b) (0 . d) (1 . a) (1 . c) (1 . e))")
        );
    }

    #[test]
    fn errors_from_less_propagate() {
        assert_eq!(
            sorted("(2 1)", "(lambda (a b) (error \"no order\" a b))"),
            Err("no order 1 2".to_string())
        );
    }
}
