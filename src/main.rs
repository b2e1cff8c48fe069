//! The `lisp` command line: run, eval, test, bench, help, and the REPL.

use clap::{Args, Parser, Subcommand};
use lisp::engine::{Engine, Options, DEFAULT_JIT_THRESHOLD};
use lisp_runtime::{Exception, Signal};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Stack reserved for the main Lisp thread: deep recursion (10^6 frames)
/// must succeed, and far deeper recursion must end in a clean error.
/// Pages are committed only when touched.
const MAIN_STACK: usize = 1 << 30;
/// Kept free below the stack limit for Rust code that runs after the check.
const STACK_MARGIN: usize = 4 << 20;

#[derive(Parser)]
#[command(
    name = "lisp",
    version,
    about = "A Scheme-flavoured Lisp with a Cranelift JIT"
)]
struct Cli {
    #[command(flatten)]
    global: GlobalOptions,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Args, Clone)]
struct GlobalOptions {
    /// Compile hot lambdas to native code.
    #[arg(long, global = true)]
    jit: bool,
    /// Calls or loop iterations before a lambda is compiled (with --jit).
    #[arg(long, global = true, value_name = "N")]
    jit_threshold: Option<u32>,
    /// Print JIT statistics at exit.
    #[arg(long, global = true)]
    jit_stats: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Run a program.
    Run {
        file: PathBuf,
        /// Arguments passed to the program (see `command-line`).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Evaluate an expression and print its value.
    Eval { expr: String },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let worker = std::thread::Builder::new()
        .name("lisp-main".into())
        .stack_size(MAIN_STACK)
        .spawn(move || run(cli));
    let code = match worker.map(|h| h.join()) {
        Ok(Ok(code)) => code,
        _ => {
            eprintln!("error: internal failure of the main thread");
            70
        }
    };
    ExitCode::from(code)
}

fn options(global: &GlobalOptions, command_line: Vec<String>) -> Options {
    Options {
        jit: global.jit,
        jit_threshold: global.jit_threshold.unwrap_or(DEFAULT_JIT_THRESHOLD),
        jit_stats: global.jit_stats,
        command_line,
    }
}

fn run(cli: Cli) -> u8 {
    let code = match cli.command {
        Some(Command::Run { file, args }) => {
            let mut command_line = vec![file.display().to_string()];
            command_line.extend(args);
            let mut engine = new_engine(options(&cli.global, command_line));
            let result = engine.run_file(&file);
            finish(&engine, result, false)
        }
        Some(Command::Eval { expr }) => {
            let mut engine = new_engine(options(&cli.global, vec![]));
            let result = engine.eval_str(&expr, "<eval>");
            finish(&engine, result, true)
        }
        None => {
            eprintln!("the REPL is not available yet; use `lisp run FILE` or `lisp eval EXPR`");
            2
        }
    };
    let _ = std::io::stdout().flush();
    code
}

fn new_engine(options: Options) -> Engine {
    let mut engine = Engine::new(options);
    engine.ctx.set_stack_budget(MAIN_STACK - STACK_MARGIN);
    engine
}

/// Reports the outcome of a program and returns its exit status.
fn finish(engine: &Engine, result: Result<lisp_runtime::Value, Exception>, print: bool) -> u8 {
    let _ = std::io::stdout().flush();
    if let Some(report) = engine.host.jit.as_ref().and_then(|j| j.stats_report()) {
        eprintln!("{report}");
    }
    match result {
        Ok(v) => {
            if print && !v.is_void() {
                println!("{}", lisp_runtime::printer::write_string(&v));
            }
            0
        }
        Err(e) => match e.signal() {
            Signal::Exit(code) => (*code).clamp(0, 255) as u8,
            _ => {
                eprint!("{}", lisp::diagnostic::render(&e));
                1
            }
        },
    }
}
