//! Networking behind `--allow-net`: denied by default and for hosts or
//! ports not listed; allowed, the threaded example server answers HTTP
//! requests from the language's own client and from a raw socket.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const LISP: &str = env!("CARGO_BIN_EXE_lisp");

fn eval(flags: &[&str], expr: &str) -> (String, String) {
    let out = Command::new(LISP)
        .args(flags)
        .args(["eval", expr])
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Kills the server if a check fails, so no process outlives the test.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn network_access_is_denied_unless_the_host_and_port_are_allowed() {
    let probe = "(guard (e (#t (display (error-object-message e)))) (tcp-connect \"127.0.0.1\" 9))";
    let (out, _) = eval(&[], probe);
    assert_eq!(
        out,
        "net access to \"127.0.0.1:9\" denied (run with --allow-net)"
    );
    let (out, _) = eval(&["--allow-net=localhost"], probe);
    assert!(out.contains("denied"), "{out}");
    let (out, _) = eval(&["--allow-net=127.0.0.1:10"], probe);
    assert!(out.contains("denied"), "{out}");
    // Allowed: the connection itself is attempted (and refused by the OS).
    let (out, _) = eval(&["--allow-net=127.0.0.1:9"], probe);
    assert!(
        out.contains("tcp-connect") && !out.contains("denied"),
        "{out}"
    );
    let (out, _) = eval(
        &[],
        "(guard (e (#t (display (error-object-message e)))) (tcp-listen 0))",
    );
    assert!(out.contains("--allow-net"), "{out}");
}

#[test]
fn the_threaded_example_server_answers_http_requests() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/http-server.lisp");
    let mut child = Command::new(LISP)
        .args(["--allow-net=127.0.0.1", "run", example, "0", "3"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let server = Server(child);
    let mut lines = BufReader::new(stdout).lines();
    let banner = lines.next().unwrap().unwrap();
    let url = banner.strip_prefix("listening on ").unwrap().to_string();
    let port: u16 = url
        .trim_end_matches('/')
        .rsplit(':')
        .next()
        .unwrap()
        .parse()
        .unwrap();

    let allow = format!("--allow-net=127.0.0.1:{port}");
    let (out, err) = eval(&[&allow], &format!("(display (http-get \"{url}\"))"));
    assert_eq!(out, "Hello from lisp!\n", "{err}");
    let (out, err) = eval(
        &[&allow],
        &format!("(let ((r (http-request \"POST\" \"{url}echo\" \"ping\"))) (write (list (map-get r :status) (map-get r :body))))"),
    );
    assert_eq!(out, "(200 \"ping\")", "{err}");

    let mut raw = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    raw.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    raw.write_all(b"GET /missing HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut response = String::new();
    raw.read_to_string(&mut response).unwrap();
    assert!(
        response.starts_with("HTTP/1.1 404 Not Found\r\n"),
        "{response}"
    );
    assert!(response.ends_with("no page at /missing\n"), "{response}");

    let start = Instant::now();
    let last = lines.next().unwrap().unwrap();
    assert_eq!(last, "served 3 requests");
    assert!(start.elapsed() < Duration::from_secs(30));
    drop(server);
}
