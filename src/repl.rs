//! The REPL on rustyline: line editing, history kept in ~/.lisp_history,
//! multi-line input until the brackets balance, tab completion of bound
//! names, results printed with `write`, errors printed without leaving,
//! Ctrl-C interrupting a running evaluation, Ctrl-D exiting.

use crate::engine::Engine;
use lisp_runtime::{Signal, Value};
use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::{Context, Editor, Helper, Highlighter, Hinter, Validator};
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Entries kept in ~/.lisp_history.
const HISTORY_SIZE: usize = 1000;

/// Completes the symbol under the cursor from the bound global names and
/// the special forms.
#[derive(Helper, Highlighter, Hinter, Validator)]
struct LispHelper {
    names: Vec<String>,
}

impl Completer for LispHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let start = line[..pos]
            .rfind(|c: char| c.is_whitespace() || "()[]{}'`,\"".contains(c))
            .map_or(0, |i| i + 1);
        let prefix = &line[start..pos];
        if prefix.is_empty() {
            return Ok((start, Vec::new()));
        }
        let found = self
            .names
            .iter()
            .filter(|n| n.starts_with(prefix))
            .map(|n| Pair {
                display: n.clone(),
                replacement: n.clone(),
            })
            .collect();
        Ok((start, found))
    }
}

fn bound_names(engine: &Engine) -> Vec<String> {
    let mut names: Vec<String> = (0..engine.ctx.globals.len())
        .filter(|&id| !engine.ctx.global(id as u32).is_unbound())
        .map(|id| {
            lisp_runtime::globals::global_name(id as u32)
                .name()
                .to_string()
        })
        .filter(|n| !n.starts_with('%'))
        .chain(
            crate::help::SPECIAL_FORMS
                .iter()
                .map(|(n, _)| n.to_string()),
        )
        .collect();
    names.sort();
    names.dedup();
    names
}

fn history_path() -> Option<std::path::PathBuf> {
    std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".lisp_history"))
}

/// Runs the REPL until Ctrl-D; returns the exit status.
pub fn run(mut engine: Engine) -> u8 {
    let interrupt = engine.ctx.interrupt.clone();
    // Also remembered here: the interpreter clears `interrupt` when it
    // raises, and the report should start on a fresh line after the `^C`
    // the terminal echoed.
    let pressed = Arc::new(AtomicBool::new(false));
    let seen = pressed.clone();
    let _ = ctrlc::set_handler(move || {
        seen.store(true, Ordering::Relaxed);
        interrupt.store(true, Ordering::Relaxed);
    });
    let config = rustyline::Config::builder()
        .max_history_size(HISTORY_SIZE)
        .map(|b| b.auto_add_history(false).build())
        .unwrap_or_default();
    let mut editor: Editor<LispHelper, rustyline::history::DefaultHistory> =
        match Editor::with_config(config) {
            Ok(e) => e,
            Err(e) => {
                eprintln!("error: cannot start the line editor: {e}");
                return 1;
            }
        };
    editor.set_helper(Some(LispHelper {
        names: bound_names(&engine),
    }));
    let history = history_path();
    if let Some(path) = &history {
        let _ = editor.load_history(path);
    }
    println!(
        "lisp {} — (help) for help, Ctrl-D to exit",
        env!("CARGO_PKG_VERSION")
    );
    let mut buffer = String::new();
    let mut counter = 0;
    loop {
        let prompt = if buffer.is_empty() {
            "lisp> "
        } else {
            "  ... "
        };
        match editor.readline(prompt) {
            Ok(line) => {
                buffer.push_str(&line);
                buffer.push('\n');
                match crate::reader::read_all(&buffer, 0) {
                    Err(e) if e.incomplete => continue,
                    _ => {}
                }
                let source = std::mem::take(&mut buffer);
                let _ = editor.add_history_entry(source.trim_end());
                counter += 1;
                engine.ctx.interrupt.store(false, Ordering::Relaxed);
                pressed.store(false, Ordering::Relaxed);
                if let Some(code) = eval_and_print(&mut engine, &source, counter, &pressed) {
                    save(&mut editor, &history);
                    return code;
                }
                if let Some(h) = editor.helper_mut() {
                    h.names = bound_names(&engine);
                }
            }
            Err(ReadlineError::Interrupted) => {
                buffer.clear();
                println!("^C");
            }
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                eprintln!("error: {e}");
                break;
            }
        }
    }
    save(&mut editor, &history);
    0
}

fn save(
    editor: &mut Editor<LispHelper, rustyline::history::DefaultHistory>,
    history: &Option<std::path::PathBuf>,
) {
    if let Some(path) = history {
        let _ = editor.save_history(path);
    }
}

/// Evaluates every form of one input in turn, printing each value (with
/// `write`; nothing for void) or the error, which ends that input. Returns
/// the exit status when the input called `exit`.
fn eval_and_print(
    engine: &mut Engine,
    source: &str,
    counter: usize,
    pressed: &AtomicBool,
) -> Option<u8> {
    let file = lisp_runtime::span::register_file(&format!("<repl {counter}>"), source);
    let forms = match crate::reader::read_all(source, file) {
        Ok(forms) => forms,
        Err(e) => {
            eprint!(
                "{}",
                crate::diagnostic::render(&crate::engine::read_error(e))
            );
            return None;
        }
    };
    for form in forms {
        let result = engine.host.clone().eval_datum(&mut engine.ctx, form);
        let _ = std::io::stdout().flush();
        match result {
            Ok(v) => print_value(&v),
            Err(e) => {
                if let Signal::Exit(code) = e.signal() {
                    return Some((*code).clamp(0, 255) as u8);
                }
                if pressed.swap(false, Ordering::Relaxed) {
                    eprintln!();
                }
                eprint!("{}", crate::diagnostic::render(&e));
                return None;
            }
        }
    }
    None
}

fn print_value(v: &Value) {
    if v.is_void() {
        return;
    }
    println!("{}", lisp_runtime::printer::write_string(v));
}
