//! Interned symbols. A `Symbol` is a `u32` id into one global, thread-safe
//! table of names; symbols and keywords are immediates holding that id, so
//! `eq?` on them is a word comparison.

use parking_lot::RwLock;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

/// An interned name.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol(u32);

#[derive(Default)]
struct Interner {
    ids: HashMap<Arc<str>, u32>,
    names: Vec<Arc<str>>,
}

fn interner() -> &'static RwLock<Interner> {
    static INTERNER: OnceLock<RwLock<Interner>> = OnceLock::new();
    INTERNER.get_or_init(Default::default)
}

impl Symbol {
    /// The symbol named `name`, interning it on first use.
    pub fn intern(name: &str) -> Symbol {
        if let Some(&id) = interner().read().ids.get(name) {
            return Symbol(id);
        }
        let mut table = interner().write();
        if let Some(&id) = table.ids.get(name) {
            return Symbol(id);
        }
        let id = table.names.len() as u32;
        let name: Arc<str> = Arc::from(name);
        table.names.push(name.clone());
        table.ids.insert(name, id);
        Symbol(id)
    }

    /// A fresh symbol whose name has not been interned before (`gensym`).
    pub fn gensym(prefix: &str) -> Symbol {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        loop {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let name = format!("{prefix}{n}");
            if !interner().read().ids.contains_key(name.as_str()) {
                return Symbol::intern(&name);
            }
        }
    }

    /// The symbol's name.
    pub fn name(self) -> Arc<str> {
        interner().read().names[self.0 as usize].clone()
    }

    pub fn id(self) -> u32 {
        self.0
    }

    pub fn from_id(id: u32) -> Symbol {
        Symbol(id)
    }
}

impl std::fmt::Debug for Symbol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.name())
    }
}

impl std::fmt::Display for Symbol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_is_idempotent_and_gensyms_are_fresh() {
        assert_eq!(Symbol::intern("abc"), Symbol::intern("abc"));
        assert_ne!(Symbol::intern("abc"), Symbol::intern("abd"));
        let g = Symbol::gensym("g");
        assert_ne!(g, Symbol::gensym("g"));
        assert_eq!(&*Symbol::intern("abc").name(), "abc");
    }
}
