//! Help: documentation inside the language and on the command line.
//!
//! The entries come from one place each: a builtin's `Doc` in the engine's
//! registry (`Host::registry`, shared read-only by every thread), the
//! special forms' table in `forms`, and a user procedure's docstring in
//! its closure's template. `(help)`, `(help 'name)`, `(help procedure)`,
//! `(doc f)` and `lisp help [NAME]` all read them; [`render`] turns the
//! markdown-ish text into terminal or plain output.

mod forms;
mod render;

pub use forms::SPECIAL_FORMS;
pub use render::Style;

use crate::builtins::{Doc, Registry};
use lisp_runtime::{Object, Value};

/// A documentation entry found by name.
pub struct Entry {
    pub name: String,
    pub category: String,
    pub doc: Doc,
}

/// Finds the documentation for `name`: a builtin, then a special form.
pub fn lookup(registry: &Registry, name: &str) -> Option<Entry> {
    if let Some(e) = registry.lookup(name) {
        return Some(Entry {
            name: name.to_string(),
            category: e.category.to_string(),
            doc: e.doc,
        });
    }
    SPECIAL_FORMS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, d)| Entry {
            name: n.to_string(),
            category: "Special forms".into(),
            doc: *d,
        })
}

/// Renders an entry: signature, category, description, example with its
/// result, related names.
pub fn render(entry: &Entry, style: Style) -> String {
    let d = &entry.doc;
    let mut out = format!(
        "{}\n  {}\n\n{}",
        style.bold(d.sig),
        style.dim(&format!("[{}]", entry.category)),
        render::markdown(d.desc, "  ", style)
    );
    if !d.example.is_empty() {
        out.push_str(&format!(
            "\n  {}\n    {}\n    => {}\n",
            style.bold("Example:"),
            style.code(d.example),
            style.result(d.result)
        ));
    }
    if !d.see.is_empty() {
        out.push_str(&format!("\n  {} {}\n", style.bold("See also:"), d.see));
    }
    out
}

/// The help text of a user procedure: its signature from the parameter
/// list, where it was defined, and its docstring (if it has one).
pub fn render_procedure(v: &Value, style: Style) -> Option<String> {
    let Some(Object::Closure(c)) = v.as_object() else {
        return None;
    };
    let t = &c.template;
    let name = t
        .name
        .lock()
        .map(|n| n.name().to_string())
        .unwrap_or_else(|| "lambda".into());
    let info = crate::ir::lambda_info(t);
    let mut params: Vec<String> = info.params.iter().map(|p| p.name().to_string()).collect();
    if info.rest {
        if let Some(last) = params.last_mut() {
            *last = format!(". {last}");
        }
    }
    let sig = if params.is_empty() {
        format!("({name})")
    } else {
        format!("({name} {})", params.join(" "))
    };
    let body = match &t.doc {
        Some(doc) => render::markdown(doc, "  ", style),
        None => "  (no docstring)\n".to_string(),
    };
    Some(format!(
        "{}\n  {}\n\n{body}",
        style.bold(&sig),
        style.dim(&format!("[user procedure, defined at {}]", t.span))
    ))
}

/// The categories and their names, for `(help)`; `user` lists the user
/// procedures that have docstrings. Hidden `%`-names are left out.
pub fn overview(registry: &Registry, user: &[String], style: Style) -> String {
    let mut out = String::from(
        "Help is available for every procedure and special form: (help 'name) or (help name).\n\n",
    );
    out.push_str(&format!("{}\n", style.bold("Special forms:")));
    let forms: Vec<&str> = SPECIAL_FORMS.iter().map(|(n, _)| *n).collect();
    out.push_str(&render::columns(&forms, "  "));
    let mut categories: Vec<&str> = Vec::new();
    for e in &registry.entries {
        if !categories.contains(&e.category) {
            categories.push(e.category);
        }
    }
    for c in categories {
        let names: Vec<&str> = registry
            .entries
            .iter()
            .filter(|e| e.category == c && !e.name.starts_with('%'))
            .map(|e| e.name)
            .collect();
        if !names.is_empty() {
            out.push_str(&format!("\n{}\n", style.bold(&format!("{c}:"))));
            out.push_str(&render::columns(&names, "  "));
        }
    }
    if !user.is_empty() {
        let names: Vec<&str> = user.iter().map(String::as_str).collect();
        out.push_str(&format!("\n{}\n", style.bold("User procedures:")));
        out.push_str(&render::columns(&names, "  "));
    }
    out
}

/// Known names closest to `name` (edit distance, or containing it), best
/// first; `extra` adds names the registry does not know (user globals).
pub fn suggestions(registry: &Registry, name: &str, extra: &[String]) -> Vec<String> {
    let limit = (name.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &str)> = registry
        .entries
        .iter()
        .map(|e| e.name)
        .chain(SPECIAL_FORMS.iter().map(|(n, _)| *n))
        .chain(extra.iter().map(String::as_str))
        .filter(|n| !n.starts_with('%'))
        .filter_map(|n| {
            let distance = strsim::levenshtein(name, n);
            let contains = name.len() >= 3 && n.contains(name);
            (distance <= limit || contains).then_some((distance, n))
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored
        .into_iter()
        .take(5)
        .map(|(_, n)| n.to_string())
        .collect()
}

/// The help text for `name`, or an "unknown" message with suggestions.
pub fn text_for(
    registry: &Registry,
    name: &str,
    extra: &[String],
    style: Style,
) -> Result<String, String> {
    if let Some(entry) = lookup(registry, name) {
        return Ok(render(&entry, style));
    }
    let close = suggestions(registry, name, extra);
    if close.is_empty() {
        Err(format!("No help for '{name}'.\n"))
    } else {
        Err(format!(
            "No help for '{name}'. Did you mean: {}?\n",
            close.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_names_suggest_close_ones() {
        let r = crate::builtins::all();
        let err = text_for(&r, "lenght", &[], Style::Plain).unwrap_err();
        assert!(err.contains("Did you mean: length"), "{err}");
        let err = text_for(&r, "my-functoin", &["my-function".into()], Style::Plain).unwrap_err();
        assert!(err.contains("my-function"), "{err}");
        let err = text_for(&r, "zzzzzzzzzzzz", &[], Style::Plain).unwrap_err();
        assert_eq!(err, "No help for 'zzzzzzzzzzzz'.\n");
    }

    #[test]
    fn entries_show_signature_category_example_and_related_names() {
        let r = crate::builtins::all();
        let text = text_for(&r, "car", &[], Style::Plain).unwrap();
        assert!(text.starts_with("(car pair)\n  [Lists]\n\n  "), "{text}");
        assert!(
            text.contains("  Example:\n    (car '(1 2 3))\n    => 1\n"),
            "{text}"
        );
        assert!(text.contains("See also: "), "{text}");
        let text = text_for(&r, "guard", &[], Style::Plain).unwrap();
        assert!(text.contains("[Special forms]"), "{text}");
        let styled = text_for(&r, "car", &[], Style::Terminal).unwrap();
        assert!(styled.starts_with("\x1b[1m(car pair)\x1b[0m"), "{styled}");
    }

    #[test]
    fn the_overview_lists_categories_without_hidden_names() {
        let r = crate::builtins::all();
        let text = overview(&r, &["my-proc".into()], Style::Plain);
        assert!(text.contains("\nLists:\n  "), "{text}");
        assert!(text.contains("Special forms:\n  define lambda"), "{text}");
        assert!(text.ends_with("User procedures:\n  my-proc\n"), "{text}");
        assert!(!text.contains("%define-test"), "{text}");
    }
}
