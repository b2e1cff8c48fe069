//! Snapshots for `spawn`: the child sees the bindings as they were at the
//! spawn. Global tables are copied by the caller; this module copies what
//! closures capture. A closure is copied with fresh `Cell`s holding the
//! current values of its `set!` variables, recursively through the closures
//! it can reach, so a `set!` on either side is invisible to the other.
//! Everything else (vectors, hash tables, atoms, channels) is shared by
//! reference: those are the means of coordination.

use crate::object::{Closure, Object};
use crate::value::Value;
use parking_lot::Mutex;
use std::collections::HashMap;

/// Copies closures and cells reachable from values; shares the rest.
#[derive(Default)]
pub struct Snapshot {
    copies: HashMap<u64, Value>,
}

impl Snapshot {
    pub fn new() -> Snapshot {
        Snapshot::default()
    }

    /// The snapshot of `v`.
    pub fn copy(&mut self, v: &Value) -> Value {
        match v.as_object() {
            Some(Object::Closure(c)) => {
                if let Some(done) = self.copies.get(&v.address()) {
                    return done.clone();
                }
                if !c.captured.iter().any(needs_copy) {
                    return v.clone();
                }
                let captured: Box<[Value]> = c.captured.iter().map(|x| self.copy(x)).collect();
                let copy = Value::object(Object::Closure(Closure {
                    template: c.template.clone(),
                    captured,
                }));
                self.copies.insert(v.address(), copy.clone());
                copy
            }
            Some(Object::Cell(m)) => {
                if let Some(done) = self.copies.get(&v.address()) {
                    return done.clone();
                }
                // Register the new cell before copying its contents, so a
                // cycle through cells (mutually recursive letrec) ends here.
                let cell = Value::object(Object::Cell(Mutex::new(Value::UNBOUND)));
                self.copies.insert(v.address(), cell.clone());
                let inner = m.lock().clone();
                let inner = self.copy(&inner);
                if let Some(Object::Cell(new)) = cell.as_object() {
                    *new.lock() = inner;
                }
                cell
            }
            _ => v.clone(),
        }
    }
}

fn needs_copy(v: &Value) -> bool {
    matches!(v.as_object(), Some(Object::Closure(_) | Object::Cell(_)))
}
