//! The numeric tower: fixnums, big integers and floats. Integer results
//! that leave the fixnum range are promoted to big integers (never wrapped)
//! and big results that fit again are demoted. These are the slow paths of
//! both tiers: the interpreter and the JIT's intrinsics call these same
//! functions once the inline fixnum/float fast path does not apply.

use crate::error::Exception;
use crate::object::Object;
use crate::value::Value;
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{FromPrimitive, ToPrimitive, Zero};
use std::cmp::Ordering;

/// A number unpacked from a `Value`.
#[derive(Clone, Debug)]
pub enum Num {
    Fix(i64),
    Big(BigInt),
    Flo(f64),
}

impl Num {
    /// Unpacks `v`, or `None` if it is not a number.
    pub fn of(v: &Value) -> Option<Num> {
        if let Some(n) = v.as_fixnum() {
            return Some(Num::Fix(n));
        }
        if let Some(f) = v.as_float() {
            return Some(Num::Flo(f));
        }
        match v.as_object() {
            Some(Object::BigInt(b)) => Some(Num::Big(BigInt::clone(b))),
            _ => None,
        }
    }

    /// Packs the number, demoting big integers that fit a fixnum.
    pub fn into_value(self) -> Value {
        match self {
            Num::Fix(n) => Value::int(n),
            Num::Flo(f) => Value::float(f),
            Num::Big(b) => big_to_value(b),
        }
    }

    pub fn to_f64(&self) -> f64 {
        match self {
            Num::Fix(n) => *n as f64,
            Num::Big(b) => b.to_f64().unwrap_or(f64::NAN),
            Num::Flo(f) => *f,
        }
    }

    fn to_big(&self) -> BigInt {
        match self {
            Num::Fix(n) => BigInt::from(*n),
            Num::Big(b) => b.clone(),
            Num::Flo(f) => BigInt::from(*f as i64),
        }
    }

    pub fn is_exact(&self) -> bool {
        !matches!(self, Num::Flo(_))
    }

    pub fn is_zero(&self) -> bool {
        match self {
            Num::Fix(n) => *n == 0,
            Num::Big(b) => b.is_zero(),
            Num::Flo(f) => *f == 0.0,
        }
    }
}

/// A big integer as a value, demoted to a fixnum when it fits.
pub fn big_to_value(b: BigInt) -> Value {
    match b.to_i64() {
        Some(n) => Value::int(n),
        None => Value::object(Object::BigInt(Box::new(b))),
    }
}

/// Unpacks argument `position` of `procedure` as a number or raises.
pub fn arg(procedure: &str, position: usize, v: &Value) -> Result<Num, Exception> {
    Num::of(v).ok_or_else(|| Exception::wrong_type(procedure, position, "number", v))
}

fn pair(procedure: &str, a: &Value, b: &Value) -> Result<(Num, Num), Exception> {
    Ok((arg(procedure, 1, a)?, arg(procedure, 2, b)?))
}

/// `(+ a b)`.
pub fn add(a: &Value, b: &Value) -> Result<Value, Exception> {
    Ok(match pair("+", a, b)? {
        (Num::Fix(x), Num::Fix(y)) => match x.checked_add(y) {
            Some(s) => Value::int(s),
            None => big_to_value(BigInt::from(x) + BigInt::from(y)),
        },
        (Num::Flo(x), y) => Value::float(x + y.to_f64()),
        (x, Num::Flo(y)) => Value::float(x.to_f64() + y),
        (x, y) => big_to_value(x.to_big() + y.to_big()),
    })
}

/// `(- a b)`.
pub fn sub(a: &Value, b: &Value) -> Result<Value, Exception> {
    Ok(match pair("-", a, b)? {
        (Num::Fix(x), Num::Fix(y)) => match x.checked_sub(y) {
            Some(d) => Value::int(d),
            None => big_to_value(BigInt::from(x) - BigInt::from(y)),
        },
        (Num::Flo(x), y) => Value::float(x - y.to_f64()),
        (x, Num::Flo(y)) => Value::float(x.to_f64() - y),
        (x, y) => big_to_value(x.to_big() - y.to_big()),
    })
}

