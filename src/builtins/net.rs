//! Builtins: TCP sockets and a small HTTP/1.1 client, behind the
//! sandbox's `--allow-net`. Sockets are ports (`read-line`, `write-string`,
//! `close-port` work on them), so a threaded server is a loop of
//! `tcp-accept` and `spawn`; see examples/http-server.lisp.

use super::ports::port_value;
use super::{args, doc, Registry};
use crate::engine::host;
use lisp_runtime::list::{list_from, string};
use lisp_runtime::object::NativeObject;
use lisp_runtime::port::PortKind;
use lisp_runtime::{Arity, Ctx, Exception, Object, Value};
use std::io::{BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::Ordering;
use std::time::Duration;

type R = Result<Value, Exception>;

/// How often a waiting `tcp-accept` looks at the interrupt flag.
const ACCEPT_POLL: Duration = Duration::from_millis(20);

/// Registers the networking builtins.
pub fn register(r: &mut Registry) {
    r.category("Networking");
    r.def(
        "tcp-listen",
        Arity::between(1, 2),
        tcp_listen,
        doc(
            "(tcp-listen port [host])",
            "A listener on HOST (default \"127.0.0.1\") and PORT (0 picks a free port; see tcp-listener-port). Needs --allow-net.",
            "(guard (e (#t (error-object-message e))) (tcp-listen 8080))",
            "\"net access to \\\"127.0.0.1:8080\\\" denied (run with --allow-net)\"",
            "tcp-accept tcp-listener-port tcp-connect",
        ),
    );
    r.def(
        "tcp-listener-port",
        Arity::exactly(1),
        tcp_listener_port,
        doc(
            "(tcp-listener-port listener)",
            "The port number LISTENER is bound to (useful after (tcp-listen 0)).",
            "(guard (e (#t 'denied)) (tcp-listener-port (tcp-listen 0)))",
            "denied",
            "tcp-listen",
        ),
    );
    r.def(
        "tcp-accept",
        Arity::exactly(1),
        tcp_accept,
        doc(
            "(tcp-accept listener)",
            "Waits for a connection on LISTENER and returns a port for both reading and writing (read-line, write-string, close-port). Ctrl-C in the REPL interrupts the wait.",
            "(guard (e (#t 'denied)) (tcp-accept (tcp-listen 0)))",
            "denied",
            "tcp-listen tcp-connect",
        ),
    );
    r.def(
        "tcp-connect",
        Arity::exactly(2),
        tcp_connect,
        doc(
            "(tcp-connect host port)",
            "Connects to HOST:PORT and returns a port for both reading and writing. Needs --allow-net for that host.",
            "(guard (e (#t (error-object-message e))) (tcp-connect \"localhost\" 80))",
            "\"net access to \\\"localhost:80\\\" denied (run with --allow-net)\"",
            "tcp-accept http-get",
        ),
    );
    r.def(
        "http-get",
        Arity::exactly(1),
        http_get,
        doc(
            "(http-get url)",
            "The body of the response to an HTTP/1.1 GET of URL (http:// only) as a string. Needs --allow-net.",
            "(guard (e (#t 'denied)) (http-get \"http://localhost:8080/\"))",
            "denied",
            "http-request",
        ),
    );
    r.def(
        "http-request",
        Arity::between(2, 4),
        http_request,
        doc(
            "(http-request method url [body [headers]])",
            "Performs an HTTP/1.1 request and returns a map {:status n :headers alist :body string}. HEADERS is an alist of strings. Needs --allow-net.",
            "(guard (e (#t 'denied)) (http-request \"POST\" \"http://localhost:8080/\" \"data\"))",
            "denied",
            "http-get",
        ),
    );
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
    listener
        .set_nonblocking(true)
        .map_err(|e| net_error("tcp-listen", e))?;
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

/// Waits for a connection. The listener is non-blocking, so the wait is a
/// poll that notices the interrupt flag (Ctrl-C in the REPL, a test's
/// timeout) instead of blocking the thread for good.
fn tcp_accept(ctx: &mut Ctx, a: &[Value]) -> R {
    let l = listener("tcp-accept", &a[0])?;
    loop {
        match l.accept() {
            Ok((stream, _)) => {
                stream
                    .set_nonblocking(false)
                    .map_err(|e| net_error("tcp-accept", e))?;
                return duplex(stream, "tcp-accept");
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                if ctx.interrupt.swap(false, Ordering::Relaxed) {
                    return Err(Exception::error("interrupted", vec![]));
                }
                std::thread::sleep(ACCEPT_POLL);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(net_error("tcp-accept", e)),
        }
    }
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
            format!("http-request: only http:// URLs are supported, got {url}"),
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
    parse_response(&raw)
}

/// Splits a raw HTTP/1.1 response into status, headers and body, decoding
/// a chunked body and honouring Content-Length.
fn parse_response(raw: &[u8]) -> Result<Response, Exception> {
    let malformed = || Exception::error("http-request: malformed response", vec![]);
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(malformed)?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let mut body = &raw[split + 4..];
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(malformed)?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| {
            l.split_once(':')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        })
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        let decoded = decode_chunked(body).ok_or_else(malformed)?;
        return Ok((
            status,
            headers.clone(),
            String::from_utf8_lossy(&decoded).into_owned(),
        ));
    }
    if let Some(n) = header("content-length").and_then(|v| v.parse::<usize>().ok()) {
        body = &body[..n.min(body.len())];
    }
    let body = String::from_utf8_lossy(body).into_owned();
    Ok((status, headers, body))
}

/// The payload of a `Transfer-Encoding: chunked` body.
fn decode_chunked(mut body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = body.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&body[..line_end]).ok()?;
        let size_text = size_text.split(';').next()?.trim();
        let size = usize::from_str_radix(size_text, 16).ok()?;
        body = &body[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(body.get(..size)?);
        body = body.get(size + 2..)?;
    }
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
    Ok(Value::object(Object::Map(Box::new(m))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses_with_content_length_and_chunks_are_decoded() {
        let raw = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello trailing";
        let (status, headers, body) = parse_response(raw).unwrap();
        assert_eq!((status, body.as_str()), (200, "hello"));
        assert_eq!(headers[1], ("X-A".to_string(), "b".to_string()));
        let raw = b"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n";
        let (status, _, body) = parse_response(raw).unwrap();
        assert_eq!((status, body.as_str()), (404, "abcde"));
        assert!(parse_response(b"garbage").is_err());
    }

    #[test]
    fn urls_split_into_host_port_and_path() {
        assert_eq!(
            parse_url("http://localhost:8080/a?b").unwrap(),
            ("localhost".to_string(), 8080, "/a?b".to_string())
        );
        assert_eq!(
            parse_url("http://example.com").unwrap(),
            ("example.com".to_string(), 80, "/".to_string())
        );
        assert!(parse_url("https://example.com/").is_err());
    }
}
