//! Every bound name has a help entry, and every help example evaluates to
//! the result its entry shows.

use lisp::engine::{Engine, Options};

#[test]
fn every_bound_global_has_a_help_entry() {
    let engine = Engine::new(Options::default());
    let mut missing = Vec::new();
    for id in 0..engine.ctx.globals.len() as u32 {
        if engine.ctx.global(id).is_unbound() {
            continue;
        }
        let name = lisp_runtime::globals::global_name(id).name().to_string();
        if lisp::help::lookup(&engine.host.registry, &name).is_none() {
            missing.push(name);
        }
    }
    assert!(missing.is_empty(), "names without help: {missing:?}");
}

#[test]
fn every_help_example_evaluates_to_its_result() {
    let registry = lisp::builtins::all();
    let examples = registry
        .entries
        .iter()
        .map(|e| (e.name.to_string(), e.doc))
        .chain(
            lisp::help::SPECIAL_FORMS
                .iter()
                .map(|(n, d)| (n.to_string(), *d)),
        );
    let mut wrong = Vec::new();
    for (name, doc) in examples {
        assert!(
            !doc.sig.is_empty() && !doc.desc.is_empty(),
            "{name} lacks a signature or description"
        );
        let mut engine = Engine::new(Options::default());
        engine.ctx.set_stack_budget(1 << 20);
        match engine.eval_str(doc.example, &format!("<example of {name}>")) {
            Ok(v) => {
                let shown = lisp_runtime::printer::write_string(&v);
                if shown != doc.result {
                    wrong.push(format!(
                        "{name}: {} gave {shown}, help says {}",
                        doc.example, doc.result
                    ));
                }
            }
            Err(e) => wrong.push(format!("{name}: {} raised {}", doc.example, e.message())),
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong examples:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
