//! Builtins: numbers. Exact integers promote to big integers instead of
//! wrapping; `/` is exact when the quotient is an integer and a float
//! otherwise (there are no rationals). Shared numeric logic lives in
//! `lisp_runtime::number`, which the JIT's slow paths also call.

use super::{args, doc, Registry};
use lisp_runtime::number::{self, big_to_value, IntDiv, Num};
use lisp_runtime::{Arity, Ctx, Exception, Object, Value};
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{FromPrimitive, One, Signed, Zero};
use std::cmp::Ordering;

pub(super) type R = Result<Value, Exception>;

/// Registers the numeric builtins.
pub fn register(r: &mut Registry) {
    r.category("Numbers");
    r.def("+", Arity::at_least(0), plus, doc("(+ z ...)", "The sum of the arguments (0 with none). Exact integers never overflow: they grow into big integers.", "(+ 1 2 3)", "6", "- * /"));
    r.def(
        "-",
        Arity::at_least(1),
        minus,
        doc(
            "(- z1 z2 ...)",
            "Subtracts the later arguments from z1; with one argument, negates it.",
            "(- 10 4 1)",
            "5",
            "+",
        ),
    );
    r.def(
        "*",
        Arity::at_least(0),
        times,
        doc(
            "(* z ...)",
            "The product of the arguments (1 with none).",
            "(* 2 3 4)",
            "24",
            "+ expt",
        ),
    );
    r.def("/", Arity::at_least(1), divide, doc("(/ z1 z2 ...)", "Divides z1 by the later arguments; with one argument, the reciprocal. Exact when the result is an integer ((/ 6 2) is 3), a float otherwise ((/ 7 2) is 3.5). Exact division by zero is an error.", "(/ 7 2)", "3.5", "quotient modulo"));
    r.def(
        "=",
        Arity::at_least(1),
        num_eq,
        doc(
            "(= z1 z2 ...)",
            "True if all arguments are numerically equal.",
            "(= 1 1.0)",
            "#t",
            "< eqv?",
        ),
    );
    r.def(
        "<",
        Arity::at_least(1),
        lt,
        doc(
            "(< x1 x2 ...)",
            "True if the arguments are strictly increasing.",
            "(< 1 2 3)",
            "#t",
            "> <= >=",
        ),
    );
    r.def(
        ">",
        Arity::at_least(1),
        gt,
        doc(
            "(> x1 x2 ...)",
            "True if the arguments are strictly decreasing.",
            "(> 3 2 1)",
            "#t",
            "< >=",
        ),
    );
    r.def(
        "<=",
        Arity::at_least(1),
        le,
        doc(
            "(<= x1 x2 ...)",
            "True if the arguments are non-decreasing.",
            "(<= 1 1 2)",
            "#t",
            "< >=",
        ),
    );
    r.def(
        ">=",
        Arity::at_least(1),
        ge,
        doc(
            "(>= x1 x2 ...)",
            "True if the arguments are non-increasing.",
            "(>= 2 2 1)",
            "#t",
            "> <=",
        ),
    );
    r.def(
        "quotient",
        Arity::exactly(2),
        quotient,
        doc(
            "(quotient n1 n2)",
            "Integer division truncated toward zero.",
            "(quotient -7 2)",
            "-3",
            "remainder modulo",
        ),
    );
    r.def(
        "remainder",
        Arity::exactly(2),
        remainder,
        doc(
            "(remainder n1 n2)",
            "The remainder of truncating division; it has the sign of n1.",
            "(remainder -7 2)",
            "-1",
            "quotient modulo",
        ),
    );
    r.def(
        "modulo",
        Arity::exactly(2),
        modulo,
        doc(
            "(modulo n1 n2)",
            "The remainder of floor division; it has the sign of n2.",
            "(modulo -7 2)",
            "1",
            "remainder",
        ),
    );
    r.def(
        "abs",
        Arity::exactly(1),
        abs,
        doc(
            "(abs x)",
            "The absolute value of x.",
            "(abs -5)",
            "5",
            "magnitude",
        ),
    );
    r.alias("magnitude", "abs");
    r.def(
        "min",
        Arity::at_least(1),
        min,
        doc(
            "(min x1 x2 ...)",
            "The smallest argument (a float if any argument is a float).",
            "(min 3 1 2)",
            "1",
            "max",
        ),
    );
    r.def(
        "max",
        Arity::at_least(1),
        max,
        doc(
            "(max x1 x2 ...)",
            "The largest argument (a float if any argument is a float).",
            "(max 1 2.0)",
            "2.0",
            "min",
        ),
    );
    r.def(
        "gcd",
        Arity::at_least(0),
        gcd,
        doc(
            "(gcd n ...)",
            "The greatest common divisor (0 with no arguments).",
            "(gcd 12 18)",
            "6",
            "lcm",
        ),
    );
    r.def(
        "lcm",
        Arity::at_least(0),
        lcm,
        doc(
            "(lcm n ...)",
            "The least common multiple (1 with no arguments).",
            "(lcm 4 6)",
            "12",
            "gcd",
        ),
    );
    r.def("expt", Arity::exactly(2), expt, doc("(expt base power)", "BASE raised to POWER: exact for an exact base and a non-negative integer power, a float otherwise.", "(expt 2 100)", "1267650600228229401496703205376", "exp sqrt square"));
    r.def(
        "exact->inexact",
        Arity::exactly(1),
        inexact,
        doc(
            "(exact->inexact z)",
            "The float closest to z.",
            "(exact->inexact 1)",
            "1.0",
            "inexact exact",
        ),
    );
    r.alias("inexact", "exact->inexact");
    r.def("inexact->exact", Arity::exactly(1), exact, doc("(inexact->exact z)", "The exact integer equal to z; a float with a fractional part is an error (there are no rationals).", "(inexact->exact 2.0)", "2", "exact inexact round"));
    r.def("exact", Arity::exactly(1), exact_r7rs, doc("(exact z)", "R7RS name of inexact->exact: the exact integer equal to z; a float with a fractional part is an error.", "(exact 2.0)", "2", "inexact->exact inexact round"));
    r.def(
        "number->string",
        Arity::between(1, 2),
        number_to_string,
        doc(
            "(number->string z [radix])",
            "The external representation of z, in RADIX (2, 8, 10 or 16) for exact integers.",
            "(number->string 255 16)",
            "\"ff\"",
            "string->number",
        ),
    );
    r.def(
        "string->number",
        Arity::between(1, 2),
        string_to_number,
        doc(
            "(string->number string [radix])",
            "The number STRING denotes, or #f if it is not a number.",
            "(string->number \"1e3\")",
            "1000.0",
            "number->string",
        ),
    );
    r.def("sqrt", Arity::exactly(1), sqrt, doc("(sqrt z)", "The square root of z: exact for exact perfect squares, a float otherwise (+nan.0 for negative numbers: there are no complex numbers).", "(sqrt 16)", "4", "exact-integer-sqrt expt"));
    r.def(
        "exact-integer-sqrt",
        Arity::exactly(1),
        exact_integer_sqrt,
        doc(
            "(exact-integer-sqrt k)",
            "Two values: the largest s with s*s <= k, and k - s*s.",
            "(call-with-values (lambda () (exact-integer-sqrt 17)) list)",
            "(4 1)",
            "sqrt",
        ),
    );
    r.def(
        "exp",
        Arity::exactly(1),
        exp,
        doc("(exp z)", "e raised to z.", "(exp 0)", "1.0", "log"),
    );
    r.def(
        "log",
        Arity::between(1, 2),
        log,
        doc(
            "(log z [base])",
            "The natural logarithm of z, or its logarithm in BASE.",
            "(log 100 10)",
            "2.0",
            "exp",
        ),
    );
    r.def(
        "sin",
        Arity::exactly(1),
        sin,
        doc(
            "(sin z)",
            "The sine of z (radians).",
            "(sin 0)",
            "0.0",
            "cos tan asin",
        ),
    );
    r.def(
        "cos",
        Arity::exactly(1),
        cos,
        doc(
            "(cos z)",
            "The cosine of z (radians).",
            "(cos 0)",
            "1.0",
            "sin tan acos",
        ),
    );
    r.def(
        "tan",
        Arity::exactly(1),
        tan,
        doc(
            "(tan z)",
            "The tangent of z (radians).",
            "(tan 0)",
            "0.0",
            "sin cos atan",
        ),
    );
    r.def(
        "asin",
        Arity::exactly(1),
        asin,
        doc("(asin z)", "The arcsine of z.", "(asin 0)", "0.0", "sin"),
    );
    r.def(
        "acos",
        Arity::exactly(1),
        acos,
        doc("(acos z)", "The arccosine of z.", "(acos 1)", "0.0", "cos"),
    );
    r.def(
        "atan",
        Arity::between(1, 2),
        atan,
        doc(
            "(atan z) (atan y x)",
            "The arctangent of z, or of y/x using the signs of both to choose the quadrant.",
            "(atan 0 1)",
            "0.0",
            "tan",
        ),
    );
    r.def(
        "floor",
        Arity::exactly(1),
        floor,
        doc(
            "(floor x)",
            "The largest integer not greater than x (a float for a float).",
            "(floor 2.7)",
            "2.0",
            "ceiling round truncate",
        ),
    );
    r.def(
        "ceiling",
        Arity::exactly(1),
        ceiling,
        doc(
            "(ceiling x)",
            "The smallest integer not less than x.",
            "(ceiling 2.1)",
            "3.0",
            "floor",
        ),
    );
    r.def(
        "round",
        Arity::exactly(1),
        round,
        doc(
            "(round x)",
            "The closest integer to x, rounding halves to even.",
            "(round 2.5)",
            "2.0",
            "floor truncate",
        ),
    );
    r.def(
        "truncate",
        Arity::exactly(1),
        truncate,
        doc(
            "(truncate x)",
            "x with its fractional part dropped.",
            "(truncate -2.7)",
            "-2.0",
            "floor round",
        ),
    );
    r.def(
        "square",
        Arity::exactly(1),
        square,
        doc(
            "(square z)",
            "z times z.",
            "(square 12)",
            "144",
            "expt sqrt",
        ),
    );
    r.def(
        "1+",
        Arity::exactly(1),
        one_plus,
        doc("(1+ z)", "z plus one.", "(1+ 41)", "42", "1- +"),
    );
    r.def(
        "1-",
        Arity::exactly(1),
        one_minus,
        doc("(1- z)", "z minus one.", "(1- 43)", "42", "1+ -"),
    );
    r.def(
        "random",
        Arity::exactly(1),
        random,
        doc(
            "(random n)",
            "A pseudo-random number in [0, n): an integer for an exact n, a float for a float n.",
            "(< (random 10) 10)",
            "#t",
            "",
        ),
    );
}

