//! The engine: the state shared by every thread of one program (`Host`:
//! macros, builtins by name, the JIT, the command line) and the driver
//! that reads, expands, resolves and runs top-level forms one at a time,
//! so that a macro defined by one form is available to the next.

use crate::builtins::{self, Registry};
use crate::expand::{Environment, Expander, MacroTable};
use crate::jit::Jit;
use crate::syntax::{Datum, DatumKind};
use lisp_runtime::{Ctx, Exception, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// How an engine is configured.
#[derive(Clone, Debug)]
pub struct Options {
    /// Compile hot lambdas with the JIT.
    pub jit: bool,
    /// Calls or loop iterations before a lambda is compiled.
    pub jit_threshold: u32,
    /// Print JIT statistics at exit.
    pub jit_stats: bool,
    /// What `(command-line)` returns.
    pub command_line: Vec<String>,
    /// What the program may read, write and connect to.
    pub permissions: crate::sandbox::Permissions,
    /// Collect `define-test`s instead of running them (`lisp test`).
    pub collect_tests: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            jit: false,
            jit_threshold: DEFAULT_JIT_THRESHOLD,
            jit_stats: false,
            command_line: Vec::new(),
            permissions: crate::sandbox::Permissions::default(),
            collect_tests: false,
        }
    }
}

/// Default tiering threshold (calls plus loop iterations).
pub const DEFAULT_JIT_THRESHOLD: u32 = 100;

/// State shared, read-only or internally synchronised, by all threads.
pub struct Host {
    pub macros: MacroTable,
    /// Every builtin with its documentation.
    pub registry: Registry,
    prims: HashMap<&'static str, Value>,
    pub jit: Option<Jit>,
    pub command_line: Vec<String>,
    pub sandbox: crate::sandbox::Sandbox,
    /// Tests registered by `define-test` when collecting.
    pub tests: parking_lot::Mutex<Vec<crate::testing::TestCase>>,
    pub options: Options,
}

impl Host {
    fn new(options: Options) -> Host {
        let registry = builtins::all();
        let prims = registry
            .entries
            .iter()
            .map(|e| (e.name, e.value.clone()))
            .collect();
        Host {
            macros: MacroTable::default(),
            registry,
            prims,
            jit: options
                .jit
                .then(|| Jit::new(options.jit_threshold, options.jit_stats)),
            command_line: options.command_line.clone(),
            sandbox: crate::sandbox::Sandbox::new(options.permissions.clone()),
            tests: parking_lot::Mutex::new(Vec::new()),
            options,
        }
    }

    /// Evaluates one top-level form: expands it, resolves it and runs it.
    /// A top-level `begin` is spliced: each of its forms runs before the
    /// next is expanded.
    pub fn eval_datum(&self, ctx: &mut Ctx, form: Datum) -> Result<Value, Exception> {
        let form = Expander::new(ctx, self).expand_head(form)?;
        if let Some(items) = toplevel_begin(&form) {
            let mut last = Value::VOID;
            for item in items {
                last = self.eval_datum(ctx, item.clone())?;
            }
            return Ok(last);
        }
        let core = Expander::new(ctx, self).expand_toplevel(form)?;
        self.eval_core(ctx, core)
    }

    /// Reads and evaluates every form of `text`, registered as `name`.
    pub fn eval_source(&self, ctx: &mut Ctx, text: &str, name: &str) -> Result<Value, Exception> {
        let file = lisp_runtime::span::register_file(name, text);
        let forms = crate::reader::read_all(text, file).map_err(read_error)?;
        let mut last = Value::VOID;
        for form in forms {
            last = self.eval_datum(ctx, form)?;
        }
        Ok(last)
    }
}

/// The host of the engine `ctx` belongs to.
pub fn host(ctx: &Ctx) -> Result<Arc<Host>, Exception> {
    Arc::downcast::<Host>(ctx.host.clone())
        .map_err(|_| Exception::error("this thread has no engine", vec![]))
}

/// A reader error as a catchable `read-error` exception.
pub fn read_error(e: crate::reader::ReadError) -> Exception {
    Exception::error_of_kind("read-error", e.message).at(e.span)
}

fn toplevel_begin(form: &Datum) -> Option<&[Datum]> {
    let DatumKind::List(items, None) = &form.kind else {
        return None;
    };
    items
        .first()
        .filter(|h| h.is_symbol("begin"))
        .map(|_| &items[1..])
}

impl Environment for Host {
    fn macros(&self) -> &MacroTable {
        &self.macros
    }

    fn prim(&self, name: &str) -> Option<Value> {
        self.prims.get(name).cloned()
    }

    fn eval_core(&self, ctx: &mut Ctx, core: Datum) -> Result<Value, Exception> {
        let lookup = |name: &str| self.prims.get(name).cloned();
        let template = crate::resolve::resolve_toplevel(&core, &lookup)?;
        crate::interp::run_template(ctx, template)
    }
}

/// An interpreter instance: the shared host plus the main thread's context.
pub struct Engine {
    pub host: Arc<Host>,
    pub ctx: Ctx,
}

impl Engine {
    /// A new engine with every builtin bound.
    pub fn new(options: Options) -> Engine {
        lisp_runtime::ctx::install_hooks(lisp_runtime::ctx::Hooks {
            apply: crate::interp::apply,
        });
        let jit_threshold = if options.jit {
            options.jit_threshold
        } else {
            u32::MAX
        };
        let host = Arc::new(Host::new(options));
        let mut ctx = Ctx::new(Vec::new(), 0, host.clone());
        ctx.jit_threshold = jit_threshold;
        builtins::install(&host.registry, &mut ctx);
        Engine { host, ctx }
    }

    /// Reads and evaluates `text` (named `name` in error messages).
    pub fn eval_str(&mut self, text: &str, name: &str) -> Result<Value, Exception> {
        self.host.eval_source(&mut self.ctx, text, name)
    }

    /// Reads and evaluates the file at `path`.
    pub fn run_file(&mut self, path: &std::path::Path) -> Result<Value, Exception> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Exception::error_of_kind("file-error", format!("cannot read {}: {e}", path.display()))
        })?;
        self.eval_str(&text, &path.display().to_string())
    }
}
