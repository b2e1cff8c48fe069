//! Snapshots for `spawn`: the child sees the bindings as they were at the
//! spawn, and later `set!`s on either side are invisible to the other.
//!
//! Globals need no work here: the child gets its own copy of the global
//! table. Lexical variables that are `set!` live in `Cell`s that closures
//! capture, so this module copies closures: the copy of a closure holds
//! fresh cells with the current values of the old ones, recursively through
//! the closures reachable from captured values and cell contents. Copies
//! are memoized by address, so a cell or closure shared by two closures is
//! still shared (once) in the snapshot, and cycles (a recursive closure
//! reaching itself through its cell) are preserved.
//!
//! Nothing else is copied: pairs, vectors, hash tables, records, atoms and
//! channels are shared by reference (the snapshot does not look inside
//! them), because objects are the means of coordination between threads.
//!
//! The traversal uses an explicit stack, so a long chain of closures built
//! by a program cannot overflow the native stack.

use crate::object::{Closure, Object};
use crate::value::Value;
use parking_lot::Mutex;
use std::collections::HashMap;

/// Copies closures and cells reachable from values, sharing everything
/// else. One `Snapshot` used for several values (the global table and a
/// thunk) keeps the sharing between them.
#[derive(Default)]
pub struct Snapshot {
    /// Address of an original closure or cell -> (the original, its copy).
    /// A closure that needed no copy maps to itself. The original is kept
    /// alive so that its address cannot be reused while the memo exists:
    /// a closure shared through a vector may have its cells set! by another
    /// thread during the snapshot, dropping what they held.
    copies: HashMap<u64, (Value, Value)>,
}

/// The snapshot of one value (see the module doc).
pub fn snapshot(v: &Value) -> Value {
    Snapshot::new().copy(v)
}

/// A cell whose copy is made but not yet filled: (new cell, old contents).
type PendingCell = (Value, Value);

impl Snapshot {
    pub fn new() -> Snapshot {
        Snapshot::default()
    }

    /// The snapshot of `v`.
    pub fn copy(&mut self, v: &Value) -> Value {
        if !needs_copy(v) {
            return v.clone();
        }
        if let Some((_, done)) = self.copies.get(&v.address()) {
            return done.clone();
        }
        let mut cells = Vec::new();
        let closures = self.discover(v, &mut cells);
        // Post-order: every closure's captured closures are already mapped;
        // cells were mapped (to empty copies) during discovery, which is
        // what breaks cycles, since a closure's captures are immutable.
        for old in closures {
            let copy = self.copy_closure(&old);
            self.copies.insert(old.address(), (old, copy));
        }
        for (new, old_contents) in cells {
            let contents = self.mapped(&old_contents);
            if let Some(Object::Cell(m)) = new.as_object() {
                *m.lock() = contents;
            }
        }
        self.mapped(v)
    }

    /// Walks the closures and cells reachable from `root` that have no copy
    /// yet. Makes an empty copy of each cell at once (recorded in `cells`
    /// with the contents read now, so a value changed meanwhile by another
    /// thread is read exactly once) and returns the closures in post-order.
    fn discover(&mut self, root: &Value, cells: &mut Vec<PendingCell>) -> Vec<Value> {
        let mut post_order = Vec::new();
        let mut visiting: HashMap<u64, ()> = HashMap::new();
        // (value, whether its children have been pushed)
        let mut stack = vec![(root.clone(), false)];
        while let Some((v, expanded)) = stack.pop() {
            if expanded {
                post_order.push(v);
                continue;
            }
            let address = v.address();
            if self.copies.contains_key(&address) || visiting.contains_key(&address) {
                continue;
            }
            match v.as_object() {
                Some(Object::Cell(m)) => {
                    let contents = m.lock().clone();
                    let fresh = Value::object(Object::Cell(Mutex::new(Value::UNBOUND)));
                    self.copies.insert(address, (v.clone(), fresh.clone()));
                    if needs_copy(&contents) {
                        stack.push((contents.clone(), false));
                    }
                    cells.push((fresh, contents));
                }
                Some(Object::Closure(c)) => {
                    visiting.insert(address, ());
                    let children: Vec<Value> = c
                        .captured()
                        .iter()
                        .filter(|x| needs_copy(x))
                        .cloned()
                        .collect();
                    stack.push((v, true));
                    stack.extend(children.into_iter().map(|x| (x, false)));
                }
                _ => {}
            }
        }
        post_order
    }

    /// A copy of closure `old` with its captures mapped; `old` itself when
    /// no capture changed (it reaches no cell).
    fn copy_closure(&self, old: &Value) -> Value {
        let Some(Object::Closure(c)) = old.as_object() else {
            return old.clone();
        };
        let old_captured = c.captured();
        let captured: Vec<Value> = old_captured.iter().map(|x| self.mapped(x)).collect();
        if captured.iter().zip(old_captured).all(|(a, b)| a.is(b)) {
            return old.clone();
        }
        let mut captured = captured.into_iter();
        Value::object(Object::Closure(Closure::new(c.template.clone(), |_| {
            captured.next().unwrap_or(Value::UNBOUND)
        })))
    }

    /// The copy of `v` if it has one, else `v` itself.
    fn mapped(&self, v: &Value) -> Value {
        if !is_copied_kind(v) {
            return v.clone();
        }
        match self.copies.get(&v.address()) {
            Some((_, copy)) => copy.clone(),
            None => v.clone(),
        }
    }
}

/// Closures and cells are what a snapshot copies.
fn is_copied_kind(v: &Value) -> bool {
    matches!(v.as_object(), Some(Object::Closure(_) | Object::Cell(_)))
}

