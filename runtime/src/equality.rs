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

/// `equal?`: structural equality on pairs, strings, vectors, maps and
/// multiple values, `eqv?` on everything else (records compare by
/// identity).
///
/// The walk keeps its own stack of pending comparisons instead of
/// recursing, so a structure nested 10^6 deep in its cars compares on any
/// thread's stack. Vectors are the only mutable containers, so they are
/// the only way to build a cycle: each pair of vectors is compared once,
/// and meeting the same pair again counts as equal (the cycles then have
/// the same shape), so `equal?` terminates on circular vectors as R7RS
/// requires.
pub fn equal(a: &Value, b: &Value) -> bool {
    // Fast paths for the common keys (atoms, strings): no allocation.
    if eqv(a, b) {
        return true;
    }
    match (a.as_object(), b.as_object()) {
        (Some(Object::String(s)), Some(Object::String(t))) => return s.text == t.text,
        (Some(_), Some(_)) => {}
        _ => return false,
    }
    let mut pending = vec![(a.clone(), b.clone())];
    let mut vectors_seen = std::collections::HashSet::new();
    while let Some((x, y)) = pending.pop() {
        if eqv(&x, &y) {
            continue;
        }
        let (Some(ox), Some(oy)) = (x.as_object(), y.as_object()) else {
            return false;
        };
        match (ox, oy) {
            (Object::Pair(p), Object::Pair(q)) => {
                // The car is compared first (pushed last), so a long list
                // keeps just one pending cdr comparison on the stack.
                pending.push((p.cdr.clone(), q.cdr.clone()));
                pending.push((p.car.clone(), q.car.clone()));
            }
            (Object::String(s), Object::String(t)) => {
                if s.text != t.text {
                    return false;
                }
            }
            (Object::Vector(v), Object::Vector(w)) => {
                if !vectors_seen.insert((x.raw(), y.raw())) {
                    continue;
                }
                // One lock at a time: never hold a vector's lock while
                // taking another's.
                let v = v.read().clone();
                let w = w.read().clone();
                if !push_items(&mut pending, &v, &w) {
                    return false;
                }
            }
            (Object::Values(v), Object::Values(w)) => {
                if !push_items(&mut pending, v, w) {
                    return false;
                }
            }
            (Object::Map(m), Object::Map(n)) => {
                if !m.equal(n) {
                    return false;
                }
            }
            _ => return false,
        }
    }
    true
}

/// Queues the element-wise comparison of two sequences, first elements
/// on top; false if their lengths differ.
fn push_items(pending: &mut Vec<(Value, Value)>, v: &[Value], w: &[Value]) -> bool {
    if v.len() != w.len() {
        return false;
    }
    pending.extend(v.iter().cloned().zip(w.iter().cloned()).rev());
    true
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
        let v = Value::object(Object::Vector(parking_lot::RwLock::new(
            vec![a.clone()].into(),
        )));
        let w = Value::object(Object::Vector(parking_lot::RwLock::new(
            vec![b.clone()].into(),
        )));
        assert_eq!(hash_of(&v), hash_of(&w));
    }

    #[test]
    fn deep_car_nesting_compares_without_recursion() {
        let nest = || {
            let mut x = Value::NIL;
            for _ in 0..1_000_000 {
                x = cons(x, Value::NIL);
            }
            x
        };
        let (a, b) = (nest(), nest());
        // A small stack: recursion on the depth would overflow it.
        let same = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || {
                let same = equal(&a, &b);
                // Unnest before dropping: freeing follows cdrs only.
                for mut x in [a, b] {
                    while let Some(p) = x.as_pair() {
                        let car = p.car.clone();
                        x = car;
                    }
                }
                same
            })
            .expect("thread")
            .join()
            .expect("no overflow");
        assert!(same);
    }

    #[test]
    fn circular_vectors_compare_by_shape() {
        let circular = || {
            let v = Value::object(Object::Vector(parking_lot::RwLock::new(
                vec![Value::NIL].into(),
            )));
            if let Some(Object::Vector(items)) = v.as_object() {
                items.write()[0] = v.clone();
            }
            v
        };
        let (v, w) = (circular(), circular());
        assert!(equal(&v, &w));
        let u = Value::object(Object::Vector(parking_lot::RwLock::new(
            vec![Value::int(1)].into(),
        )));
        assert!(!equal(&v, &u));
        for x in [&v, &w] {
            if let Some(Object::Vector(items)) = x.as_object() {
                items.write()[0] = Value::NIL;
            }
        }
    }

    #[test]
    fn structural_equality() {
        let l = |items: &[i64]| list_from(items.iter().map(|&i| Value::int(i)).collect::<Vec<_>>());
        assert!(equal(&l(&[1, 2, 3]), &l(&[1, 2, 3])));
        assert!(!equal(&l(&[1, 2, 3]), &l(&[1, 2])));
        assert!(!equal(&l(&[1, 2]), &cons(Value::int(1), Value::int(2))));
        assert!(equal(
            &crate::list::string("ab"),
            &crate::list::string("ab")
        ));
        assert!(!equal(&Value::int(2), &Value::float(2.0)));
    }

    #[test]
    fn self_containing_vectors_and_shared_dags_hash_quickly() {
        let v = Value::object(Object::Vector(parking_lot::RwLock::new(
            vec![Value::NIL].into(),
        )));
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
        assert!(equal(&v, &v));
        // Break the cycle so the vector is freed.
        if let Some(Object::Vector(items)) = v.as_object() {
            items.write()[0] = cons(Value::NIL, Value::NIL);
        }
    }
}