pub(super) fn num(name: &str, pos: usize, v: &Value) -> Result<Num, Exception> {
    number::arg(name, pos, v)
}

fn plus(_: &mut Ctx, a: &[Value]) -> R {
    let Some(first) = a.first() else {
        return Ok(Value::fixnum(0));
    };
    // The sum starts at the first argument, not at 0: 0 + -0.0 is 0.0,
    // which would lose the sign of (+ -0.0 -0.0).
    num("+", 1, first)?;
    let mut acc = first.clone();
    for (i, v) in a.iter().enumerate().skip(1) {
        num("+", i + 1, v)?;
        acc = number::add(&acc, v)?;
    }
    Ok(acc)
}

fn minus(_: &mut Ctx, a: &[Value]) -> R {
    num("-", 1, &a[0])?;
    if a.len() == 1 {
        return number::sub(&Value::fixnum(0), &a[0]).map(|v| {
            match (a[0].as_float(), v.as_float()) {
                (Some(x), _) => Value::float(-x),
                _ => v,
            }
        });
    }
    let mut acc = a[0].clone();
    for (i, v) in a[1..].iter().enumerate() {
        num("-", i + 2, v)?;
        acc = number::sub(&acc, v)?;
    }
    Ok(acc)
}

fn times(_: &mut Ctx, a: &[Value]) -> R {
    let mut acc = Value::fixnum(1);
    for (i, v) in a.iter().enumerate() {
        num("*", i + 1, v)?;
        acc = number::mul(&acc, v)?;
    }
    Ok(acc)
}

