//! Builtins: files, file ports and `load`. Every access goes through the
//! engine's sandbox (src/sandbox.rs): unless the command line granted it,
//! each raises a catchable `file-error` naming the flag that would allow
//! it. The help examples show exactly that, as they run without flags.

use super::ports::port_value;
use super::{args, doc, Registry};
use crate::engine::host;
use lisp_runtime::list::{list_from, string};
use lisp_runtime::port::PortKind;
use lisp_runtime::{Arity, Ctx, Exception, Value};
use std::io::{BufReader, BufWriter};
use std::path::Path;

type R = Result<Value, Exception>;

/// Registers the file builtins.
pub fn register(r: &mut Registry) {
    r.category("Files and ports");
    r.def(
        "read-file",
        Arity::exactly(1),
        read_file,
        doc(
            "(read-file path)",
            "The whole contents of the file at PATH as a string. Needs --allow-read.",
            "(guard (e (#t (error-object-message e))) (read-file \"/etc/hostname\"))",
            "\"read access to \\\"/etc/hostname\\\" denied (run with --allow-read)\"",
            "write-file open-input-file load",
        ),
    );
    r.def(
        "write-file",
        Arity::exactly(2),
        write_file,
        doc(
            "(write-file path string)",
            "Replaces the contents of the file at PATH (creating it) with STRING. Needs --allow-write.",
            "(guard (e (#t (error-object-message e))) (write-file \"out.txt\" \"hi\"))",
            "\"write access to \\\"out.txt\\\" denied (run with --allow-write)\"",
            "append-file read-file open-output-file",
        ),
    );
    r.def(
        "append-file",
        Arity::exactly(2),
        append_file,
        doc(
            "(append-file path string)",
            "Appends STRING to the file at PATH, creating it if needed. Needs --allow-write.",
            "(guard (e (#t (error-object-message e))) (append-file \"log.txt\" \"line\\n\"))",
            "\"write access to \\\"log.txt\\\" denied (run with --allow-write)\"",
            "write-file",
        ),
    );
    r.def(
        "file-exists?",
        Arity::exactly(1),
        file_exists,
        doc(
            "(file-exists? path)",
            "True if a file or directory exists at PATH. Needs --allow-read for PATH.",
            "(guard (e (#t 'denied)) (file-exists? \"/etc\"))",
            "denied",
            "read-file list-dir",
        ),
    );
    r.def(
        "delete-file",
        Arity::exactly(1),
        delete_file,
        doc(
            "(delete-file path)",
            "Deletes the file at PATH. Needs --allow-write.",
            "(guard (e (#t 'denied)) (delete-file \"old.txt\"))",
            "denied",
            "write-file",
        ),
    );
    r.def(
        "list-dir",
        Arity::between(0, 1),
        list_dir,
        doc(
            "(list-dir [path])",
            "The names of the entries of the directory at PATH (default: the current directory), sorted. Needs --allow-read.",
            "(guard (e (#t 'denied)) (list-dir \".\"))",
            "denied",
            "file-exists?",
        ),
    );
    r.def(
        "load",
        Arity::between(1, 2),
        load,
        doc(
            "(load path)",
            "Reads the source file at PATH (relative to the current directory) and evaluates its forms in the global environment; returns the last value. Needs --allow-read.",
            "(guard (e (#t 'denied)) (load \"lib.lisp\"))",
            "denied",
            "read-file eval",
        ),
    );
    r.def(
        "open-input-file",
        Arity::exactly(1),
        open_input_file,
        doc(
            "(open-input-file path)",
            "An input port reading the file at PATH. Needs --allow-read.",
            "(guard (e (#t 'denied)) (open-input-file \"data.txt\"))",
            "denied",
            "read-line read-char read close-port call-with-input-file",
        ),
    );
    r.def(
        "open-output-file",
        Arity::between(1, 2),
        open_output_file,
        doc(
            "(open-output-file path [append?])",
            "An output port writing the file at PATH, which is created or truncated (appended to when APPEND? is true). Needs --allow-write.",
            "(guard (e (#t 'denied)) (open-output-file \"out.txt\"))",
            "denied",
            "write-string display close-port call-with-output-file",
        ),
    );
    r.def(
        "call-with-output-file",
        Arity::exactly(2),
        call_with_output_file,
        doc(
            "(call-with-output-file path proc)",
            "Opens PATH for writing, calls (proc port), closes the port (also when PROC raises) and returns PROC's value. Needs --allow-write.",
            "(guard (e (#t 'denied)) (call-with-output-file \"out.txt\" (lambda (p) (write-string \"hi\" p))))",
            "denied",
            "open-output-file with-output-to-file",
        ),
    );
    r.def(
        "call-with-input-file",
        Arity::exactly(2),
        call_with_input_file,
        doc(
            "(call-with-input-file path proc)",
            "Opens PATH for reading, calls (proc port), closes the port (also when PROC raises) and returns PROC's value. Needs --allow-read.",
            "(guard (e (#t 'denied)) (call-with-input-file \"data.txt\" read-line))",
            "denied",
            "open-input-file read-line",
        ),
    );
    r.def(
        "with-output-to-file",
        Arity::exactly(2),
        with_output_to_file,
        doc(
            "(with-output-to-file path thunk)",
            "Calls THUNK with the current output going to the file at PATH (created or truncated); returns THUNK's value. Needs --allow-write.",
            "(guard (e (#t 'denied)) (with-output-to-file \"out.txt\" (lambda () (display 1))))",
            "denied",
            "with-output-to-string call-with-output-file",
        ),
    );
}

