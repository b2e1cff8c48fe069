//! Builtins: ports that need no file system access — string ports,
//! `with-output-to-string`, and reading lines, characters and data from
//! any input port.

use super::{args, doc, Registry};
use lisp_runtime::list::string;
use lisp_runtime::port::{Port, PortKind};
use lisp_runtime::{Arity, Ctx, Exception, Object, Value};

type R = Result<Value, Exception>;

/// Registers the port builtins.
pub fn register(r: &mut Registry) {
    r.category("Ports");
    r.def(
        "with-output-to-string",
        Arity::exactly(1),
        with_output_to_string,
        doc(
            "(with-output-to-string thunk)",
            "Calls THUNK with the current output going to a string, and returns that string.",
            "(with-output-to-string (lambda () (display 42)))",
            "\"42\"",
            "open-output-string display",
        ),
    );
    r.def(
        "open-output-string",
        Arity::exactly(0),
        open_output_string,
        doc(
            "(open-output-string)",
            "A new output port that collects text; see get-output-string.",
            "(let ((p (open-output-string))) (write 'a p) (get-output-string p))",
            "\"a\"",
            "get-output-string",
        ),
    );
    r.def(
        "get-output-string",
        Arity::exactly(1),
        get_output_string,
        doc(
            "(get-output-string port)",
            "The text written so far to a string output PORT.",
            "(get-output-string (open-output-string))",
            "\"\"",
            "open-output-string",
        ),
    );
    r.def(
        "open-input-string",
        Arity::exactly(1),
        open_input_string,
        doc(
            "(open-input-string string)",
            "An input port reading the characters of STRING.",
            "(read-line (open-input-string \"a\\nb\"))",
            "\"a\"",
            "read-line read",
        ),
    );
    r.def("read-line", Arity::between(0, 1), read_line, doc("(read-line [port])", "The next line from PORT (default: standard input) without its newline, or the eof object.", "(read-line (open-input-string \"x\\ny\"))", "\"x\"", "read-char read"));
    r.def(
        "read-char",
        Arity::between(0, 1),
        read_char,
        doc(
            "(read-char [port])",
            "The next character from PORT, or the eof object.",
            "(read-char (open-input-string \"ab\"))",
            "#\\a",
            "peek-char read-line",
        ),
    );
    r.def(
        "peek-char",
        Arity::between(0, 1),
        peek_char,
        doc(
            "(peek-char [port])",
            "The next character from PORT without consuming it, or the eof object.",
            "(peek-char (open-input-string \"ab\"))",
            "#\\a",
            "read-char",
        ),
    );
    r.def(
        "read-string",
        Arity::between(1, 2),
        read_string,
        doc(
            "(read-string k [port])",
            "Up to K characters from PORT as a string, or the eof object at the end.",
            "(read-string 2 (open-input-string \"abc\"))",
            "\"ab\"",
            "read-line",
        ),
    );
    r.def(
        "read",
        Arity::between(0, 1),
        read,
        doc(
            "(read [port])",
            "The next datum from PORT, parsed as the reader does, or the eof object.",
            "(read (open-input-string \"(1 2)\"))",
            "(1 2)",
            "read-line eval",
        ),
    );
    r.def(
        "char-ready?",
        Arity::between(0, 1),
        char_ready,
        doc(
            "(char-ready? [port])",
            "True if a character can be read without blocking (always true for string ports).",
            "(char-ready? (open-input-string \"a\"))",
            "#t",
            "read-char",
        ),
    );
    r.def(
        "current-output-port",
        Arity::exactly(0),
        current_output_port,
        doc(
            "(current-output-port)",
            "The port output goes to by default.",
            "(output-port? (current-output-port))",
            "#t",
            "with-output-to-string",
        ),
    );
    r.def(
        "current-error-port",
        Arity::exactly(0),
        current_error_port,
        doc(
            "(current-error-port)",
            "A port writing to standard error.",
            "(output-port? (current-error-port))",
            "#t",
            "current-output-port",
        ),
    );
    r.def(
        "current-input-port",
        Arity::exactly(0),
        current_input_port,
        doc(
            "(current-input-port)",
            "A port reading standard input.",
            "(input-port? (current-input-port))",
            "#t",
            "read-line",
        ),
    );
    r.def(
        "port?",
        Arity::exactly(1),
        is_port,
        doc(
            "(port? obj)",
            "True if OBJ is a port.",
            "(port? (open-input-string \"\"))",
            "#t",
            "input-port? output-port?",
        ),
    );
    r.def(
        "input-port?",
        Arity::exactly(1),
        is_input_port,
        doc(
            "(input-port? obj)",
            "True if OBJ is an input port.",
            "(input-port? (open-input-string \"\"))",
            "#t",
            "output-port?",
        ),
    );
    r.def(
        "output-port?",
        Arity::exactly(1),
        is_output_port,
        doc(
            "(output-port? obj)",
            "True if OBJ is an output port.",
            "(output-port? (open-output-string))",
            "#t",
            "input-port?",
        ),
    );
    r.def(
        "close-port",
        Arity::exactly(1),
        close_port,
        doc(
            "(close-port port)",
            "Closes PORT (flushing output); closing twice is harmless.",
            "(close-port (open-output-string))",
            "#<void>",
            "close-input-port close-output-port",
        ),
    );
    r.alias("close-input-port", "close-port");
    r.alias("close-output-port", "close-port");
}

/// A new port value.
pub fn port_value(kind: PortKind) -> Value {
    Value::object(Object::Port(Box::new(Port::new(kind))))
}