fn divide(_: &mut Ctx, a: &[Value]) -> R {
    num("/", 1, &a[0])?;
    if a.len() == 1 {
        return number::div(&Value::fixnum(1), &a[0]);
    }
    let mut acc = a[0].clone();
    for (i, v) in a[1..].iter().enumerate() {
        num("/", i + 2, v)?;
        acc = number::div(&acc, v)?;
    }
    Ok(acc)
}

fn chain(name: &str, a: &[Value], ok: fn(Ordering) -> bool) -> R {
    for (i, v) in a.iter().enumerate() {
        num(name, i + 1, v)?;
    }
    for pair in a.windows(2) {
        match number::compare(name, &pair[0], &pair[1])? {
            Some(o) if ok(o) => {}
            _ => return Ok(Value::FALSE),
        }
    }
    Ok(Value::TRUE)
}

fn num_eq(_: &mut Ctx, a: &[Value]) -> R {
    chain("=", a, |o| o == Ordering::Equal)
}
fn lt(_: &mut Ctx, a: &[Value]) -> R {
    chain("<", a, |o| o == Ordering::Less)
}
fn gt(_: &mut Ctx, a: &[Value]) -> R {
    chain(">", a, |o| o == Ordering::Greater)
}
fn le(_: &mut Ctx, a: &[Value]) -> R {
    chain("<=", a, |o| o != Ordering::Greater)
}
fn ge(_: &mut Ctx, a: &[Value]) -> R {
    chain(">=", a, |o| o != Ordering::Less)
}

