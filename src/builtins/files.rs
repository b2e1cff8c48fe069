//! Builtins: files, `load`, and TCP/HTTP networking — all behind the
//! sandbox (`--allow-read`, `--allow-write`, `--allow-net`).

use super::ports::port_value;
use super::{args, doc, Registry};
use crate::engine::host;
use lisp_runtime::list::{list_from, string};
use lisp_runtime::object::NativeObject;
use lisp_runtime::port::PortKind;
use lisp_runtime::{Arity, Ctx, Exception, Object, Value};
use std::io::{BufReader, BufWriter, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;

type R = Result<Value, Exception>;

/// Registers the file and network builtins.
pub fn register(r: &mut Registry) {
    r.category("Files and ports");
    r.def(
        "read-file",
        Arity::exactly(1),
        read_file,
        doc(
            "(read-file path)",
            "The whole contents of the file at PATH as a string. Needs --allow-read.",
            "(procedure? read-file)",
            "#t",
            "write-file open-input-file",
        ),
    );
    r.def(
        "write-file",
        Arity::exactly(2),
        write_file,
        doc(
            "(write-file path string)",
            "Replaces the file at PATH with STRING. Needs --allow-write.",
            "(procedure? write-file)",
            "#t",
            "append-file read-file",
        ),
    );
    r.def(
        "append-file",
        Arity::exactly(2),
        append_file,
        doc(
            "(append-file path string)",
            "Appends STRING to the file at PATH. Needs --allow-write.",
            "(procedure? append-file)",
            "#t",
            "write-file",
        ),
    );
    r.def(
        "file-exists?",
        Arity::exactly(1),
        file_exists,
        doc(
            "(file-exists? path)",
            "True if PATH exists. Needs --allow-read.",
            "(procedure? file-exists?)",
            "#t",
            "delete-file",
        ),
    );
    r.def(
        "delete-file",
        Arity::exactly(1),
        delete_file,
        doc(
            "(delete-file path)",
            "Deletes the file at PATH. Needs --allow-write.",
            "(procedure? delete-file)",
            "#t",
            "file-exists?",
        ),
    );
    r.def("list-dir", Arity::between(0, 1), list_dir, doc("(list-dir [path])", "The sorted names of the entries of the directory PATH (default \".\"). Needs --allow-read.", "(procedure? list-dir)", "#t", "file-exists?"));
    r.def(
        "open-input-file",
        Arity::exactly(1),
        open_input_file,
        doc(
            "(open-input-file path)",
            "An input port reading the file at PATH. Needs --allow-read.",
            "(procedure? open-input-file)",
            "#t",
            "read-line close-port",
        ),
    );
    r.def("open-output-file", Arity::between(1, 2), open_output_file, doc("(open-output-file path [append?])", "An output port writing the file at PATH (truncated, or appended to when APPEND? is true). Needs --allow-write.", "(procedure? open-output-file)", "#t", "write-string close-port"));
    r.def("call-with-output-file", Arity::exactly(2), call_with_output_file, doc("(call-with-output-file path proc)", "Calls PROC with an output port on PATH and closes it afterwards; returns PROC's value.", "(procedure? call-with-output-file)", "#t", "open-output-file"));
    r.def(
        "call-with-input-file",
        Arity::exactly(2),
        call_with_input_file,
        doc(
            "(call-with-input-file path proc)",
            "Calls PROC with an input port on PATH and closes it afterwards; returns PROC's value.",
            "(procedure? call-with-input-file)",
            "#t",
            "open-input-file",
        ),
    );
    r.def(
        "with-output-to-file",
        Arity::exactly(2),
        with_output_to_file,
        doc(
            "(with-output-to-file path thunk)",
            "Calls THUNK with the current output going to the file at PATH.",
            "(procedure? with-output-to-file)",
            "#t",
            "with-output-to-string",
        ),
    );
    r.def("load", Arity::exactly(1), load, doc("(load path)", "Reads and evaluates every form of the file at PATH; returns the last value. Needs --allow-read.", "(procedure? load)", "#t", "eval"));
    r.def("tcp-listen", Arity::between(1, 2), tcp_listen, doc("(tcp-listen port [host])", "A listener on HOST (default 127.0.0.1) and PORT (0 picks a free port). Needs --allow-net.", "(procedure? tcp-listen)", "#t", "tcp-accept tcp-listener-port"));
    r.def(
        "tcp-listener-port",
        Arity::exactly(1),
        tcp_listener_port,
        doc(
            "(tcp-listener-port listener)",
            "The port number LISTENER is bound to.",
            "(procedure? tcp-listener-port)",
            "#t",
            "tcp-listen",
        ),
    );
    r.def(
        "tcp-accept",
        Arity::exactly(1),
        tcp_accept,
        doc(
            "(tcp-accept listener)",
            "Waits for a connection and returns a port for both reading and writing.",
            "(procedure? tcp-accept)",
            "#t",
            "tcp-listen tcp-connect",
        ),
    );
    r.def("tcp-connect", Arity::exactly(2), tcp_connect, doc("(tcp-connect host port)", "Connects to HOST:PORT and returns a port for both reading and writing. Needs --allow-net.", "(procedure? tcp-connect)", "#t", "tcp-accept http-get"));
    r.def(
        "http-get",
        Arity::exactly(1),
        http_get,
        doc(
            "(http-get url)",
            "The body of the response to an HTTP/1.1 GET of URL (http:// only). Needs --allow-net.",
            "(procedure? http-get)",
            "#t",
            "http-request",
        ),
    );
    r.def("http-request", Arity::between(2, 4), http_request, doc("(http-request method url [body [headers]])", "Performs an HTTP/1.1 request; returns a map {:status n :headers alist :body string}. HEADERS is an alist of strings. Needs --allow-net.", "(procedure? http-request)", "#t", "http-get"));
}

fn path_arg<'a>(name: &str, pos: usize, v: &'a Value) -> Result<&'a Path, Exception> {
    Ok(Path::new(args::str(name, pos, v)?))
}