/// `(* a b)`.
pub fn mul(a: &Value, b: &Value) -> Result<Value, Exception> {
    Ok(match pair("*", a, b)? {
        (Num::Fix(x), Num::Fix(y)) => match x.checked_mul(y) {
            Some(p) => Value::int(p),
            None => big_to_value(BigInt::from(x) * BigInt::from(y)),
        },
        (Num::Flo(x), y) => Value::float(x * y.to_f64()),
        (x, Num::Flo(y)) => Value::float(x.to_f64() * y),
        (x, y) => big_to_value(x.to_big() * y.to_big()),
    })
}

/// `(/ a b)`: exact when the division is exact, a float otherwise
/// (`(/ 6 2)` is 3, `(/ 7 2)` is 3.5). Exact division by zero raises.
pub fn div(a: &Value, b: &Value) -> Result<Value, Exception> {
    let (x, y) = pair("/", a, b)?;
    if x.is_exact() && y.is_exact() {
        if y.is_zero() {
            return Err(Exception::error("/: division by zero", vec![]));
        }
        let (xb, yb) = (x.to_big(), y.to_big());
        if (&xb % &yb).is_zero() {
            return Ok(big_to_value(xb / yb));
        }
    }
    Ok(Value::float(x.to_f64() / y.to_f64()))
}

/// Compares two numbers; `None` when either is NaN.
pub fn compare(procedure: &str, a: &Value, b: &Value) -> Result<Option<Ordering>, Exception> {
    if let (Some(x), Some(y)) = (a.as_fixnum(), b.as_fixnum()) {
        return Ok(Some(x.cmp(&y)));
    }
    Ok(match pair(procedure, a, b)? {
        (Num::Fix(x), Num::Fix(y)) => Some(x.cmp(&y)),
        (Num::Flo(x), Num::Flo(y)) => x.partial_cmp(&y),
        // Fixnums within 2^53 convert to f64 exactly: the common, cheap case.
        (Num::Fix(n), Num::Flo(y)) if n.unsigned_abs() <= EXACT_F64 => (n as f64).partial_cmp(&y),
        (Num::Flo(x), Num::Fix(n)) if n.unsigned_abs() <= EXACT_F64 => x.partial_cmp(&(n as f64)),
        (Num::Flo(x), y) => exact_float_cmp(&y.to_big(), x).map(Ordering::reverse),
        (x, Num::Flo(y)) => exact_float_cmp(&x.to_big(), y),
        (x, y) => Some(x.to_big().cmp(&y.to_big())),
    })
}

/// Largest magnitude below which every integer is exactly an f64.
const EXACT_F64: u64 = 1 << 53;

/// Orders an exact integer against a float without rounding the integer
/// to a float first: `(= 9007199254740993 9007199254740992.0)` must be #f
/// (R7RS requires comparisons to be transitive), though both round to the
/// same f64. `None` when `f` is NaN.
fn exact_float_cmp(n: &BigInt, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    if f.is_infinite() {
        return Some(if f > 0.0 {
            Ordering::Less
        } else {
            Ordering::Greater
        });
    }
    let floor = BigInt::from_f64(f.floor())?;
    Some(match n.cmp(&floor) {
        // n >= floor + 1 > f.
        Ordering::Greater => Ordering::Greater,
        Ordering::Less => Ordering::Less,
        Ordering::Equal if f.fract() == 0.0 => Ordering::Equal,
        // n == floor(f) < f.
        Ordering::Equal => Ordering::Less,
    })
}

/// Integer division family: which of quotient, remainder, modulo.
#[derive(Clone, Copy)]
pub enum IntDiv {
    Quotient,
    Remainder,
    Modulo,
}