fn quotient(_: &mut Ctx, a: &[Value]) -> R {
    number::int_div(IntDiv::Quotient, &a[0], &a[1])
}
fn remainder(_: &mut Ctx, a: &[Value]) -> R {
    number::int_div(IntDiv::Remainder, &a[0], &a[1])
}
fn modulo(_: &mut Ctx, a: &[Value]) -> R {
    number::int_div(IntDiv::Modulo, &a[0], &a[1])
}

fn abs(_: &mut Ctx, a: &[Value]) -> R {
    Ok(match num("abs", 1, &a[0])? {
        Num::Fix(n) => match n.checked_abs() {
            Some(m) => Value::int(m),
            None => big_to_value(-BigInt::from(n)),
        },
        Num::Big(b) => big_to_value(b.abs()),
        Num::Flo(f) => Value::float(f.abs()),
    })
}

fn extremum(name: &str, a: &[Value], want: Ordering) -> R {
    let mut best = a[0].clone();
    let mut inexact = num(name, 1, &a[0])?.to_f64().is_nan() || a[0].is_float();
    for (i, v) in a[1..].iter().enumerate() {
        if num(name, i + 2, v)?.to_f64().is_nan() {
            // NaN is unordered, so it would never win a comparison; R7RS
            // and Guile make it contagious instead (later arguments are
            // still type-checked).
            best = v.clone();
            inexact = true;
        }
        inexact |= v.is_float();
        if best.as_float().is_some_and(f64::is_nan) {
            continue;
        }
        if number::compare(name, v, &best)? == Some(want) {
            best = v.clone();
        }
    }
    if inexact {
        return Ok(Value::float(num(name, 1, &best)?.to_f64()));
    }
    Ok(best)
}

fn min(_: &mut Ctx, a: &[Value]) -> R {
    extremum("min", a, Ordering::Less)
}
fn max(_: &mut Ctx, a: &[Value]) -> R {
    extremum("max", a, Ordering::Greater)
}