fn read_file(ctx: &mut Ctx, a: &[Value]) -> R {
    let text = host(ctx)?
        .sandbox
        .read_to_string(path_arg("read-file", 1, &a[0])?)?;
    Ok(string(text))
}

fn write_to(ctx: &Ctx, name: &str, a: &[Value], append: bool) -> R {
    let path = path_arg(name, 1, &a[0])?;
    let text = args::str(name, 2, &a[1])?;
    let mut file = host(ctx)?.sandbox.open_write(path, append)?;
    file.write_all(text.as_bytes())
        .map_err(|e| Exception::error_of_kind("file-error", format!("{name}: {e}")))?;
    Ok(Value::VOID)
}

fn write_file(ctx: &mut Ctx, a: &[Value]) -> R {
    write_to(ctx, "write-file", a, false)
}

fn append_file(ctx: &mut Ctx, a: &[Value]) -> R {
    write_to(ctx, "append-file", a, true)
}

fn file_exists(ctx: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(host(ctx)?.sandbox.exists(path_arg(
        "file-exists?",
        1,
        &a[0],
    )?)?))
}

fn delete_file(ctx: &mut Ctx, a: &[Value]) -> R {
    host(ctx)?
        .sandbox
        .delete(path_arg("delete-file", 1, &a[0])?)?;
    Ok(Value::VOID)
}

fn list_dir(ctx: &mut Ctx, a: &[Value]) -> R {
    let path = match a.first() {
        Some(v) => path_arg("list-dir", 1, v)?,
        None => Path::new("."),
    };
    let names = host(ctx)?.sandbox.list_dir(path)?;
    Ok(list_from(names.into_iter().map(string).collect::<Vec<_>>()))
}

fn open_input_file(ctx: &mut Ctx, a: &[Value]) -> R {
    let file = host(ctx)?
        .sandbox
        .open_read(path_arg("open-input-file", 1, &a[0])?)?;
    Ok(port_value(PortKind::Reader(Box::new(BufReader::new(file)))))
}

