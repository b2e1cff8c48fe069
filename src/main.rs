//! The `lisp` command line: run, eval, test, bench, help, and the REPL.

use clap::{Args, Parser, Subcommand};
use lisp::engine::{Engine, Options, DEFAULT_JIT_THRESHOLD};
use lisp::sandbox::{parse_paths, Permissions};
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
    about = "A Scheme-flavoured Lisp with a Cranelift JIT",
    disable_help_subcommand = true
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
    /// Allow reading files (everywhere, or under the given comma-separated paths).
    #[arg(long, global = true, value_name = "PATHS", num_args = 0..=1, require_equals = true, default_missing_value = "")]
    allow_read: Option<String>,
    /// Allow writing files (everywhere, or under the given comma-separated paths).
    #[arg(long, global = true, value_name = "PATHS", num_args = 0..=1, require_equals = true, default_missing_value = "")]
    allow_write: Option<String>,
    /// Allow network access (any host, or the given comma-separated HOST[:PORT]s).
    #[arg(long, global = true, value_name = "HOSTS", num_args = 0..=1, require_equals = true, default_missing_value = "")]
    allow_net: Option<String>,
    /// Allow everything (read, write, net).
    #[arg(short = 'A', long = "allow-all", global = true)]
    allow_all: bool,
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
    /// Run the define-test tests in FILES or DIRS (default: the current directory).
    Test {
        paths: Vec<PathBuf>,
        /// Seconds before a test is stopped and counted as failed.
        #[arg(long, default_value_t = 10.0)]
        timeout: f64,
    },
    /// Time each program in the interpreter and JIT tiers.
    Bench {
        files: Vec<PathBuf>,
        /// Runs per tier.
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// Show help for NAME, or the list of categories.
    Help { name: Option<String> },
    /// The interactive REPL (also what `lisp` alone starts).
    Repl,
}

/// Turns transparent huge pages off for this process. mimalloc asks for
/// them on its arenas, and the kernel then zeroes 2 MiB on the first touch
/// of each: a short script (and the first JIT compilation, which touches a
/// lot of fresh memory) spent a fifth of its time there. Measured with
/// `perf record` on benches/fibfp.scm --jit: compile time 3.4-6 -> 2.4 ms.
/// It runs from `.init_array`, before the Rust runtime's start-up: called
/// from `main`, it came after that start-up had touched mimalloc's first
/// arena, two huge pages (hello world: 2.5 -> 2.2 ms of CPU).
#[cfg(target_os = "linux")]
extern "C" fn no_huge_pages() {
    // SAFETY: PR_SET_THP_DISABLE takes plain integer arguments and only
    // sets a flag of this process; a failure just leaves THP as it was.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static NO_HUGE_PAGES: extern "C" fn() = no_huge_pages;

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
        permissions: permissions(global),
        collect_tests: false,
    }
}

fn permissions(global: &GlobalOptions) -> Permissions {
    if global.allow_all {
        return Permissions::all();
    }
    Permissions {
        read: global.allow_read.as_deref().map(parse_paths),
        write: global.allow_write.as_deref().map(parse_paths),
        net: global.allow_net.as_deref().map(|v| {
            v.split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        }),
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
        Some(Command::Test { paths, timeout }) => {
            let timeout = std::time::Duration::from_secs_f64(timeout.clamp(0.001, 1e6));
            lisp::testing::run(&paths, options(&cli.global, vec![]), timeout)
        }
        Some(Command::Bench { files, runs }) => lisp::bench::run(&files, runs),
        Some(Command::Help { name }) => {
            let registry = lisp::builtins::all();
            let style = lisp::help::Style::for_stdout();
            match name {
                None => {
                    print!("{}", lisp::help::overview(&registry, &[], style));
                    0
                }
                Some(name) => match lisp::help::text_for(&registry, &name, &[], style) {
                    Ok(text) => {
                        print!("{text}");
                        0
                    }
                    Err(text) => {
                        eprint!("{text}");
                        1
                    }
                },
            }
        }
        Some(Command::Repl) | None => lisp::repl::run(new_engine(options(&cli.global, vec![]))),
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