/// An exact integer argument as a big integer.
pub(super) fn integer(name: &str, pos: usize, v: &Value) -> Result<BigInt, Exception> {
    match num(name, pos, v)? {
        Num::Fix(n) => Ok(BigInt::from(n)),
        Num::Big(b) => Ok(b),
        Num::Flo(f) if f.fract() == 0.0 && f.is_finite() => Ok(BigInt::from(f as i128)),
        Num::Flo(_) => Err(Exception::wrong_type(name, pos, "integer", v)),
    }
}

fn gcd(_: &mut Ctx, a: &[Value]) -> R {
    let mut acc = BigInt::zero();
    for (i, v) in a.iter().enumerate() {
        acc = acc.gcd(&integer("gcd", i + 1, v)?);
    }
    Ok(big_to_value(acc))
}

fn lcm(_: &mut Ctx, a: &[Value]) -> R {
    let mut acc = BigInt::one();
    for (i, v) in a.iter().enumerate() {
        let n = integer("lcm", i + 1, v)?;
        if n.is_zero() {
            return Ok(Value::fixnum(0));
        }
        acc = acc.lcm(&n);
    }
    Ok(big_to_value(acc))
}

fn expt(_: &mut Ctx, a: &[Value]) -> R {
    let base = num("expt", 1, &a[0])?;
    let power = num("expt", 2, &a[1])?;
    match (&base, &power) {
        (Num::Fix(_) | Num::Big(_), Num::Fix(p)) if *p >= 0 => {
            let b = integer("expt", 1, &a[0])?;
            let p = u32::try_from(*p)
                .map_err(|_| Exception::error("expt: exponent too large", vec![a[1].clone()]))?;
            if b.bits() as u128 * p as u128 > 64_000_000 {
                return Err(Exception::error(
                    "expt: result too large",
                    vec![a[0].clone(), a[1].clone()],
                ));
            }
            Ok(big_to_value(num_traits::pow(b, p as usize)))
        }
        _ => Ok(Value::float(base.to_f64().powf(power.to_f64()))),
    }
}

fn inexact(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::float(num("exact->inexact", 1, &a[0])?.to_f64()))
}

fn exact(_: &mut Ctx, a: &[Value]) -> R {
    to_exact("inexact->exact", a)
}
fn exact_r7rs(_: &mut Ctx, a: &[Value]) -> R {
    to_exact("exact", a)
}

/// Shared by `exact` and `inexact->exact`, which differ only in the name
/// their errors carry.
fn to_exact(name: &str, a: &[Value]) -> R {
    match num(name, 1, &a[0])? {
        Num::Flo(f) if f.fract() == 0.0 && f.is_finite() => {
            if f.abs() < 9.0e18 {
                Ok(Value::int(f as i64))
            } else {
                // `as i128` would saturate above 1.7e38; from_f64 is exact
                // for every integral finite float.
                BigInt::from_f64(f)
                    .map(big_to_value)
                    .ok_or_else(|| Exception::wrong_type(name, 1, "finite number", &a[0]))
            }
        }
        Num::Flo(_) => Err(Exception::error(
            format!(
                "{name}: {} has no exact representation (no rationals)",
                lisp_runtime::printer::write_string(&a[0])
            ),
            vec![],
        )),
        _ => Ok(a[0].clone()),
    }
}

fn radix_arg(name: &str, a: &[Value]) -> Result<u32, Exception> {
    match a.get(1) {
        None => Ok(10),
        Some(v) => match v.as_fixnum() {
            Some(r @ (2 | 8 | 10 | 16)) => Ok(r as u32),
            _ => Err(Exception::wrong_type(name, 2, "radix (2, 8, 10 or 16)", v)),
        },
    }
}

fn number_to_string(_: &mut Ctx, a: &[Value]) -> R {
    let radix = radix_arg("number->string", a)?;
    let text = match num("number->string", 1, &a[0])? {
        Num::Fix(n) => BigInt::from(n).to_str_radix(radix),
        Num::Big(b) => b.to_str_radix(radix),
        Num::Flo(f) if radix == 10 => lisp_runtime::printer::format_float(f),
        // Decimal digits under another radix would read back as a different
        // number, so refuse rather than print something wrong.
        Num::Flo(_) => {
            return Err(Exception::error(
                format!(
                    "number->string: the float {} can only be written in radix 10",
                    lisp_runtime::printer::write_string(&a[0])
                ),
                vec![],
            ))
        }
    };
    Ok(lisp_runtime::list::string(text))
}

