//! Global variables. Names map to dense `u32` ids in one process-wide
//! registry; the values live in each thread's own table (`Ctx::globals`),
//! indexed by id. `spawn` copies the parent's table, which is exactly the
//! snapshot semantics: later `define`s and `set!`s on either side are
//! invisible to the other.

use crate::symbol::Symbol;
use parking_lot::RwLock;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The globals whose calls the resolver turns into guarded primitives
/// (`Expr::Prim`) with inline fast paths. `Ctx::prims_redefined` tracks
/// whether a thread's table still holds the builtins of these names.
pub const GUARDED_NAMES: &[&str] = &[
    "+",
    "-",
    "*",
    "<",
    ">",
    "<=",
    ">=",
    "=",
    "car",
    "cdr",
    "cons",
    "null?",
    "pair?",
    "not",
    "eq?",
    "vector-ref",
    "vector-set!",
    "symbol?",
    "number?",
    "list",
    "cadr",
    "cddr",
    "caddr",
];

/// The ids of `GUARDED_NAMES` (allocated on first use).
pub fn guarded_ids() -> &'static [u32] {
    static IDS: OnceLock<Vec<u32>> = OnceLock::new();
    IDS.get_or_init(|| {
        GUARDED_NAMES
            .iter()
            .map(|n| global_id(Symbol::intern(n)))
            .collect()
    })
}

/// Whether global `id` is one of `GUARDED_NAMES`.
#[inline]
pub fn is_guarded(id: u32) -> bool {
    guarded_ids().contains(&id)
}

#[derive(Default)]
struct Registry {
    ids: HashMap<Symbol, u32>,
    names: Vec<Symbol>,
}

fn registry() -> &'static RwLock<Registry> {
    static REGISTRY: OnceLock<RwLock<Registry>> = OnceLock::new();
    REGISTRY.get_or_init(Default::default)
}

/// The id of the global named `name`, allocating one on first use.
pub fn global_id(name: Symbol) -> u32 {
    if let Some(&id) = registry().read().ids.get(&name) {
        return id;
    }
    let mut reg = registry().write();
    if let Some(&id) = reg.ids.get(&name) {
        return id;
    }
    let id = reg.names.len() as u32;
    reg.names.push(name);
    reg.ids.insert(name, id);
    id
}

/// The id of `name` if it was ever allocated.
pub fn lookup_global_id(name: Symbol) -> Option<u32> {
    registry().read().ids.get(&name).copied()
}

/// The name of global `id`.
pub fn global_name(id: u32) -> Symbol {
    registry().read().names[id as usize]
}

/// Every thread's global table has at least this many entries (`UNBOUND`
/// past the defined ones), so compiled code that reads only ids below it
/// needs no check that the table covers them (see the JIT's
/// `size_globals`). 8 KiB a thread.
pub const MIN_GLOBALS: usize = 1024;

/// How many global ids exist.
pub fn global_count() -> usize {
    registry().read().names.len()
}
