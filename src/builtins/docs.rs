//! Builtins: help and documentation inside the language.

use super::{doc, Registry};
use crate::engine::host;
use lisp_runtime::{Arity, Ctx, Exception, Object, Value};

type R = Result<Value, Exception>;

/// Registers the help builtins.
pub fn register(r: &mut Registry) {
    r.category("Help");
    r.def("help", Arity::between(0, 1), help, doc("(help) (help 'name) (help procedure)", "Without an argument, lists the categories and their names. With a name or a procedure, prints its signature, description, example and related names (user procedures with a docstring included). Unknown names suggest close ones.", "(procedure? help)", "#t", "doc"));
    r.def("doc", Arity::exactly(1), doc_, doc("(doc procedure-or-name)", "The docstring of a user procedure, or the description of a builtin or special form; #f if there is none.", "(doc car)", "\"The first element of PAIR.\"", "help"));
}

fn print_out(ctx: &Ctx, text: &str) -> Result<(), Exception> {
    super::output::emit(ctx, "help", None, text)
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

fn help(ctx: &mut Ctx, a: &[Value]) -> R {
    let h = host(ctx)?;
    let Some(arg) = a.first() else {
        print_out(ctx, &crate::help::overview(&h.registry))?;
        return Ok(Value::VOID);
    };
    if let Some(text) = crate::help::render_procedure(arg) {
        print_out(ctx, &text)?;
        return Ok(Value::VOID);
    }
    // A symbol naming a user procedure with a docstring.
    if let Some(sym) = arg.as_symbol() {
        if let Some(id) = lisp_runtime::globals::lookup_global_id(sym) {
            if let Some(text) = crate::help::render_procedure(ctx.global(id)) {
                print_out(ctx, &text)?;
                return Ok(Value::VOID);
            }
        }
    }
    let name = name_of(arg).unwrap_or_else(|| lisp_runtime::printer::write_string(arg));
    let text = match crate::help::text_for(&h.registry, &name) {
        Ok(t) | Err(t) => t,
    };
    print_out(ctx, &text)?;
    Ok(Value::VOID)
}

fn doc_(ctx: &mut Ctx, a: &[Value]) -> R {
    if let Some(Object::Closure(c)) = a[0].as_object() {
        return Ok(c
            .template
            .doc
            .as_ref()
            .map(|d| lisp_runtime::list::string(&**d))
            .unwrap_or(Value::FALSE));
    }
    if let Some(sym) = a[0].as_symbol() {
        if let Some(id) = lisp_runtime::globals::lookup_global_id(sym) {
            if let Some(Object::Closure(c)) = ctx.global(id).as_object() {
                if let Some(d) = &c.template.doc {
                    return Ok(lisp_runtime::list::string(&**d));
                }
            }
        }
    }
    let h = host(ctx)?;
    Ok(name_of(&a[0])
        .and_then(|n| crate::help::lookup(&h.registry, &n))
        .map(|e| lisp_runtime::list::string(e.doc.desc))
        .unwrap_or(Value::FALSE))
}
