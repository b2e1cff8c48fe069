//! Every name a help entry lists under "see" has a help entry of its own,
//! so following a cross-reference never ends in "no such name".

use lisp::engine::{Engine, Options};

#[test]
fn every_see_also_name_has_a_help_entry() {
    let engine = Engine::new(Options::default());
    let registry = &engine.host.registry;
    let docs = registry.entries.iter().map(|e| (e.name, e.doc)).chain(
        lisp::help::SPECIAL_FORMS
            .iter()
            .map(|(name, doc)| (*name, *doc)),
    );
    let mut missing = Vec::new();
    for (name, doc) in docs {
        for see in doc.see.split_whitespace() {
            if lisp::help::lookup(registry, see).is_none() {
                missing.push(format!("{name}: see {see}"));
            }
        }
    }
    assert!(missing.is_empty(), "dangling see-also names:\n{}", missing.join("\n"));
}