/// Whether `v` may have to be copied: a cell, or a closure that captures a
/// cell or a closure. A closure capturing neither (most global functions)
/// is its own snapshot, found without touching the memo.
fn needs_copy(v: &Value) -> bool {
    match v.as_object() {
        Some(Object::Cell(_)) => true,
        Some(Object::Closure(c)) => c.captured().iter().any(is_copied_kind),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object::{Arity, Template};
    use std::sync::Arc;

    /// The template for test closures with `captures` captured values (one
    /// per count): only captures matter here.
    fn template(captures: usize) -> Arc<Template> {
        static TEMPLATES: [std::sync::OnceLock<Arc<Template>>; 4] =
            [const { std::sync::OnceLock::new() }; 4];
        TEMPLATES[captures]
            .get_or_init(|| new_template(captures))
            .clone()
    }

    fn new_template(captures: usize) -> Arc<Template> {
        Arc::new(Template::new(
            Arity::exactly(0),
            Arc::new(()),
            captures as u32,
        ))
    }

    fn closure(captured: Vec<Value>) -> Value {
        let closure = Closure::from_values(template(captured.len()), captured);
        Value::object(Object::Closure(
            closure.expect("as many values as captures"),
        ))
    }

    fn cell(v: Value) -> Value {
        Value::object(Object::Cell(Mutex::new(v)))
    }

    fn captured(closure: &Value) -> Vec<Value> {
        match closure.as_object() {
            Some(Object::Closure(c)) => c.captured().to_vec(),
            _ => panic!("not a closure"),
        }
    }

    fn cell_get(c: &Value) -> Value {
        match c.as_object() {
            Some(Object::Cell(m)) => m.lock().clone(),
            _ => panic!("not a cell"),
        }
    }

    fn cell_set(c: &Value, v: Value) {
        match c.as_object() {
            Some(Object::Cell(m)) => *m.lock() = v,
            _ => panic!("not a cell"),
        }
    }

    #[test]
    fn a_closure_without_cells_is_shared() {
        let inner = closure(vec![Value::int(1)]);
        let outer = closure(vec![Value::int(2), inner]);
        assert!(snapshot(&outer).is(&outer));
        let vector = Value::object(Object::Vector(parking_lot::RwLock::new(vec![].into())));
        assert!(snapshot(&vector).is(&vector));
    }

    #[test]
    fn captured_cells_are_fresh_copies_with_current_values() {
        let n = cell(Value::int(1));
        let f = closure(vec![n.clone()]);
        let copy = snapshot(&f);
        assert!(!copy.is(&f));
        let new_n = captured(&copy)[0].clone();
        assert!(!new_n.is(&n));
        assert_eq!(cell_get(&new_n).as_fixnum(), Some(1));
        // A set! on either side is invisible to the other.
        cell_set(&n, Value::int(2));
        assert_eq!(cell_get(&new_n).as_fixnum(), Some(1));
        cell_set(&new_n, Value::int(3));
        assert_eq!(cell_get(&n).as_fixnum(), Some(2));
    }

    #[test]
    fn a_cell_shared_by_two_closures_stays_shared() {
        let n = cell(Value::int(0));
        let get = closure(vec![n.clone()]);
        let put = closure(vec![n.clone()]);
        let pair = closure(vec![get, put]);
        let copy = snapshot(&pair);
        let parts = captured(&copy);
        let (new_get, new_put) = (captured(&parts[0]), captured(&parts[1]));
        assert!(new_get[0].is(&new_put[0]));
        assert!(!new_get[0].is(&n));
    }

    #[test]
    fn one_snapshot_keeps_sharing_across_values() {
        let n = cell(Value::int(0));
        let a = closure(vec![n.clone()]);
        let b = closure(vec![n]);
        let mut snap = Snapshot::new();
        let (a2, b2) = (snap.copy(&a), snap.copy(&b));
        assert!(captured(&a2)[0].is(&captured(&b2)[0]));
        assert!(snap.copy(&a).is(&a2));
    }

    #[test]
    fn a_recursive_closure_reaching_itself_through_its_cell_is_copied() {
        let self_cell = cell(Value::UNBOUND);
        let f = closure(vec![self_cell.clone()]);
        cell_set(&self_cell, f.clone());
        let copy = snapshot(&f);
        let new_cell = captured(&copy)[0].clone();
        assert!(!new_cell.is(&self_cell));
        assert!(cell_get(&new_cell).is(&copy));
        // Break the cycles so the test does not leak.
        cell_set(&self_cell, Value::NIL);
        cell_set(&new_cell, Value::NIL);
    }

    #[test]
    fn a_long_chain_of_closures_does_not_overflow_the_stack() {
        let n = cell(Value::int(7));
        let mut f = closure(vec![n]);
        for _ in 0..200_000 {
            f = closure(vec![f]);
        }
        let copy = snapshot(&f);
        let mut depth = 0;
        let mut cur = copy.clone();
        while let Some(Object::Closure(c)) = cur.as_object() {
            let next = c.captured()[0].clone();
            cur = next;
            depth += 1;
        }
        assert_eq!(depth, 200_001);
        assert_eq!(cell_get(&cur).as_fixnum(), Some(7));
        // Dropping a 200,000-deep chain recursively would itself overflow
        // the stack; unwind both chains iteratively.
        for chain in [f, copy] {
            unwind(chain);
        }
    }

    fn unwind(mut v: Value) {
        loop {
            let next = match v.as_object() {
                Some(Object::Closure(c)) if c.captured().len() == 1 => c.captured()[0].clone(),
                _ => return,
            };
            drop(v);
            v = next;
        }
    }
}
