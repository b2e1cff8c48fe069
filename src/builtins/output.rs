//! Builtins: output. Text goes to the port given as the last argument, else
//! to the innermost port pushed by `with-output-to-string` (`ctx.output`),
//! else to standard output.

use super::{doc, Registry};
use lisp_runtime::printer::{display_string, write_string};
use lisp_runtime::{Arity, Ctx, Exception, Object, Value};
use std::io::Write;

type R = Result<Value, Exception>;

/// Registers the output builtins.
pub fn register(r: &mut Registry) {
    r.category("Output");
    r.def(
        "display",
        Arity::between(1, 2),
        display,
        doc(
            "(display obj [port])",
            "Writes OBJ for people: strings and characters without quotes.",
            "(with-output-to-string (lambda () (display \"hi\")))",
            "\"hi\"",
            "write print newline",
        ),
    );
    r.def(
        "write",
        Arity::between(1, 2),
        write,
        doc(
            "(write obj [port])",
            "Writes OBJ readably: strings quoted and escaped, characters as #\\x.",
            "(with-output-to-string (lambda () (write \"hi\")))",
            "\"\\\"hi\\\"\"",
            "display",
        ),
    );
    r.alias("write-shared", "write");
    r.alias("write-simple", "write");
    r.def(
        "newline",
        Arity::between(0, 1),
        newline,
        doc(
            "(newline [port])",
            "Writes a newline.",
            "(with-output-to-string newline)",
            "\"\\n\"",
            "display",
        ),
    );
    r.def(
        "write-char",
        Arity::between(1, 2),
        write_char,
        doc(
            "(write-char char [port])",
            "Writes the character CHAR.",
            "(with-output-to-string (lambda () (write-char #\\a)))",
            "\"a\"",
            "write-string",
        ),
    );
    r.def(
        "write-string",
        Arity::between(1, 2),
        write_str,
        doc(
            "(write-string string [port])",
            "Writes the characters of STRING.",
            "(with-output-to-string (lambda () (write-string \"ab\")))",
            "\"ab\"",
            "display write-char",
        ),
    );
    r.def(
        "print",
        Arity::at_least(0),
        print,
        doc(
            "(print obj ...)",
            "Displays the arguments separated by spaces.",
            "(with-output-to-string (lambda () (print 1 \"a\" 'b)))",
            "\"1 a b\"",
            "println display",
        ),
    );
    r.def(
        "println",
        Arity::at_least(0),
        println,
        doc(
            "(println obj ...)",
            "Displays the arguments separated by spaces, then a newline.",
            "(with-output-to-string (lambda () (println 1 2)))",
            "\"1 2\\n\"",
            "print display",
        ),
    );
    r.def(
        "flush-output",
        Arity::between(0, 1),
        flush_output,
        doc(
            "(flush-output [port])",
            "Flushes buffered output.",
            "(flush-output)",
            "#<void>",
            "display",
        ),
    );
}

/// Sends `text` to `port` if given, else to the current output.
pub fn emit(ctx: &Ctx, name: &str, port: Option<&Value>, text: &str) -> Result<(), Exception> {
    let target = port.or_else(|| ctx.output.last());
    match target {
        None => {
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            Ok(())
        }
        Some(p) => match p.as_object() {
            Some(Object::Port(port)) => port
                .write_str(text)
                .map_err(|e| Exception::error(format!("{name}: {e}"), vec![])),
            _ => Err(Exception::wrong_type(name, 2, "output port", p)),
        },
    }
}

fn display(ctx: &mut Ctx, a: &[Value]) -> R {
    emit(ctx, "display", a.get(1), &display_string(&a[0]))?;
    Ok(Value::VOID)
}

fn write(ctx: &mut Ctx, a: &[Value]) -> R {
    emit(ctx, "write", a.get(1), &write_string(&a[0]))?;
    Ok(Value::VOID)
}

fn newline(ctx: &mut Ctx, a: &[Value]) -> R {
    emit(ctx, "newline", a.first(), "\n")?;
    Ok(Value::VOID)
}

fn write_char(ctx: &mut Ctx, a: &[Value]) -> R {
    let c = super::args::char("write-char", 1, &a[0])?;
    emit(ctx, "write-char", a.get(1), &c.to_string())?;
    Ok(Value::VOID)
}

fn write_str(ctx: &mut Ctx, a: &[Value]) -> R {
    let s = super::args::str("write-string", 1, &a[0])?;
    emit(ctx, "write-string", a.get(1), s)?;
    Ok(Value::VOID)
}

fn joined(a: &[Value]) -> String {
    a.iter().map(display_string).collect::<Vec<_>>().join(" ")
}

fn print(ctx: &mut Ctx, a: &[Value]) -> R {
    emit(ctx, "print", None, &joined(a))?;
    Ok(Value::VOID)
}

fn println(ctx: &mut Ctx, a: &[Value]) -> R {
    let mut text = joined(a);
    text.push('\n');
    emit(ctx, "println", None, &text)?;
    Ok(Value::VOID)
}

fn flush_output(ctx: &mut Ctx, a: &[Value]) -> R {
    match a.first().or_else(|| ctx.output.last()) {
        Some(p) => {
            if let Some(Object::Port(port)) = p.as_object() {
                let _ = port.flush();
            }
        }
        None => {
            let _ = std::io::stdout().flush();
        }
    }
    Ok(Value::VOID)
}
