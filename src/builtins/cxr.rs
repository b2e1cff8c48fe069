//! Builtins: the compositions of `car` and `cdr` two to four deep
//! (`cadr`, `cddr`, `caddr`, `cadddr`, ...). Each reads its letters right
//! to left: `(caddr x)` is `(car (cdr (cdr x)))`.

use super::{doc, Registry};
use lisp_runtime::{Arity, Ctx, Exception, Value};

type R = Result<Value, Exception>;

/// Follows `path` (letters `a`/`d`, applied right to left) from `v`.
/// Errors name the whole procedure and its argument, since that is what
/// the user wrote; the step that failed is visible in the value.
fn walk(name: &str, path: &str, v: &Value) -> R {
    // Pairs are immutable, so the walk borrows and clones only the result.
    let mut cur = v;
    for step in path.bytes().rev() {
        let Some(p) = cur.as_pair() else {
            return Err(Exception::wrong_type(
                name,
                1,
                "list of sufficient depth",
                v,
            ));
        };
        cur = if step == b'a' { &p.car } else { &p.cdr };
    }
    Ok(cur.clone())
}

/// Defines one builtin per row (name, path, expansion, example, result)
/// and `register`, which adds them all with their documentation.
macro_rules! cxr_builtins {
    ($(($name:ident, $path:literal, $expansion:literal, $example:literal, $result:literal)),* $(,)?) => {
        $(fn $name(_: &mut Ctx, a: &[Value]) -> R {
            walk(stringify!($name), $path, &a[0])
        })*

        /// Registers `caar` through `cddddr`.
        pub fn register(r: &mut Registry) {
            r.category("Lists");
            $(r.def(
                stringify!($name),
                Arity::exactly(1),
                $name,
                doc(
                    concat!("(", stringify!($name), " x)"),
                    concat!("The same as ", $expansion, "; an error if a step meets a non-pair."),
                    $example,
                    $result,
                    "car cdr list-ref",
                ),
            );)*
        }
    };
}

cxr_builtins! {
    (caar, "aa", "(car (car x))", "(caar '((x 1) 2))", "x"),
    (cadr, "ad", "(car (cdr x))", "(cadr '(1 x 2))", "x"),
    (cdar, "da", "(cdr (car x))", "(cdar '((1 x) 2))", "(x)"),
    (cddr, "dd", "(cdr (cdr x))", "(cddr '(1 2 x))", "(x)"),
    (caaar, "aaa", "(car (car (car x)))", "(caaar '(((x 1) 2) 3))", "x"),
    (caadr, "aad", "(car (car (cdr x)))", "(caadr '(1 (x 2) 3))", "x"),
    (cadar, "ada", "(car (cdr (car x)))", "(cadar '((1 x 2) 3))", "x"),
    (caddr, "add", "(car (cdr (cdr x)))", "(caddr '(1 2 x 3))", "x"),
    (cdaar, "daa", "(cdr (car (car x)))", "(cdaar '(((1 x) 2) 3))", "(x)"),
    (cdadr, "dad", "(cdr (car (cdr x)))", "(cdadr '(1 (2 x) 3))", "(x)"),
    (cddar, "dda", "(cdr (cdr (car x)))", "(cddar '((1 2 x) 3))", "(x)"),
    (cdddr, "ddd", "(cdr (cdr (cdr x)))", "(cdddr '(1 2 3 x))", "(x)"),
    (caaaar, "aaaa", "(car (car (car (car x))))", "(caaaar '((((x 1) 2) 3) 4))", "x"),
    (caaadr, "aaad", "(car (car (car (cdr x))))", "(caaadr '(1 ((x 2) 3) 4))", "x"),
    (caadar, "aada", "(car (car (cdr (car x))))", "(caadar '((1 (x 2) 3) 4))", "x"),
    (caaddr, "aadd", "(car (car (cdr (cdr x))))", "(caaddr '(1 2 (x 3) 4))", "x"),
    (cadaar, "adaa", "(car (cdr (car (car x))))", "(cadaar '(((1 x 2) 3) 4))", "x"),
    (cadadr, "adad", "(car (cdr (car (cdr x))))", "(cadadr '(1 (2 x 3) 4))", "x"),
    (caddar, "adda", "(car (cdr (cdr (car x))))", "(caddar '((1 2 x 3) 4))", "x"),
    (cadddr, "addd", "(car (cdr (cdr (cdr x))))", "(cadddr '(1 2 3 x 4))", "x"),
    (cdaaar, "daaa", "(cdr (car (car (car x))))", "(cdaaar '((((1 x) 2) 3) 4))", "(x)"),
    (cdaadr, "daad", "(cdr (car (car (cdr x))))", "(cdaadr '(1 ((2 x) 3) 4))", "(x)"),
    (cdadar, "dada", "(cdr (car (cdr (car x))))", "(cdadar '((1 (2 x) 3) 4))", "(x)"),
    (cdaddr, "dadd", "(cdr (car (cdr (cdr x))))", "(cdaddr '(1 2 (3 x) 4))", "(x)"),
    (cddaar, "ddaa", "(cdr (cdr (car (car x))))", "(cddaar '(((1 2 x) 3) 4))", "(x)"),
    (cddadr, "ddad", "(cdr (cdr (car (cdr x))))", "(cddadr '(1 (2 3 x) 4))", "(x)"),
    (cdddar, "ddda", "(cdr (cdr (cdr (car x))))", "(cdddar '((1 2 3 x) 4))", "(x)"),
    (cddddr, "dddd", "(cdr (cdr (cdr (cdr x))))", "(cddddr '(1 2 3 4 x))", "(x)"),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Value {
        crate::reader::read_all(text, 0).expect("datum")[0].to_value()
    }

    #[test]
    fn paths_read_right_to_left() {
        let c = &mut Ctx::new(Vec::new(), 0, std::sync::Arc::new(()));
        let show = |r: R| lisp_runtime::printer::write_string(&r.expect("ok"));
        assert_eq!(show(cadr(c, &[v("(1 2 3)")])), "2");
        assert_eq!(show(cddr(c, &[v("(1 2 3)")])), "(3)");
        assert_eq!(show(caar(c, &[v("((1) 2)")])), "1");
        assert_eq!(show(cdar(c, &[v("((1 5) 2)")])), "(5)");
        assert_eq!(show(caddr(c, &[v("(1 2 3)")])), "3");
        assert_eq!(show(cadddr(c, &[v("(1 2 3 4)")])), "4");
        assert_eq!(show(cddddr(c, &[v("(1 2 3 4 5)")])), "(5)");
        assert_eq!(show(caadr(c, &[v("(1 (2) 3)")])), "2");
    }

    #[test]
    fn short_lists_name_the_procedure_and_value() {
        let c = &mut Ctx::new(Vec::new(), 0, std::sync::Arc::new(()));
        let err = caddr(c, &[v("(1 2)")]).expect_err("too short");
        assert_eq!(
            err.message(),
            "bad argument #1 to 'caddr' (list of sufficient depth expected, got (1 2))"
        );
    }
}
