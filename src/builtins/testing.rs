//! Builtins: the test framework behind `define-test` and the assertions.
//! Under `lisp test` the tests are collected and run by the runner; under
//! `lisp run` a test runs as soon as it is defined and only a failure is
//! reported (on stderr), so a test file is also an ordinary program.

use super::{args, doc, Registry};
use crate::testing::TestCase;
use lisp_runtime::equality::equal;
use lisp_runtime::error::error_value;
use lisp_runtime::{Arity, Ctx, Exception, Object, Signal, Value};

type R = Result<Value, Exception>;

/// Registers the testing builtins.
pub fn register(r: &mut Registry) {
    r.category("Testing");
    r.def("%define-test", Arity::exactly(2), define_test, doc("(%define-test name thunk)", "The procedure behind define-test: registers (or, outside lisp test, runs) a named test.", "(%define-test \"ok\" (lambda () #t))", "#<void>", "define-test"));
    r.def(
        "assert-equal",
        Arity::exactly(2),
        assert_equal,
        doc(
            "(assert-equal expected actual)",
            "Fails the current test unless EXPECTED and ACTUAL are equal?.",
            "(assert-equal 3 (+ 1 2))",
            "#t",
            "assert-true assert-error define-test",
        ),
    );
    r.def(
        "assert-true",
        Arity::between(1, 2),
        assert_true,
        doc(
            "(assert-true value [message])",
            "Fails the current test if VALUE is #f.",
            "(assert-true (< 1 2))",
            "#t",
            "assert-equal",
        ),
    );
    r.def(
        "assert-false",
        Arity::between(1, 2),
        assert_false,
        doc(
            "(assert-false value [message])",
            "Fails the current test unless VALUE is #f.",
            "(assert-false (> 1 2))",
            "#t",
            "assert-true",
        ),
    );
    r.def(
        "%assert-error",
        Arity::exactly(2),
        assert_error,
        doc(
            "(%assert-error thunk text)",
            "The procedure behind assert-error: fails unless calling THUNK raises; returns the raised object. TEXT is the expression's source, for the failure message.",
            "(%assert-error (lambda () (raise 'oops)) \"(raise 'oops)\")",
            "oops",
            "assert-error",
        ),
    );
}

fn failure(message: String, expected: Value, actual: Value) -> Exception {
    Exception::raise(error_value("assertion", message, vec![expected, actual]))
}

fn define_test(ctx: &mut Ctx, a: &[Value]) -> R {
    let name = match a[0].as_str() {
        Some(s) => s.to_string(),
        None => lisp_runtime::printer::display_string(&a[0]),
    };
    let thunk = args::procedure("define-test", 2, &a[1])?.clone();
    let host = crate::engine::host(ctx)?;
    if host.options.collect_tests {
        let span = match thunk.as_object() {
            Some(lisp_runtime::Object::Closure(c)) => c.template.span,
            _ => lisp_runtime::Span::default(),
        };
        host.tests.lock().push(TestCase { name, thunk, span });
        return Ok(Value::VOID);
    }
    if let Err(e) = ctx.apply(&thunk, &[]) {
        if matches!(e.signal(), Signal::Exit(_)) {
            return Err(e);
        }
        eprint!("FAIL {name}\n{}", crate::testing::describe_failure(&e));
    }
    Ok(Value::VOID)
}

fn assert_equal(_: &mut Ctx, a: &[Value]) -> R {
    if equal(&a[0], &a[1]) {
        return Ok(Value::TRUE);
    }
    Err(failure(
        "assert-equal failed".into(),
        a[0].clone(),
        a[1].clone(),
    ))
}

fn assert_true(_: &mut Ctx, a: &[Value]) -> R {
    if a[0].is_true() {
        return Ok(Value::TRUE);
    }
    let message = a
        .get(1)
        .map(lisp_runtime::printer::display_string)
        .unwrap_or_else(|| "assert-true failed".into());
    Err(failure(message, Value::TRUE, a[0].clone()))
}

fn assert_false(_: &mut Ctx, a: &[Value]) -> R {
    if a[0].is_false() {
        return Ok(Value::TRUE);
    }
    let message = a
        .get(1)
        .map(lisp_runtime::printer::display_string)
        .unwrap_or_else(|| "assert-false failed".into());
    Err(failure(message, Value::FALSE, a[0].clone()))
}

/// `(assert-error expr)` passes when EXPR raises. EXPR may also evaluate
/// to a thunk (`(assert-error (lambda () ...))`), which is then called and
/// must raise.
fn assert_error(ctx: &mut Ctx, a: &[Value]) -> R {
    let thunk = args::procedure("assert-error", 1, &a[0])?;
    let mut outcome = ctx.apply(thunk, &[]);
    if let Ok(v) = &outcome {
        if matches!(v.as_object(), Some(Object::Closure(_))) {
            let v = v.clone();
            outcome = ctx.apply(&v, &[]);
        }
    }
    match outcome {
        Err(e) => match e.signal() {
            Signal::Raise { payload, .. } => Ok(payload.clone()),
            // `exit` and escapes are not errors: let them through.
            _ => Err(e),
        },
        Ok(v) => {
            let text = a[1].as_str().unwrap_or("expression").to_string();
            Err(failure(
                format!("assert-error failed: {text} raised no error"),
                lisp_runtime::list::string("an error"),
                v,
            ))
        }
    }
}