fn path_arg<'a>(name: &str, pos: usize, v: &'a Value) -> Result<&'a Path, Exception> {
    Ok(Path::new(args::str(name, pos, v)?))
}

fn read_file(ctx: &mut Ctx, a: &[Value]) -> R {
    let path = path_arg("read-file", 1, &a[0])?;
    host(ctx)?
        .sandbox
        .read_to_string("read-file", path)
        .map(string)
}

fn write_to(ctx: &Ctx, name: &str, a: &[Value], append: bool) -> R {
    let path = path_arg(name, 1, &a[0])?;
    let text = args::str(name, 2, &a[1])?;
    host(ctx)?
        .sandbox
        .write(name, path, text.as_bytes(), append)?;
    Ok(Value::VOID)
}

fn write_file(ctx: &mut Ctx, a: &[Value]) -> R {
    write_to(ctx, "write-file", a, false)
}

fn append_file(ctx: &mut Ctx, a: &[Value]) -> R {
    write_to(ctx, "append-file", a, true)
}

fn file_exists(ctx: &mut Ctx, a: &[Value]) -> R {
    let path = path_arg("file-exists?", 1, &a[0])?;
    host(ctx)?
        .sandbox
        .exists("file-exists?", path)
        .map(Value::bool)
}

fn delete_file(ctx: &mut Ctx, a: &[Value]) -> R {
    let path = path_arg("delete-file", 1, &a[0])?;
    host(ctx)?.sandbox.remove_file("delete-file", path)?;
    Ok(Value::VOID)
}

fn list_dir(ctx: &mut Ctx, a: &[Value]) -> R {
    let path = match a.first() {
        Some(v) => path_arg("list-dir", 1, v)?,
        None => Path::new("."),
    };
    let names = host(ctx)?.sandbox.list_dir("list-dir", path)?;
    Ok(list_from(names.into_iter().map(string).collect::<Vec<_>>()))
}

/// `(load path [environment])`: the environment argument of R7RS is
/// accepted and ignored, as there is one global environment.
fn load(ctx: &mut Ctx, a: &[Value]) -> R {
    let path = path_arg("load", 1, &a[0])?;
    let h = host(ctx)?;
    let text = h.sandbox.read_to_string("load", path)?;
    h.eval_source(ctx, &text, &path.display().to_string())
}

fn open_input_file(ctx: &mut Ctx, a: &[Value]) -> R {
    let path = path_arg("open-input-file", 1, &a[0])?;
    let file = host(ctx)?.sandbox.open_read("open-input-file", path)?;
    Ok(port_value(PortKind::Reader(Box::new(BufReader::new(file)))))
}

fn open_output_file(ctx: &mut Ctx, a: &[Value]) -> R {
    let path = path_arg("open-output-file", 1, &a[0])?;
    let append = a.get(1).is_some_and(Value::is_true);
    let file = host(ctx)?
        .sandbox
        .open_write("open-output-file", path, append)?;
    Ok(port_value(PortKind::Writer(Box::new(BufWriter::new(file)))))
}

/// Calls `proc` with `port` and closes the port whatever happens.
fn with_port(ctx: &mut Ctx, port: Value, proc: &Value) -> R {
    let result = ctx.apply(proc, std::slice::from_ref(&port));
    close(&port);
    result
}

fn close(port: &Value) {
    if let Some(lisp_runtime::Object::Port(p)) = port.as_object() {
        p.close();
    }
}

fn call_with_output_file(ctx: &mut Ctx, a: &[Value]) -> R {
    let proc = args::procedure("call-with-output-file", 2, &a[1])?.clone();
    let port = open_output_file(ctx, &a[..1])?;
    with_port(ctx, port, &proc)
}

fn call_with_input_file(ctx: &mut Ctx, a: &[Value]) -> R {
    let proc = args::procedure("call-with-input-file", 2, &a[1])?.clone();
    let port = open_input_file(ctx, &a[..1])?;
    with_port(ctx, port, &proc)
}

fn with_output_to_file(ctx: &mut Ctx, a: &[Value]) -> R {
    let thunk = args::procedure("with-output-to-file", 2, &a[1])?.clone();
    let port = open_output_file(ctx, &a[..1])?;
    ctx.output.push(port.clone());
    let result = ctx.apply(&thunk, &[]);
    ctx.output.pop();
    close(&port);
    result
}
