//! Builtins: numeric predicates (type tests such as `integer?` and
//! `nan?`, sign and parity tests), split from `numbers` to keep files short.

use super::numbers::{integer, num, R};
use super::{doc, Registry};
use lisp_runtime::number::Num;
use lisp_runtime::{Arity, Ctx, Exception, Value};
use num_integer::Integer;
use std::cmp::Ordering;

/// Registers the numeric predicates.
pub fn register(r: &mut Registry) {
    r.category("Numbers");
    r.def(
        "zero?",
        Arity::exactly(1),
        is_zero,
        doc(
            "(zero? z)",
            "True if z is zero.",
            "(zero? 0.0)",
            "#t",
            "positive? negative?",
        ),
    );
    r.def(
        "positive?",
        Arity::exactly(1),
        is_positive,
        doc(
            "(positive? x)",
            "True if x is greater than zero.",
            "(positive? 3)",
            "#t",
            "negative? zero?",
        ),
    );
    r.def(
        "negative?",
        Arity::exactly(1),
        is_negative,
        doc(
            "(negative? x)",
            "True if x is less than zero.",
            "(negative? -3)",
            "#t",
            "positive? zero?",
        ),
    );
    r.def(
        "odd?",
        Arity::exactly(1),
        is_odd,
        doc(
            "(odd? n)",
            "True if the integer n is odd.",
            "(odd? 7)",
            "#t",
            "even?",
        ),
    );
    r.def(
        "even?",
        Arity::exactly(1),
        is_even,
        doc(
            "(even? n)",
            "True if the integer n is even.",
            "(even? 7)",
            "#f",
            "odd?",
        ),
    );
    r.def(
        "number?",
        Arity::exactly(1),
        is_number,
        doc(
            "(number? obj)",
            "True if obj is a number.",
            "(number? 1.5)",
            "#t",
            "integer? float?",
        ),
    );
    r.def(
        "integer?",
        Arity::exactly(1),
        is_integer,
        doc(
            "(integer? obj)",
            "True if obj is an integer, exact or a float with no fractional part.",
            "(integer? 2.0)",
            "#t",
            "exact-integer? number?",
        ),
    );
    r.def(
        "rational?",
        Arity::exactly(1),
        is_rational,
        doc(
            "(rational? obj)",
            "True if obj is a finite number.",
            "(rational? 1.5)",
            "#t",
            "number?",
        ),
    );
    r.def(
        "exact-integer?",
        Arity::exactly(1),
        is_exact_integer,
        doc(
            "(exact-integer? obj)",
            "True if obj is an exact integer.",
            "(exact-integer? 2.0)",
            "#f",
            "integer?",
        ),
    );
    r.def(
        "float?",
        Arity::exactly(1),
        is_float,
        doc(
            "(float? obj)",
            "True if obj is a float.",
            "(float? 1.0)",
            "#t",
            "exact? inexact?",
        ),
    );
    r.def(
        "exact?",
        Arity::exactly(1),
        is_exact,
        doc(
            "(exact? z)",
            "True if z is exact (an integer).",
            "(exact? 1)",
            "#t",
            "inexact?",
        ),
    );
    r.def(
        "inexact?",
        Arity::exactly(1),
        is_inexact,
        doc(
            "(inexact? z)",
            "True if z is inexact (a float).",
            "(inexact? 1.0)",
            "#t",
            "exact?",
        ),
    );
    r.def(
        "nan?",
        Arity::exactly(1),
        is_nan,
        doc(
            "(nan? x)",
            "True if x is a float NaN.",
            "(nan? +nan.0)",
            "#t",
            "infinite?",
        ),
    );
    r.def(
        "infinite?",
        Arity::exactly(1),
        is_infinite,
        doc(
            "(infinite? x)",
            "True if x is +inf.0 or -inf.0.",
            "(infinite? -inf.0)",
            "#t",
            "finite? nan?",
        ),
    );
    r.def(
        "finite?",
        Arity::exactly(1),
        is_finite,
        doc(
            "(finite? x)",
            "True if x is neither infinite nor NaN.",
            "(finite? 1.0)",
            "#t",
            "infinite?",
        ),
    );
    r.alias("complex?", "number?");
    r.alias("real?", "number?");
    r.alias("flonum?", "float?");
}

fn sign(name: &str, v: &Value) -> Result<Option<Ordering>, Exception> {
    Ok(match num(name, 1, v)? {
        Num::Fix(n) => Some(n.cmp(&0)),
        Num::Big(b) => Some(b.sign().cmp(&num_bigint::Sign::NoSign)),
        Num::Flo(f) => f.partial_cmp(&0.0),
    })
}

fn is_zero(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(sign("zero?", &a[0])? == Some(Ordering::Equal)))
}

fn is_positive(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(
        sign("positive?", &a[0])? == Some(Ordering::Greater),
    ))
}

fn is_negative(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(
        sign("negative?", &a[0])? == Some(Ordering::Less),
    ))
}

fn is_odd(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(integer("odd?", 1, &a[0])?.is_odd()))
}

fn is_even(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(integer("even?", 1, &a[0])?.is_even()))
}

fn is_number(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(a[0].is_number()))
}

fn is_integer(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(match Num::of(&a[0]) {
        Some(Num::Flo(f)) => f.fract() == 0.0 && f.is_finite(),
        Some(_) => true,
        None => false,
    }))
}

fn is_rational(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(
        Num::of(&a[0]).is_some_and(|n| n.to_f64().is_finite() || n.is_exact()),
    ))
}

fn is_exact_integer(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(matches!(
        Num::of(&a[0]),
        Some(Num::Fix(_) | Num::Big(_))
    )))
}

fn is_float(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(a[0].is_float()))
}

fn is_exact(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(num("exact?", 1, &a[0])?.is_exact()))
}

fn is_inexact(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(!num("inexact?", 1, &a[0])?.is_exact()))
}

fn is_nan(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(
        num("nan?", 1, &a[0])?.to_f64().is_nan() && a[0].is_float(),
    ))
}

fn is_infinite(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(
        a[0].is_float() && num("infinite?", 1, &a[0])?.to_f64().is_infinite(),
    ))
}

fn is_finite(_: &mut Ctx, a: &[Value]) -> R {
    let n = num("finite?", 1, &a[0])?;
    Ok(Value::bool(n.is_exact() || n.to_f64().is_finite()))
}
