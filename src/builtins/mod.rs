//! Builtin procedures, one module per category. Each module's `register`
//! adds its procedures together with their help text, so nothing can be
//! added without its documentation.

pub mod args;
pub mod chars;
pub mod concurrency;
pub mod control;
pub mod cxr;
pub mod docs;
pub mod files;
pub mod hashtables;
pub mod list_mapping;
pub mod list_search;
pub mod lists;
pub mod maps;
pub mod memory;
pub mod net;
pub mod number_predicates;
pub mod numbers;
pub mod output;
pub mod ports;
pub mod sort;
pub mod strings;
pub mod symbols;
pub mod testing;
pub mod vectors;

use lisp_runtime::object::{Builtin, BuiltinFn};
use lisp_runtime::{Arity, Object, Symbol, Value};

/// Help text of a builtin or special form.
#[derive(Clone, Copy, Debug)]
pub struct Doc {
    /// `(name arg ...)` as the user writes a call.
    pub sig: &'static str,
    /// What it does, its parameters and its result, in a short paragraph.
    pub desc: &'static str,
    /// An example expression that evaluates without error.
    pub example: &'static str,
    /// What `example` evaluates to, as `write` prints it.
    pub result: &'static str,
    /// Related names, space-separated.
    pub see: &'static str,
}

/// Shorthand for building a `Doc`: signature, description, example,
/// the example's result as `write` prints it, related names.
pub const fn doc(
    sig: &'static str,
    desc: &'static str,
    example: &'static str,
    result: &'static str,
    see: &'static str,
) -> Doc {
    Doc {
        sig,
        desc,
        example,
        result,
        see,
    }
}

/// A registered builtin with its documentation.
pub struct Entry {
    pub name: &'static str,
    pub category: &'static str,
    pub value: Value,
    pub doc: Doc,
}

/// The table every category module registers into.
#[derive(Default)]
pub struct Registry {
    pub entries: Vec<Entry>,
    category: &'static str,
}

impl Registry {
    /// Sets the help category of the builtins added next.
    pub fn category(&mut self, name: &'static str) {
        self.category = name;
    }

    /// Adds one builtin.
    pub fn def(&mut self, name: &'static str, arity: Arity, func: BuiltinFn, doc: Doc) {
        let value = Value::object(Object::Builtin(Box::new(Builtin { name, arity, func })));
        self.entries.push(Entry {
            name,
            category: self.category,
            value,
            doc,
        });
    }

    /// Binds a constant (such as `nil`).
    pub fn constant(&mut self, name: &'static str, value: Value, doc: Doc) {
        self.entries.push(Entry {
            name,
            category: self.category,
            value,
            doc,
        });
    }

    /// Binds an existing builtin under another name (e.g. `call/cc`).
    pub fn alias(&mut self, alias: &'static str, of: &str) {
        let Some(entry) = self.entries.iter().find(|e| e.name == of) else {
            return;
        };
        let (value, doc) = (entry.value.clone(), entry.doc);
        self.entries.push(Entry {
            name: alias,
            category: self.category,
            value,
            doc,
        });
    }

    pub fn lookup(&self, name: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.name == name)
    }
}

/// Every builtin of the language.
pub fn all() -> Registry {
    let mut r = Registry::default();
    for register in CATEGORIES {
        register(&mut r);
    }
    r
}

/// Registration functions, one per category module.
const CATEGORIES: &[fn(&mut Registry)] = &[
    numbers::register,
    number_predicates::register,
    lists::register,
    cxr::register,
    list_search::register,
    list_mapping::register,
    sort::register,
    chars::register,
    strings::register,
    symbols::register,
    vectors::register,
    maps::register,
    hashtables::register,
    output::register,
    ports::register,
    control::register,
    concurrency::register,
    files::register,
    net::register,
    testing::register,
    docs::register,
];

/// Binds every builtin in `r` as a global of `globals`.
pub fn install(r: &Registry, ctx: &mut lisp_runtime::Ctx) {
    for e in &r.entries {
        let id = lisp_runtime::globals::global_id(Symbol::intern(e.name));
        ctx.set_global(id, e.value.clone());
    }
}