/// `quotient`, `remainder` and `modulo` on integers (floats with integral
/// values are accepted and give floats, as in R7RS).
pub fn int_div(op: IntDiv, a: &Value, b: &Value) -> Result<Value, Exception> {
    if let (Some(p), Some(q)) = (a.as_fixnum(), b.as_fixnum()) {
        if q != 0 {
            return Ok(Value::int(fix_div(op, p, q)));
        }
    }
    let name = match op {
        IntDiv::Quotient => "quotient",
        IntDiv::Remainder => "remainder",
        IntDiv::Modulo => "modulo",
    };
    let (x, y) = pair(name, a, b)?;
    for (i, (n, v)) in [(&x, a), (&y, b)].into_iter().enumerate() {
        if let Num::Flo(f) = n {
            if f.fract() != 0.0 || !f.is_finite() {
                return Err(Exception::wrong_type(name, i + 1, "integer", v));
            }
        }
    }
    if y.is_zero() {
        return Err(Exception::error(
            format!("{name}: division by zero"),
            vec![],
        ));
    }
    if !x.is_exact() || !y.is_exact() {
        let (p, q) = (x.to_f64(), y.to_f64());
        let r = match op {
            IntDiv::Quotient => (p / q).trunc(),
            IntDiv::Remainder => p % q,
            IntDiv::Modulo => {
                let r = p % q;
                if r != 0.0 && (r < 0.0) != (q < 0.0) {
                    r + q
                } else {
                    r
                }
            }
        };
        return Ok(Value::float(r));
    }
    // Two fixnums took the fast path at the top: here one is big.
    let (p, q) = (x.to_big(), y.to_big());
    Ok(big_to_value(match op {
        IntDiv::Quotient => &p / &q,
        IntDiv::Remainder => &p % &q,
        IntDiv::Modulo => p.mod_floor(&q),
    }))
}

/// `int_div` of two fixnums, `q` nonzero. Only FIXNUM_MIN / -1 overflows
/// 63 bits, and i64 arithmetic holds it (`Value::int` promotes it).
#[inline]
fn fix_div(op: IntDiv, p: i64, q: i64) -> i64 {
    match op {
        IntDiv::Quotient => p / q,
        IntDiv::Remainder => p % q,
        IntDiv::Modulo => p.mod_floor(&q),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn mixed_comparison_does_not_round_the_integer() {
        use super::compare;
        let big = Value::int((1i64 << 53) + 1);
        let f = Value::float((1u64 << 53) as f64);
        assert_eq!(
            compare("=", &big, &f).expect("numbers"),
            Some(Ordering::Greater)
        );
        assert_eq!(
            compare("<", &f, &big).expect("numbers"),
            Some(Ordering::Less)
        );
        assert_eq!(
            compare("<", &Value::int(3), &Value::float(3.5)).expect("numbers"),
            Some(Ordering::Less)
        );
        assert_eq!(
            compare("<", &Value::int(-4), &Value::float(-3.5)).expect("numbers"),
            Some(Ordering::Less)
        );
        assert_eq!(
            compare("<", &Value::int(3), &Value::float(f64::NAN)).expect("numbers"),
            None
        );
        assert_eq!(
            compare("<", &Value::int(3), &Value::float(f64::INFINITY)).expect("numbers"),
            Some(Ordering::Less)
        );
    }

    use super::*;

    #[test]
    fn fixnum_overflow_promotes_and_demotes() {
        let max = Value::int(crate::value::FIXNUM_MAX);
        let big = add(&max, &Value::int(1)).unwrap();
        assert!(!big.is_fixnum());
        let back = sub(&big, &Value::int(1)).unwrap();
        assert_eq!(back.as_fixnum(), Some(crate::value::FIXNUM_MAX));
    }

    #[test]
    fn division_is_exact_when_it_can_be() {
        assert_eq!(
            div(&Value::int(6), &Value::int(2)).unwrap().as_fixnum(),
            Some(3)
        );
        assert_eq!(
            div(&Value::int(7), &Value::int(2)).unwrap().as_float(),
            Some(3.5)
        );
        assert!(div(&Value::int(1), &Value::int(0)).is_err());
    }

    #[test]
    fn modulo_takes_the_sign_of_the_divisor() {
        let m = |a, b| {
            int_div(IntDiv::Modulo, &Value::int(a), &Value::int(b))
                .unwrap()
                .as_fixnum()
        };
        assert_eq!(m(-7, 2), Some(1));
        assert_eq!(m(7, -2), Some(-1));
        let r = |a, b| {
            int_div(IntDiv::Remainder, &Value::int(a), &Value::int(b))
                .unwrap()
                .as_fixnum()
        };
        assert_eq!(r(-7, 2), Some(-1));
    }
}
