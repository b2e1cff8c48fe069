//! Conversions between Rust values and Lisp values.

use super::Error;
use lisp_runtime::list::{list_from, list_to_vec, string};
use lisp_runtime::{Object, Value};

/// A Rust type that can be made from a Lisp value.
///
/// ```
/// use lisp::api::{FromValue, Value};
/// assert_eq!(i64::from_value(&Value::int(7)).unwrap(), 7);
/// assert!(String::from_value(&Value::int(7)).is_err());
/// ```
pub trait FromValue: Sized {
    fn from_value(v: &Value) -> Result<Self, Error>;
}

/// A Rust type that can be turned into a Lisp value.
///
/// ```
/// use lisp::api::IntoValue;
/// let v = vec![1i64, 2, 3].into_value();
/// assert_eq!(lisp_runtime::printer::write_string(&v), "(1 2 3)");
/// ```
pub trait IntoValue {
    fn into_value(self) -> Value;
}

fn mismatch(expected: &str, v: &Value) -> Error {
    Error::new(format!(
        "expected {expected}, got {}",
        lisp_runtime::printer::write_string_truncated(v, 60)
    ))
}

impl FromValue for Value {
    fn from_value(v: &Value) -> Result<Self, Error> {
        Ok(v.clone())
    }
}

impl FromValue for i64 {
    fn from_value(v: &Value) -> Result<Self, Error> {
        v.as_fixnum().ok_or_else(|| mismatch("an integer", v))
    }
}

impl FromValue for f64 {
    fn from_value(v: &Value) -> Result<Self, Error> {
        match lisp_runtime::number::Num::of(v) {
            Some(n) => Ok(n.to_f64()),
            None => Err(mismatch("a number", v)),
        }
    }
}

impl FromValue for bool {
    fn from_value(v: &Value) -> Result<Self, Error> {
        Ok(v.is_true())
    }
}

impl FromValue for String {
    fn from_value(v: &Value) -> Result<Self, Error> {
        match v.as_object() {
            Some(Object::String(s)) => Ok(s.text.to_string()),
            _ => match v.as_symbol() {
                Some(sym) => Ok(sym.name().to_string()),
                None => Err(mismatch("a string", v)),
            },
        }
    }
}

impl FromValue for () {
    fn from_value(_: &Value) -> Result<Self, Error> {
        Ok(())
    }
}

impl<T: FromValue> FromValue for Vec<T> {
    fn from_value(v: &Value) -> Result<Self, Error> {
        let items = match v.as_object() {
            Some(Object::Vector(items)) => items.read().to_vec(),
            _ => list_to_vec(v).ok_or_else(|| mismatch("a list or vector", v))?,
        };
        items.iter().map(T::from_value).collect()
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: &Value) -> Result<Self, Error> {
        if v.is_false() || v.is_nil() {
            Ok(None)
        } else {
            T::from_value(v).map(Some)
        }
    }
}

impl IntoValue for Value {
    fn into_value(self) -> Value {
        self
    }
}

impl IntoValue for i64 {
    fn into_value(self) -> Value {
        Value::int(self)
    }
}

impl IntoValue for i32 {
    fn into_value(self) -> Value {
        Value::int(self as i64)
    }
}

impl IntoValue for usize {
    fn into_value(self) -> Value {
        Value::int(self as i64)
    }
}

impl IntoValue for f64 {
    fn into_value(self) -> Value {
        Value::float(self)
    }
}

impl IntoValue for bool {
    fn into_value(self) -> Value {
        Value::bool(self)
    }
}

impl IntoValue for String {
    fn into_value(self) -> Value {
        string(self)
    }
}

impl IntoValue for &str {
    fn into_value(self) -> Value {
        string(self)
    }
}

impl IntoValue for () {
    fn into_value(self) -> Value {
        Value::VOID
    }
}

impl<T: IntoValue> IntoValue for Vec<T> {
    fn into_value(self) -> Value {
        list_from(
            self.into_iter()
                .map(IntoValue::into_value)
                .collect::<Vec<_>>(),
        )
    }
}

impl<T: IntoValue> IntoValue for Option<T> {
    fn into_value(self) -> Value {
        match self {
            Some(v) => v.into_value(),
            None => Value::FALSE,
        }
    }
}

/// Argument lists for `Lisp::call`: tuples of `IntoValue`s, or a `Vec<Value>`.
pub trait IntoArgs {
    fn into_args(self) -> Vec<Value>;
}

impl IntoArgs for Vec<Value> {
    fn into_args(self) -> Vec<Value> {
        self
    }
}

macro_rules! tuple_args {
    ($($t:ident),*) => {
        impl<$($t: IntoValue),*> IntoArgs for ($($t,)*) {
            #[allow(non_snake_case)]
            fn into_args(self) -> Vec<Value> {
                let ($($t,)*) = self;
                vec![$($t.into_value()),*]
            }
        }
    };
}

tuple_args!();
tuple_args!(A);
tuple_args!(A, B);
tuple_args!(A, B, C);
tuple_args!(A, B, C, D);
tuple_args!(A, B, C, D, E);
