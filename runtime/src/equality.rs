//! `eqv?` and `equal?`, and hashing consistent with `equal?` so that values
//! can key hash tables and maps.

use crate::object::Object;
use crate::value::Value;
use std::hash::{Hash, Hasher};

/// `eqv?`: identity, except that numbers and characters compare by value
/// (exactness included) and strings do not.
pub fn eqv(a: &Value, b: &Value) -> bool {
    if a.is(b) {
        return true;
    }
    match (a.as_object(), b.as_object()) {
        (Some(Object::BigInt(x)), Some(Object::BigInt(y))) => x == y,
        _ => match (a.as_float(), b.as_float()) {
            (Some(x), Some(y)) => x.to_bits() == y.to_bits() || (x == y && x != 0.0),
            _ => false,
        },
    }
}

/// `equal?`: structural equality on pairs, strings, vectors, maps, records'
/// identity, and `eqv?` on everything else.
pub fn equal(a: &Value, b: &Value) -> bool {
    if eqv(a, b) {
        return true;
    }
    let (Some(x), Some(y)) = (a.as_object(), b.as_object()) else {
        return false;
    };
    match (x, y) {
        (Object::Pair(_), Object::Pair(_)) => {
            // Iterate along the spine so long lists do not recurse deeply.
            let (mut p, mut q) = (a.clone(), b.clone());
            loop {
                match (p.as_object(), q.as_object()) {
                    (Some(Object::Pair(pp)), Some(Object::Pair(qq))) => {
                        if !equal(&pp.car, &qq.car) {
                            return false;
                        }
                        let (np, nq) = (pp.cdr.clone(), qq.cdr.clone());
                        p = np;
                        q = nq;
                    }
                    _ => return equal(&p, &q),
                }
            }
        }
        (Object::String(s), Object::String(t)) => s.text == t.text,
        (Object::Vector(v), Object::Vector(w)) => {
            let (v, w) = (v.read().clone(), w.read().clone());
            v.len() == w.len() && v.iter().zip(w.iter()).all(|(p, q)| equal(p, q))
        }
        (Object::Map(m), Object::Map(n)) => m.equal(n),
        (Object::Values(v), Object::Values(w)) => {
            v.len() == w.len() && v.iter().zip(w.iter()).all(|(p, q)| equal(p, q))
        }
        _ => false,
    }
}

/// How many values one hash looks at. Hashing fewer parts of a value is
/// always consistent with `equal?`; the bound keeps hashing cheap for big
/// keys, finite for a vector that contains itself, shallow in recursion,
/// and linear for a DAG with exponentially many paths.
const HASH_BUDGET: usize = 256;

/// Feeds a hash of `v` consistent with `equal?` into `state`.
pub fn hash_equal<H: Hasher>(v: &Value, state: &mut H) {
    let mut budget = HASH_BUDGET;
    hash_bounded(v, state, &mut budget);
}

fn hash_bounded<H: Hasher>(v: &Value, state: &mut H, budget: &mut usize) {
    if *budget == 0 {
        return;
    }
    *budget -= 1;
    if let Some(f) = v.as_float() {
        if f == f.trunc() && f.abs() < 1e18 {
            // 2.0 and 2 are not equal?, but hashing them alike is harmless.
            (f as i64).hash(state);
        } else {
            f.to_bits().hash(state);
        }
        return;
    }
    match v.as_object() {
        None => v.raw().hash(state),
        Some(Object::BigInt(n)) => n.hash(state),
        Some(Object::String(s)) => s.text.hash(state),
        Some(Object::Pair(_)) => {
            let mut p = v.clone();
            let mut count: usize = 0;
            while let Some(Object::Pair(pair)) = p.as_object() {
                hash_bounded(&pair.car, state, budget);
                count += 1;
                let next = pair.cdr.clone();
                p = next;
            }
            count.hash(state);
        }
        Some(Object::Vector(items)) => {
            // Copy the items out rather than hashing under the read lock,
            // so hashing never holds one vector's lock while taking another's.
            let (len, head) = {
                let items = items.read();
                let head: Vec<Value> = items.iter().take(*budget).cloned().collect();
                (items.len(), head)
            };
            len.hash(state);
            for item in &head {
                hash_bounded(item, state, budget);
            }
        }
        Some(Object::Values(items)) => {
            items.len().hash(state);
            for item in items.iter() {
                hash_bounded(item, state, budget);
            }
        }
        Some(Object::Map(m)) => m.count().hash(state),
        Some(_) => v.raw().hash(state),
    }
}

/// A value compared with `equal?` and hashed consistently: the key type of
/// hash tables and maps.
#[derive(Clone)]
pub struct EqualKey(pub Value);

impl PartialEq for EqualKey {
    fn eq(&self, other: &EqualKey) -> bool {
        equal(&self.0, &other.0)
    }
}

impl Eq for EqualKey {}

impl Hash for EqualKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_equal(&self.0, state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::list::{cons, list_from};
    use std::collections::hash_map::DefaultHasher;

    fn hash_of(v: &Value) -> u64 {
        let mut h = DefaultHasher::new();
        hash_equal(v, &mut h);
        h.finish()
    }

    #[test]
    fn equal_values_hash_alike() {
        let a = list_from((0..1000).map(Value::int).collect::<Vec<_>>());
        let b = list_from((0..1000).map(Value::int).collect::<Vec<_>>());
        assert!(equal(&a, &b));
        assert_eq!(hash_of(&a), hash_of(&b));
        let v = Value::object(Object::Vector(parking_lot::RwLock::new(vec![a.clone()])));
        let w = Value::object(Object::Vector(parking_lot::RwLock::new(vec![b.clone()])));
        assert_eq!(hash_of(&v), hash_of(&w));
    }

    #[test]
    fn self_containing_vectors_and_shared_dags_hash_quickly() {
        let v = Value::object(Object::Vector(parking_lot::RwLock::new(vec![Value::NIL])));
        if let Some(Object::Vector(items)) = v.as_object() {
            items.write()[0] = v.clone();
        }
        hash_of(&v);
        // (list x x) nested 100 deep has 2^100 paths from the root.
        let mut x = Value::NIL;
        for _ in 0..100 {
            x = list_from([x.clone(), x]);
        }
        hash_of(&x);
        // Break the cycle so the vector is freed.
        if let Some(Object::Vector(items)) = v.as_object() {
            items.write()[0] = cons(Value::NIL, Value::NIL);
        }
    }
}