fn port<'a>(name: &str, pos: usize, v: &'a Value) -> Result<&'a Port, Exception> {
    match v.as_object() {
        Some(Object::Port(p)) => Ok(p),
        _ => Err(Exception::wrong_type(name, pos, "port", v)),
    }
}

fn io_error(name: &str, e: String) -> Exception {
    Exception::error_of_kind("file-error", format!("{name}: {e}"))
}

fn with_output_to_string(ctx: &mut Ctx, a: &[Value]) -> R {
    let p = port_value(PortKind::StringOutput(String::new()));
    ctx.output.push(p.clone());
    let result = ctx.apply(&a[0], &[]);
    ctx.output.pop();
    result?;
    get_output_string(ctx, &[p])
}

fn open_output_string(_: &mut Ctx, _: &[Value]) -> R {
    Ok(port_value(PortKind::StringOutput(String::new())))
}

fn get_output_string(_: &mut Ctx, a: &[Value]) -> R {
    let p = port("get-output-string", 1, &a[0])?;
    match &*p.kind.lock() {
        PortKind::StringOutput(text) => Ok(string(text.as_str())),
        _ => Err(Exception::wrong_type(
            "get-output-string",
            1,
            "string output port",
            &a[0],
        )),
    }
}

fn open_input_string(_: &mut Ctx, a: &[Value]) -> R {
    let text = args::str("open-input-string", 1, &a[0])?;
    Ok(port_value(PortKind::StringInput {
        text: text.to_string(),
        pos: 0,
    }))
}

/// The input port argument, or a port on standard input.
fn input(a: &[Value]) -> Value {
    a.first().cloned().unwrap_or_else(stdin_port)
}

fn stdin_port() -> Value {
    static STDIN: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    STDIN
        .get_or_init(|| {
            port_value(PortKind::Reader(Box::new(std::io::BufReader::new(
                std::io::stdin(),
            ))))
        })
        .clone()
}

fn read_line(_: &mut Ctx, a: &[Value]) -> R {
    let v = input(a);
    let line = port("read-line", 1, &v)?
        .read_line()
        .map_err(|e| io_error("read-line", e))?;
    Ok(line.map(string).unwrap_or(Value::EOF))
}

fn read_char(_: &mut Ctx, a: &[Value]) -> R {
    let v = input(a);
    let c = port("read-char", 1, &v)?
        .read_char(false)
        .map_err(|e| io_error("read-char", e))?;
    Ok(c.map(Value::char).unwrap_or(Value::EOF))
}

fn peek_char(_: &mut Ctx, a: &[Value]) -> R {
    let v = input(a);
    let c = port("peek-char", 1, &v)?
        .read_char(true)
        .map_err(|e| io_error("peek-char", e))?;
    Ok(c.map(Value::char).unwrap_or(Value::EOF))
}

fn read_string(_: &mut Ctx, a: &[Value]) -> R {
    let k = args::index("read-string", 1, &a[0])?;
    let v = input(&a[1..]);
    let p = port("read-string", 2, &v)?;
    let mut out = String::new();
    for _ in 0..k {
        match p.read_char(false).map_err(|e| io_error("read-string", e))? {
            Some(c) => out.push(c),
            None => break,
        }
    }
    if out.is_empty() && k > 0 {
        return Ok(Value::EOF);
    }
    Ok(string(out))
}

fn read(_: &mut Ctx, a: &[Value]) -> R {
    let v = input(a);
    let p = port("read", 1, &v)?;
    p.buffer_rest().map_err(|e| io_error("read", e))?;
    let mut kind = p.kind.lock();
    let PortKind::StringInput { text, pos } = &mut *kind else {
        drop(kind);
        // Other ports: read the rest and parse its first datum.
        let rest = p.read_rest().map_err(|e| io_error("read", e))?;
        let datum = crate::reader::read_datum(&rest, 0, 0).map_err(crate::engine::read_error)?;
        return Ok(datum.map(|(d, _)| d.to_value()).unwrap_or(Value::EOF));
    };
    match crate::reader::read_datum(text, *pos, 0).map_err(crate::engine::read_error)? {
        Some((datum, end)) => {
            *pos = end;
            Ok(datum.to_value())
        }
        None => {
            *pos = text.len();
            Ok(Value::EOF)
        }
    }
}

fn char_ready(_: &mut Ctx, _: &[Value]) -> R {
    Ok(Value::TRUE)
}

fn current_output_port(ctx: &mut Ctx, _: &[Value]) -> R {
    if let Some(p) = ctx.output.last() {
        return Ok(p.clone());
    }
    static STDOUT: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    Ok(STDOUT.get_or_init(|| port_value(PortKind::Stdout)).clone())
}

fn current_error_port(_: &mut Ctx, _: &[Value]) -> R {
    static STDERR: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    Ok(STDERR
        .get_or_init(|| port_value(PortKind::Writer(Box::new(std::io::stderr()))))
        .clone())
}

fn current_input_port(_: &mut Ctx, _: &[Value]) -> R {
    Ok(stdin_port())
}

fn is_port(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(matches!(
        a[0].as_object(),
        Some(Object::Port(_))
    )))
}

fn is_input_port(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(
        matches!(a[0].as_object(), Some(Object::Port(p)) if p.is_input()),
    ))
}

fn is_output_port(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(
        matches!(a[0].as_object(), Some(Object::Port(p)) if p.is_output()),
    ))
}

fn close_port(_: &mut Ctx, a: &[Value]) -> R {
    port("close-port", 1, &a[0])?.close();
    Ok(Value::VOID)
}
