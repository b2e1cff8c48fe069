//! The REPL in a real pseudo-terminal: a multi-line definition, a call, an
//! error that does not end the session, Ctrl-C interrupting an infinite
//! loop, tab completion, history saved across sessions, and Ctrl-D.

use rexpect::session::{spawn_command, PtySession};
use std::path::{Path, PathBuf};
use std::process::Command;

const TIMEOUT_MS: u64 = 30_000;

fn home(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("lisp-repl-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Starts `lisp` with no arguments in a pseudo-terminal, its history file
/// in `home`.
fn start(home: &Path) -> PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lisp"));
    cmd.env("HOME", home).env("TERM", "xterm");
    let mut p = spawn_command(cmd, Some(TIMEOUT_MS)).expect("spawn the REPL");
    p.exp_string("lisp> ").expect("first prompt");
    p
}

#[test]
fn a_session_defines_calls_fails_interrupts_completes_and_exits() {
    let home = home("session");
    let mut p = start(&home);

    // A definition over two lines: the second prompt is the continuation.
    p.send_line("(define (square x)").unwrap();
    p.exp_string("... ").expect("continuation prompt");
    p.send_line("  \"Squares X.\" (* x x))").unwrap();
    p.exp_string("lisp> ").unwrap();
    p.send_line("(square 12)").unwrap();
    p.exp_string("144").expect("the value, printed with write");
    p.send_line("(list \"str\" #\\c)").unwrap();
    p.exp_string("(\"str\" #\\c)").unwrap();

    // Several forms on one line: each value is printed, void ones not.
    p.send_line("(define z (+ 20 1)) z (* z 2)").unwrap();
    p.exp_string("21\r\n42\r\n").unwrap();

    // An error is reported and the session goes on.
    p.send_line("(car '())").unwrap();
    p.exp_string("error: bad argument #1 to 'car' (pair expected, got ())")
        .expect("error report");
    p.exp_string("lisp> ").unwrap();
    p.send_line("(square 3)").unwrap();
    p.exp_string("9").unwrap();

    // Ctrl-C stops a running evaluation and returns to the prompt.
    p.send_line("(let loop ((i 0)) (loop (+ i 1)))").unwrap();
    // Once the line editor has taken the line (it echoes the newline), the
    // terminal is back in cooked mode and Ctrl-C becomes a signal.
    p.exp_string("(loop (+ i 1)))").unwrap();
    p.exp_string("\n").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    p.send_control('c').unwrap();
    p.exp_string("interrupted").expect("interrupt report");
    p.exp_string("lisp> ").unwrap();
    p.send_line("(+ 1 2)").unwrap();
    p.exp_string("3").unwrap();

    // Tab completes a bound name (the user's own, too).
    p.send("(squ").unwrap();
    p.send("\t").unwrap();
    p.send_line(" 5)").unwrap();
    p.exp_string("25").expect("completed call");

    // Help on a terminal is styled: the signature in bold.
    p.send_line("(help 'car)").unwrap();
    p.exp_string("\x1b[1m(car pair)\x1b[0m")
        .expect("bold signature");
    p.exp_string("lisp> ").unwrap();

    // Ctrl-D exits with status 0 and saves the history.
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
    let history = std::fs::read_to_string(home.join(".lisp_history")).unwrap();
    assert!(history.contains("(square 12)"), "{history}");
}

#[test]
fn history_from_an_earlier_session_is_recalled() {
    let home = home("history");
    let mut p = start(&home);
    p.send_line("(string-append \"remembered\" \"-value\")")
        .unwrap();
    p.exp_string("\"remembered-value\"").unwrap();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();

    let mut p = start(&home);
    // A first line is evaluated once the line editor is reading keys (an
    // escape sequence sent while it sets the terminal up can be lost on a
    // busy machine). Then up-arrow twice: that line, then the previous
    // session's.
    p.send_line("(+ 40 2)").unwrap();
    p.exp_string("42").unwrap();
    p.exp_string("lisp> ").unwrap();
    p.send("\x1b[A").unwrap();
    p.send("\x1b[A").unwrap();
    p.send_line("").unwrap();
    p.exp_string("\"remembered-value\"")
        .expect("recalled line evaluated");
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
}