fn open_output_file(ctx: &mut Ctx, a: &[Value]) -> R {
    let append = a.get(1).is_some_and(Value::is_true);
    let file = host(ctx)?
        .sandbox
        .open_write(path_arg("open-output-file", 1, &a[0])?, append)?;
    Ok(port_value(PortKind::Writer(Box::new(BufWriter::new(file)))))
}

fn close(port: &Value) {
    if let Some(Object::Port(p)) = port.as_object() {
        p.close();
    }
}

fn call_with_output_file(ctx: &mut Ctx, a: &[Value]) -> R {
    let port = open_output_file(ctx, &a[..1])?;
    let result = ctx.apply(&a[1], std::slice::from_ref(&port));
    close(&port);
    result
}

fn call_with_input_file(ctx: &mut Ctx, a: &[Value]) -> R {
    let port = open_input_file(ctx, &a[..1])?;
    let result = ctx.apply(&a[1], std::slice::from_ref(&port));
    close(&port);
    result
}

fn with_output_to_file(ctx: &mut Ctx, a: &[Value]) -> R {
    let port = open_output_file(ctx, &a[..1])?;
    ctx.output.push(port.clone());
    let result = ctx.apply(&a[1], &[]);
    ctx.output.pop();
    close(&port);
    result
}

fn load(ctx: &mut Ctx, a: &[Value]) -> R {
    let path = path_arg("load", 1, &a[0])?;
    let h = host(ctx)?;
    let text = h.sandbox.read_to_string(path)?;
    h.eval_source(ctx, &text, &path.display().to_string())
}

/// A TCP listener as a Lisp object.
struct Listener(TcpListener);

impl NativeObject for Listener {
    fn type_name(&self) -> &str {
        "tcp-listener"
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn net_error(name: &str, e: std::io::Error) -> Exception {
    Exception::error_of_kind("file-error", format!("{name}: {e}"))
}

fn port_number(name: &str, pos: usize, v: &Value) -> Result<u16, Exception> {
    args::int(name, pos, v)
        .ok()
        .and_then(|n| u16::try_from(n).ok())
        .ok_or_else(|| Exception::wrong_type(name, pos, "port number (0-65535)", v))
}

fn tcp_listen(ctx: &mut Ctx, a: &[Value]) -> R {
    let port = port_number("tcp-listen", 1, &a[0])?;
    let host_name = match a.get(1) {
        Some(v) => args::str("tcp-listen", 2, v)?.to_string(),
        None => "127.0.0.1".to_string(),
    };
    host(ctx)?.sandbox.check_net(&host_name, port)?;
    let listener =
        TcpListener::bind((host_name.as_str(), port)).map_err(|e| net_error("tcp-listen", e))?;
    Ok(Value::object(Object::Native(Box::new(Listener(listener)))))
}

fn listener<'a>(name: &str, v: &'a Value) -> Result<&'a TcpListener, Exception> {
    match v.as_object() {
        Some(Object::Native(n)) => match n.as_any().downcast_ref::<Listener>() {
            Some(l) => Ok(&l.0),
            None => Err(Exception::wrong_type(name, 1, "tcp listener", v)),
        },
        _ => Err(Exception::wrong_type(name, 1, "tcp listener", v)),
    }
}

fn tcp_listener_port(_: &mut Ctx, a: &[Value]) -> R {
    let l = listener("tcp-listener-port", &a[0])?;
    let addr = l
        .local_addr()
        .map_err(|e| net_error("tcp-listener-port", e))?;
    Ok(Value::int(addr.port() as i64))
}

fn duplex(stream: TcpStream, name: &str) -> R {
    let reader = stream.try_clone().map_err(|e| net_error(name, e))?;
    Ok(port_value(PortKind::Duplex {
        reader: Box::new(BufReader::new(reader)),
        writer: Box::new(stream),
    }))
}

