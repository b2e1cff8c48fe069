//! Builtins: `help` and `doc`, documentation inside the language (see
//! src/help.rs for where the entries come from).

use super::{doc, Registry};
use crate::engine::host;
use crate::help::Style;
use lisp_runtime::{Arity, Ctx, Exception, Object, Value};

type R = Result<Value, Exception>;

/// Registers the help builtins.
pub fn register(r: &mut Registry) {
    r.category("Help");
    r.def(
        "help",
        Arity::between(0, 1),
        help,
        doc(
            "(help) (help 'name) (help procedure)",
            "Without an argument, lists the special forms, the builtins by category and the user procedures that have docstrings. With a name (symbol or string) or a procedure, prints its signature, description, example and related names; a user procedure shows its parameters and docstring. An unknown name suggests the closest known ones. Output is styled on a terminal and plain text elsewhere.",
            "(string-contains (with-output-to-string (lambda () (help 'car))) \"(car pair)\")",
            "0",
            "doc",
        ),
    );
    r.def(
        "doc",
        Arity::exactly(1),
        doc_,
        doc(
            "(doc procedure-or-name)",
            "The docstring of a user procedure, or the description of a builtin or special form; #f if there is none.",
            "(doc (lambda (x) \"Returns X unchanged.\" x))",
            "\"Returns X unchanged.\"",
            "help",
        ),
    );
}

fn print_out(ctx: &Ctx, text: &str) -> Result<(), Exception> {
    super::output::emit(ctx, "help", None, text)
}

/// Styled output only when it goes straight to a terminal, never into a
/// string port or file.
fn style(ctx: &Ctx) -> Style {
    if ctx.output.is_empty() {
        Style::for_stdout()
    } else {
        Style::Plain
    }
}

/// The name a help argument refers to.
fn name_of(v: &Value) -> Option<String> {
    if let Some(s) = v.as_symbol() {
        return Some(s.name().to_string());
    }
    if let Some(s) = v.as_str() {
        return Some(s.to_string());
    }
    match v.as_object() {
        Some(Object::Builtin(b)) => Some(b.name.to_string()),
        Some(Object::Closure(c)) => c.template.name.lock().map(|n| n.name().to_string()),
        _ => None,
    }
}

/// The global bound to `name` in this thread, if any.
fn global(ctx: &Ctx, name: &str) -> Option<Value> {
    let sym = lisp_runtime::Symbol::intern(name);
    let id = lisp_runtime::globals::lookup_global_id(sym)?;
    let v = ctx.global(id);
    (!v.is_unbound()).then(|| v.clone())
}

/// Names bound in this thread: with `documented`, only procedures with a
/// docstring; otherwise every user-defined (non-builtin) name.
fn user_names(ctx: &Ctx, documented: bool) -> Vec<String> {
    let mut names: Vec<String> = (0..ctx.globals.len() as u32)
        .filter_map(|id| match ctx.global(id).as_object() {
            Some(Object::Closure(c)) if !documented || c.template.doc.is_some() => {
                Some(lisp_runtime::globals::global_name(id).name().to_string())
            }
            _ => None,
        })
        .collect();
    names.sort();
    names
}

fn help(ctx: &mut Ctx, a: &[Value]) -> R {
    let h = host(ctx)?;
    let style = style(ctx);
    let Some(arg) = a.first() else {
        let text = crate::help::overview(&h.registry, &user_names(ctx, true), style);
        print_out(ctx, &text)?;
        return Ok(Value::VOID);
    };
    let name = name_of(arg);
    // A procedure value, or a name bound to a user procedure, documents
    // itself; a builtin's name finds its registry entry.
    let procedure = match arg.as_object() {
        Some(Object::Closure(_)) => Some(arg.clone()),
        _ if arg.as_symbol().is_some() || arg.as_str().is_some() => {
            name.as_deref().and_then(|n| global(ctx, n))
        }
        _ => None,
    };
    if let Some(text) = procedure.and_then(|p| crate::help::render_procedure(&p, style)) {
        print_out(ctx, &text)?;
        return Ok(Value::VOID);
    }
    let name = name.unwrap_or_else(|| lisp_runtime::printer::write_string(arg));
    let text = match crate::help::text_for(&h.registry, &name, &user_names(ctx, false), style) {
        Ok(t) | Err(t) => t,
    };
    print_out(ctx, &text)?;
    Ok(Value::VOID)
}

fn doc_(ctx: &mut Ctx, a: &[Value]) -> R {
    let target = match a[0].as_object() {
        Some(Object::Closure(_)) => Some(a[0].clone()),
        _ => name_of(&a[0]).and_then(|n| global(ctx, &n)),
    };
    if let Some(Object::Closure(c)) = target.as_ref().and_then(Value::as_object) {
        return Ok(c
            .template
            .doc
            .as_ref()
            .map(|d| lisp_runtime::list::string(&**d))
            .unwrap_or(Value::FALSE));
    }
    let h = host(ctx)?;
    Ok(name_of(&a[0])
        .and_then(|n| crate::help::lookup(&h.registry, &n))
        .map(|e| lisp_runtime::list::string(e.doc.desc))
        .unwrap_or(Value::FALSE))
}
