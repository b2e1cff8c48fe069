//! Every name a collection builtin's help entry (lists, vectors, maps,
//! hash tables) lists under "see" has a help entry of its own, so
//! following a cross-reference never ends in "no such name". Other
//! categories join by being added to `CHECKED`.

use lisp::engine::{Engine, Options};

const CHECKED: &[&str] = &["Lists", "Vectors", "Maps", "Hash tables"];

#[test]
fn every_see_also_name_has_a_help_entry() {
    let engine = Engine::new(Options::default());
    let registry = &engine.host.registry;
    let checked: Vec<_> = registry
        .entries
        .iter()
        .filter(|e| CHECKED.contains(&e.category))
        .collect();
    assert!(
        checked.len() > 100,
        "only {} entries checked",
        checked.len()
    );
    let mut missing = Vec::new();
    for e in checked {
        for see in e.doc.see.split_whitespace() {
            if lisp::help::lookup(registry, see).is_none() {
                missing.push(format!("{}: see {see}", e.name));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "dangling see-also names:\n{}",
        missing.join("\n")
    );
}