fn string_to_number(_: &mut Ctx, a: &[Value]) -> R {
    let text = args::str("string->number", 1, &a[0])?;
    let radix = radix_arg("string->number", a)?;
    use crate::syntax::DatumKind;
    Ok(match crate::reader::parse_number_in(text.trim(), radix) {
        Some(DatumKind::Int(n)) => Value::int(n),
        Some(DatumKind::BigInt(b)) => big_to_value(b),
        Some(DatumKind::Float(f)) => Value::float(f),
        _ => Value::FALSE,
    })
}

fn sqrt(_: &mut Ctx, a: &[Value]) -> R {
    let n = num("sqrt", 1, &a[0])?;
    if n.is_exact() {
        let b = integer("sqrt", 1, &a[0])?;
        if !b.is_negative() {
            let root = b.sqrt();
            if &root * &root == b {
                return Ok(big_to_value(root));
            }
        }
    }
    Ok(Value::float(n.to_f64().sqrt()))
}

fn exact_integer_sqrt(_: &mut Ctx, a: &[Value]) -> R {
    let k = integer("exact-integer-sqrt", 1, &a[0])?;
    if k.is_negative() || a[0].is_float() {
        return Err(Exception::wrong_type(
            "exact-integer-sqrt",
            1,
            "non-negative exact integer",
            &a[0],
        ));
    }
    let s = k.sqrt();
    let rest = &k - &s * &s;
    Ok(Value::object(Object::Values(
        vec![big_to_value(s), big_to_value(rest)].into_boxed_slice(),
    )))
}

fn float_fn(name: &str, v: &Value, f: fn(f64) -> f64) -> R {
    Ok(Value::float(f(num(name, 1, v)?.to_f64())))
}

fn exp(_: &mut Ctx, a: &[Value]) -> R {
    float_fn("exp", &a[0], f64::exp)
}
fn log(_: &mut Ctx, a: &[Value]) -> R {
    let x = num("log", 1, &a[0])?.to_f64();
    match a.get(1) {
        None => Ok(Value::float(x.ln())),
        Some(b) => Ok(Value::float(x.ln() / num("log", 2, b)?.to_f64().ln())),
    }
}
fn sin(_: &mut Ctx, a: &[Value]) -> R {
    float_fn("sin", &a[0], f64::sin)
}
fn cos(_: &mut Ctx, a: &[Value]) -> R {
    float_fn("cos", &a[0], f64::cos)
}
fn tan(_: &mut Ctx, a: &[Value]) -> R {
    float_fn("tan", &a[0], f64::tan)
}
fn asin(_: &mut Ctx, a: &[Value]) -> R {
    float_fn("asin", &a[0], f64::asin)
}
fn acos(_: &mut Ctx, a: &[Value]) -> R {
    float_fn("acos", &a[0], f64::acos)
}
fn atan(_: &mut Ctx, a: &[Value]) -> R {
    let y = num("atan", 1, &a[0])?.to_f64();
    match a.get(1) {
        None => Ok(Value::float(y.atan())),
        Some(x) => Ok(Value::float(y.atan2(num("atan", 2, x)?.to_f64()))),
    }
}

fn rounding(name: &str, v: &Value, f: fn(f64) -> f64) -> R {
    match num(name, 1, v)? {
        Num::Flo(x) => Ok(Value::float(f(x))),
        _ => Ok(v.clone()),
    }
}
fn floor(_: &mut Ctx, a: &[Value]) -> R {
    rounding("floor", &a[0], f64::floor)
}
fn ceiling(_: &mut Ctx, a: &[Value]) -> R {
    rounding("ceiling", &a[0], f64::ceil)
}
fn round(_: &mut Ctx, a: &[Value]) -> R {
    rounding("round", &a[0], f64::round_ties_even)
}
fn truncate(_: &mut Ctx, a: &[Value]) -> R {
    rounding("truncate", &a[0], f64::trunc)
}

