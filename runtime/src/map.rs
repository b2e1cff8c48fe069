//! Persistent hash maps (`{:a 1}`, `map-set`, ...). Built on `imbl`'s HAMT;
//! each entry remembers when it was first inserted so that maps print and
//! list their keys in insertion order, as Clojure's small maps do.

use crate::equality::EqualKey;
use crate::value::Value;

/// An immutable map from values (compared with `equal?`) to values.
#[derive(Clone, Default)]
pub struct LMap {
    entries: imbl::HashMap<EqualKey, (u64, Value)>,
    next_seq: u64,
}

impl LMap {
    pub fn new() -> LMap {
        LMap::default()
    }

    pub fn get(&self, key: &Value) -> Option<&Value> {
        self.entries.get(&EqualKey(key.clone())).map(|(_, v)| v)
    }

    pub fn contains(&self, key: &Value) -> bool {
        self.entries.contains_key(&EqualKey(key.clone()))
    }

    /// A new map with `key` bound to `value` (keeping its original position
    /// when the key was already present).
    pub fn set(&self, key: Value, value: Value) -> LMap {
        let mut out = self.clone();
        let k = EqualKey(key);
        let seq = match out.entries.get(&k) {
            Some((seq, _)) => *seq,
            None => {
                out.next_seq += 1;
                out.next_seq
            }
        };
        out.entries.insert(k, (seq, value));
        out
    }

    /// A new map without `key`.
    pub fn remove(&self, key: &Value) -> LMap {
        let mut out = self.clone();
        out.entries.remove(&EqualKey(key.clone()));
        out
    }

    pub fn count(&self) -> usize {
        self.entries.len()
    }

    /// The entries in insertion order.
    pub fn entries(&self) -> Vec<(Value, Value)> {
        let mut all: Vec<(u64, Value, Value)> = self
            .entries
            .iter()
            .map(|(k, (seq, v))| (*seq, k.0.clone(), v.clone()))
            .collect();
        all.sort_by_key(|(seq, _, _)| *seq);
        all.into_iter().map(|(_, k, v)| (k, v)).collect()
    }

    /// `equal?` on maps: same keys bound to `equal?` values.
    pub fn equal(&self, other: &LMap) -> bool {
        self.count() == other.count()
            && self
                .entries
                .iter()
                .all(|(k, (_, v))| match other.get(&k.0) {
                    Some(w) => crate::equality::equal(v, w),
                    None => false,
                })
    }
}