fn tcp_accept(_: &mut Ctx, a: &[Value]) -> R {
    let l = listener("tcp-accept", &a[0])?;
    let (stream, _) = l.accept().map_err(|e| net_error("tcp-accept", e))?;
    duplex(stream, "tcp-accept")
}

fn tcp_connect(ctx: &mut Ctx, a: &[Value]) -> R {
    let host_name = args::str("tcp-connect", 1, &a[0])?;
    let port = port_number("tcp-connect", 2, &a[1])?;
    host(ctx)?.sandbox.check_net(host_name, port)?;
    let stream = TcpStream::connect((host_name, port)).map_err(|e| net_error("tcp-connect", e))?;
    duplex(stream, "tcp-connect")
}

/// `http://host[:port]/path` split into its parts.
fn parse_url(url: &str) -> Result<(String, u16, String), Exception> {
    let rest = url.strip_prefix("http://").ok_or_else(|| {
        Exception::error(
            format!("http: only http:// URLs are supported, got {url}"),
            vec![],
        )
    })?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let (host_name, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (
            h,
            p.parse::<u16>()
                .map_err(|_| Exception::error(format!("http: bad port in {url}"), vec![]))?,
        ),
        None => (authority, 80),
    };
    Ok((host_name.to_string(), port, path.to_string()))
}

/// An HTTP response: status, headers, body.
type Response = (i64, Vec<(String, String)>, String);

/// Performs a request.
fn request(
    ctx: &Ctx,
    method: &str,
    url: &str,
    body: &str,
    headers: &[(String, String)],
) -> Result<Response, Exception> {
    let (host_name, port, path) = parse_url(url)?;
    host(ctx)?.sandbox.check_net(&host_name, port)?;
    let mut stream =
        TcpStream::connect((host_name.as_str(), port)).map_err(|e| net_error("http-request", e))?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {host_name}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream
        .write_all(head.as_bytes())
        .and_then(|_| stream.write_all(body.as_bytes()))
        .map_err(|e| net_error("http-request", e))?;
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .map_err(|e| net_error("http-request", e))?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| Exception::error("http-request: malformed response", vec![]))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| {
            l.split_once(':')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        })
        .collect();
    Ok((status, headers, body.to_string()))
}

fn http_get(ctx: &mut Ctx, a: &[Value]) -> R {
    let url = args::str("http-get", 1, &a[0])?;
    let (_, _, body) = request(ctx, "GET", url, "", &[])?;
    Ok(string(body))
}

fn http_request(ctx: &mut Ctx, a: &[Value]) -> R {
    let method = args::str("http-request", 1, &a[0])?.to_uppercase();
    let url = args::str("http-request", 2, &a[1])?;
    let body = match a.get(2) {
        Some(v) => args::str("http-request", 3, v)?.to_string(),
        None => String::new(),
    };
    let mut headers = Vec::new();
    if let Some(h) = a.get(3) {
        for entry in args::list("http-request", 4, h)? {
            let p = entry
                .as_pair()
                .ok_or_else(|| Exception::wrong_type("http-request", 4, "alist of strings", h))?;
            let k = p
                .car
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| lisp_runtime::printer::display_string(&p.car));
            let v = lisp_runtime::printer::display_string(&p.cdr);
            headers.push((k, v));
        }
    }
    let (status, hs, body) = request(ctx, &method, url, &body, &headers)?;
    let alist = list_from(
        hs.into_iter()
            .map(|(k, v)| lisp_runtime::list::cons(string(k), string(v)))
            .collect::<Vec<_>>(),
    );
    let m = lisp_runtime::map::LMap::new()
        .set(
            Value::keyword(lisp_runtime::Symbol::intern("status")),
            Value::int(status),
        )
        .set(
            Value::keyword(lisp_runtime::Symbol::intern("headers")),
            alist,
        )
        .set(
            Value::keyword(lisp_runtime::Symbol::intern("body")),
            string(body),
        );
    Ok(Value::object(Object::Map(m)))
}
