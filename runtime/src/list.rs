//! Building and walking lists and strings as values.

use crate::object::{LString, Object, Pair};
use crate::value::Value;

/// `(cons car cdr)`.
pub fn cons(car: Value, cdr: Value) -> Value {
    Value::object(Object::Pair(Pair { car, cdr }))
}

/// A proper list of `items`.
pub fn list_from(items: impl IntoIterator<Item = Value, IntoIter: DoubleEndedIterator>) -> Value {
    list_with_tail(items, Value::NIL)
}

/// A list of `items` ending in `tail` instead of `()`.
pub fn list_with_tail(
    items: impl IntoIterator<Item = Value, IntoIter: DoubleEndedIterator>,
    tail: Value,
) -> Value {
    let mut out = tail;
    for item in items.into_iter().rev() {
        out = cons(item, out);
    }
    out
}

/// The elements of a proper list, or `None` if `v` is not one.
pub fn list_to_vec(v: &Value) -> Option<Vec<Value>> {
    let mut out = Vec::new();
    let mut cur = v.clone();
    loop {
        match cur.as_object() {
            Some(Object::Pair(p)) => {
                out.push(p.car.clone());
                let next = p.cdr.clone();
                cur = next;
            }
            _ if cur.is_nil() => return Some(out),
            _ => return None,
        }
    }
}

/// A new immutable string value.
pub fn string(text: impl Into<Box<str>>) -> Value {
    Value::object(Object::String(LString::new(text)))
}

impl Value {
    /// The pair this value is, if any.
    pub fn as_pair(&self) -> Option<&Pair> {
        match self.as_object() {
            Some(Object::Pair(p)) => Some(p),
            _ => None,
        }
    }

    /// The text of a string value, if it is one.
    pub fn as_str(&self) -> Option<&str> {
        match self.as_object() {
            Some(Object::String(s)) => Some(&s.text),
            _ => None,
        }
    }

    pub fn is_pair(&self) -> bool {
        self.as_pair().is_some()
    }
}
