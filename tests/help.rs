//! Help inside the language: `(help 'name)`, `(help procedure)`, user
//! docstrings, `(doc f)`, suggestions for unknown names, and `lisp help`.

use lisp::engine::{Engine, Options};
use lisp_runtime::printer::write_string;

fn eval(engine: &mut Engine, expr: &str) -> String {
    match engine.eval_str(expr, "<help test>") {
        Ok(v) => write_string(&v),
        Err(e) => format!("error: {}", e.message()),
    }
}

/// What `(help ARG)` prints, captured.
fn help_text(engine: &mut Engine, arg: &str) -> String {
    let v = engine
        .eval_str(
            &format!("(with-output-to-string (lambda () (help {arg})))"),
            "<help test>",
        )
        .unwrap();
    v.as_str().unwrap().to_string()
}

#[test]
fn a_builtin_is_found_by_symbol_string_or_value() {
    let mut e = Engine::new(Options::default());
    let by_symbol = help_text(&mut e, "'string-split");
    assert!(by_symbol.starts_with("(string-split "), "{by_symbol}");
    assert!(by_symbol.contains("Example:"), "{by_symbol}");
    assert_eq!(help_text(&mut e, "\"string-split\""), by_symbol);
    assert_eq!(help_text(&mut e, "string-split"), by_symbol);
    // Captured output is plain text: no escape sequences.
    assert!(!by_symbol.contains('\x1b'));
}

#[test]
fn user_procedures_show_their_parameters_and_docstring() {
    let mut e = Engine::new(Options::default());
    eval(
        &mut e,
        "(define (area w h . units) \"The area of a W by H rectangle,\n   in `units`.\" (* w h))",
    );
    let text = help_text(&mut e, "area");
    assert!(text.starts_with("(area w h . units)\n"), "{text}");
    assert!(
        text.contains("[user procedure, defined at <help test>:1:"),
        "{text}"
    );
    assert!(
        text.contains("  The area of a W by H rectangle, in units.\n"),
        "{text}"
    );
    assert_eq!(help_text(&mut e, "'area"), text);
    assert_eq!(
        eval(&mut e, "(doc area)"),
        "\"The area of a W by H rectangle,\\n   in `units`.\""
    );
    assert_eq!(eval(&mut e, "(doc 'area)"), eval(&mut e, "(doc area)"));
    eval(&mut e, "(define (bare x) x)");
    assert_eq!(eval(&mut e, "(doc bare)"), "#f");
    assert!(help_text(&mut e, "bare").contains("(no docstring)"));
    // The overview lists documented user procedures.
    let overview = help_text(&mut e, "");
    assert!(
        overview.ends_with("User procedures:\n  area\n"),
        "{overview}"
    );
}

#[test]
fn special_forms_and_doc_of_builtins() {
    let mut e = Engine::new(Options::default());
    let text = help_text(&mut e, "'named-let-is-let");
    assert!(
        text.starts_with("No help for 'named-let-is-let'."),
        "{text}"
    );
    let text = help_text(&mut e, "'parameterize");
    assert!(text.contains("[Special forms]"), "{text}");
    assert_eq!(eval(&mut e, "(doc car)"), "\"The first element of PAIR.\"");
    assert_eq!(eval(&mut e, "(doc 'no-such-name)"), "#f");
}

#[test]
fn unknown_names_suggest_builtins_and_user_names() {
    let mut e = Engine::new(Options::default());
    eval(&mut e, "(define (frobnicate x) x)");
    let text = help_text(&mut e, "'frobnicat");
    assert_eq!(text, "No help for 'frobnicat'. Did you mean: frobnicate?\n");
    let text = help_text(&mut e, "'vector-reff");
    assert!(text.contains("Did you mean: vector-ref"), "{text}");
}

#[test]
fn lisp_help_prints_from_the_shell() {
    let lisp = env!("CARGO_BIN_EXE_lisp");
    let out = std::process::Command::new(lisp)
        .args(["help", "with-output-to-string"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        text.starts_with("(with-output-to-string thunk)\n"),
        "{text}"
    );
    let out = std::process::Command::new(lisp)
        .args(["help", "define-tset"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Did you mean: define-test"));
}