fn square(_: &mut Ctx, a: &[Value]) -> R {
    num("square", 1, &a[0])?;
    number::mul(&a[0], &a[0])
}

fn one_plus(_: &mut Ctx, a: &[Value]) -> R {
    num("1+", 1, &a[0])?;
    number::add(&a[0], &Value::fixnum(1))
}
fn one_minus(_: &mut Ctx, a: &[Value]) -> R {
    num("1-", 1, &a[0])?;
    number::sub(&a[0], &Value::fixnum(1))
}

fn random(_: &mut Ctx, a: &[Value]) -> R {
    use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
    static STATE: AtomicU64 = AtomicU64::new(0x2545_f491_4f6c_dd1d);
    // xorshift64*: fast, decent, and reproducible only within a run.
    let mut x = STATE.load(AtomicOrdering::Relaxed);
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    STATE.store(x, AtomicOrdering::Relaxed);
    let r = x.wrapping_mul(0x2545_f491_4f6c_dd1d);
    match num("random", 1, &a[0])? {
        Num::Fix(n) if n > 0 => Ok(Value::int((r % n as u64) as i64)),
        Num::Flo(f) if f > 0.0 => Ok(Value::float((r >> 11) as f64 / (1u64 << 53) as f64 * f)),
        _ => Err(Exception::wrong_type("random", 1, "positive number", &a[0])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Ctx {
        Ctx::new(Vec::new(), 0, std::sync::Arc::new(()))
    }

    fn show(v: R) -> String {
        lisp_runtime::printer::write_string(&v.expect("ok"))
    }

    #[test]
    fn extremum_propagates_nan_and_exact_handles_huge_floats() {
        let c = &mut ctx();
        let nan = Value::float(f64::NAN);
        assert_eq!(
            show(max(c, &[Value::int(1), nan.clone(), Value::int(2)])),
            "+nan.0"
        );
        assert_eq!(show(min(c, &[nan, Value::int(1)])), "+nan.0");
        assert!(max(c, &[Value::float(f64::NAN), Value::TRUE]).is_err());
        // 2^200 as a float converts exactly, not saturated at i128::MAX.
        let e = show(exact_r7rs(c, &[Value::float(2f64.powi(200))]));
        assert_eq!(e, BigInt::from(2).pow(200).to_string());
        let err = exact_r7rs(c, &[Value::float(2.5)]).expect_err("fractional");
        assert!(format!("{err:?}").contains("exact: 2.5"));
    }

    #[test]
    fn arithmetic_promotes_and_divides_exactly() {
        let c = &mut ctx();
        let big = Value::int(lisp_runtime::value::FIXNUM_MAX);
        assert_eq!(show(plus(c, &[big, Value::int(1)])), "4611686018427387904");
        assert_eq!(show(divide(c, &[Value::int(6), Value::int(2)])), "3");
        assert_eq!(show(divide(c, &[Value::int(7), Value::int(2)])), "3.5");
        assert_eq!(show(minus(c, &[Value::int(5)])), "-5");
        assert_eq!(
            show(expt(c, &[Value::int(2), Value::int(70)])),
            "1180591620717411303424"
        );
        assert_eq!(show(sqrt(c, &[Value::int(16)])), "4");
        assert_eq!(show(round(c, &[Value::float(2.5)])), "2.0");
        assert_eq!(show(max(c, &[Value::int(1), Value::float(2.0)])), "2.0");
    }

    #[test]
    fn type_errors_name_the_procedure_and_value() {
        let c = &mut ctx();
        let e = plus(c, &[Value::int(1), lisp_runtime::list::string("a")]).unwrap_err();
        assert_eq!(
            e.message(),
            "bad argument #2 to '+' (number expected, got \"a\")"
        );
        let e = divide(c, &[Value::int(1), Value::int(0)]).unwrap_err();
        assert!(e.message().contains("division by zero"));
    }
}
