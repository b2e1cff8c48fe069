//! The embedding API: run Lisp from Rust, call Lisp procedures with Rust
//! arguments, and register Rust closures as Lisp procedures.
//!
//! A [`Lisp`] is `Send + Sync`: share it between threads (for example in an
//! `Arc`) and call into it from all of them at once. Each call runs on the
//! calling thread in its own context, starting from a snapshot of the
//! engine's global bindings, so concurrent calls never see each other's
//! half-finished work. Definitions made by [`Lisp::eval`] are published to
//! the engine when the evaluation finishes.
//!
//! ```
//! use lisp::api::Lisp;
//! let lisp = Lisp::new();
//! lisp.eval::<()>("(define (square x) (* x x))").unwrap();
//! let n: i64 = lisp.call("square", (12,)).unwrap();
//! assert_eq!(n, 144);
//! ```

mod convert;
mod register;
mod stack;

pub use convert::{FromValue, IntoArgs, IntoValue};
pub use lisp_runtime::Value;
pub use register::IntoProcedure;

use crate::engine::{Host, Options};
use crate::sandbox::Permissions;
use lisp_runtime::{Ctx, Exception, Signal, Symbol};
use parking_lot::{Mutex, RwLock};
use std::path::Path;
use std::sync::Arc;

/// Native stack given to each evaluation (a per-thread reusable stack, see
/// `stack.rs`, so deep recursion works from any Rust thread).
const EVAL_STACK: usize = 256 << 20;

/// An error from Lisp code or from a conversion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// The error message (as `error-object-message` plus irritants).
    pub message: String,
    /// `file:line:col` of the error, when known.
    pub location: Option<String>,
}

impl Error {
    pub(crate) fn new(message: impl Into<String>) -> Error {
        Error {
            message: message.into(),
            location: None,
        }
    }

    fn from_exception(e: &Exception) -> Error {
        Error {
            message: e.message(),
            location: e.0.span.map(|s| s.to_string()),
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.location {
            Some(at) => write!(f, "{} (at {at})", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Error {}

/// Configures a [`Lisp`] engine.
///
/// ```
/// use lisp::api::Lisp;
/// let lisp = Lisp::builder().jit(true).jit_threshold(10).build();
/// assert_eq!(lisp.eval::<i64>("(+ 1 2)").unwrap(), 3);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Builder {
    options: Options,
    no_stdlib: bool,
}

impl Builder {
    /// Turns the JIT tier on or off (off by default).
    pub fn jit(mut self, on: bool) -> Builder {
        self.options.jit = on;
        self
    }

    /// Calls before a lambda is compiled (with the JIT on).
    pub fn jit_threshold(mut self, calls: u32) -> Builder {
        self.options.jit_threshold = calls;
        self
    }

    /// What Lisp code may read, write and connect to (nothing by default).
    pub fn permissions(mut self, permissions: Permissions) -> Builder {
        self.options.permissions = permissions;
        self
    }

    /// Without the standard library only the core forms and the
    /// procedures the embedder registers are bound.
    pub fn stdlib(mut self, on: bool) -> Builder {
        self.no_stdlib = !on;
        self
    }

    /// Builds the engine.
    pub fn build(self) -> Lisp {
        let engine = crate::engine::Engine::new(self.options);
        let globals = if self.no_stdlib {
            Vec::new()
        } else {
            engine.ctx.globals.clone()
        };
        Lisp {
            host: engine.host.clone(),
            globals: RwLock::new(Globals {
                table: globals,
                generation: 0,
            }),
            idle: Mutex::new(Vec::new()),
            jit_threshold: engine.ctx.jit_threshold,
        }
    }
}

/// An embedded Lisp engine. `Send + Sync`: many threads may use one.
pub struct Lisp {
    host: Arc<Host>,
    globals: RwLock<Globals>,
    /// Contexts of finished calls that left no trace (see `with_ctx`),
    /// each with the generation of the globals it copied.
    idle: Mutex<Vec<(u64, Ctx)>>,
    jit_threshold: u32,
}

/// The engine's global bindings, and how many times they were published.
struct Globals {
    table: Vec<Value>,
    generation: u64,
}

/// Idle contexts kept for reuse.
const IDLE_CONTEXTS: usize = 16;

impl Default for Lisp {
    fn default() -> Lisp {
        Lisp::new()
    }
}

impl Lisp {
    /// An engine with the standard library, JIT off, no I/O permissions.
    ///
    /// ```
    /// let lisp = lisp::api::Lisp::new();
    /// assert_eq!(lisp.eval::<String>("(string-upcase \"hi\")").unwrap(), "HI");
    /// ```
    pub fn new() -> Lisp {
        Builder::default().build()
    }

    /// A builder for an engine with options.
    ///
    /// ```
    /// let lisp = lisp::api::Lisp::builder().stdlib(false).build();
    /// assert!(lisp.eval::<i64>("(+ 1 2)").is_err());
    /// ```
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// Runs `f` in a fresh context over a snapshot of the globals, on a
    /// stack large enough for deep recursion.
    ///
    /// Copying the global table is most of the cost of a small call (every
    /// binding's count is touched twice), so the context of a call that
    /// left no trace (its globals still word for word the engine's, no
    /// handler, parameter or port left behind) is kept and reused by the
    /// next call, as long as the engine has published nothing since.
    fn with_ctx<T>(
        &self,
        publish: bool,
        f: impl FnOnce(&mut Ctx, &Host) -> Result<T, Exception>,
    ) -> Result<T, Error> {
        let (generation, mut ctx) = match self.idle_context() {
            Some(idle) => idle,
            None => {
                let globals = self.globals.read();
                let ctx = Ctx::new(
                    globals.table.clone(),
                    lisp_runtime::thread::next_thread_id(),
                    self.host.clone(),
                );
                (globals.generation, ctx)
            }
        };
        ctx.jit_threshold = self.jit_threshold;
        let host = self.host.clone();
        let result = stack::on_big_stack(EVAL_STACK, || {
            ctx.set_stack_budget(EVAL_STACK - (4 << 20));
            f(&mut ctx, &host)
        });
        if !publish || result.is_err() {
            self.retire(generation, ctx);
        } else {
            let mut globals = self.globals.write();
            globals.table = ctx.globals;
            globals.generation += 1;
        }
        match result {
            Ok(v) => Ok(v),
            Err(e) => match e.signal() {
                Signal::Exit(code) => Err(Error::new(format!("exit {code}"))),
                _ => Err(Error::from_exception(&e)),
            },
        }
    }

    /// An idle context over the current globals, if there is one.
    fn idle_context(&self) -> Option<(u64, Ctx)> {
        let current = self.globals.read().generation;
        let mut idle = self.idle.lock();
        // Contexts of older generations are useless: drop them all.
        idle.retain(|(g, _)| *g == current);
        idle.pop()
    }

    /// Keeps `ctx` for reuse if its call left no trace.
    fn retire(&self, generation: u64, mut ctx: Ctx) {
        let clean = ctx.stack.is_empty()
            && ctx.handlers.is_empty()
            && ctx.params.is_empty()
            && ctx.winders.is_empty()
            && ctx.output.is_empty()
            && ctx.pending.is_none()
            && ctx.borrowed.is_empty()
            && ctx.retired.is_empty()
            && !ctx.interrupt.load(std::sync::atomic::Ordering::Relaxed);
        if !clean {
            return;
        }
        {
            let globals = self.globals.read();
            let same = globals.generation == generation
                && globals.table.len() == ctx.globals.len()
                && globals.table.iter().zip(&ctx.globals).all(|(a, b)| a.is(b));
            if !same {
                return;
            }
        }
        // A deep recursion may have grown the value stack a lot.
        ctx.stack.shrink_to(1024);
        let mut idle = self.idle.lock();
        if idle.len() < IDLE_CONTEXTS {
            idle.push((generation, ctx));
        }
    }

    /// Evaluates `source` and converts its value. Definitions are kept.
    ///
    /// ```
    /// let lisp = lisp::api::Lisp::new();
    /// let v: Vec<i64> = lisp.eval("(map (lambda (x) (* x x)) '(1 2 3))").unwrap();
    /// assert_eq!(v, vec![1, 4, 9]);
    /// let err = lisp.eval::<i64>("(car 5)").unwrap_err();
    /// assert!(err.message.contains("car"));
    /// ```
    pub fn eval<T: FromValue>(&self, source: &str) -> Result<T, Error> {
        let v = self.with_ctx(true, |ctx, host| {
            host.eval_source(ctx, source, "<embedded>")
        })?;
        T::from_value(&v)
    }

    /// Evaluates the file at `path` (read by the host, not the sandbox).
    ///
    /// ```
    /// let dir = std::env::temp_dir().join("lisp-doc-eval-file.lisp");
    /// std::fs::write(&dir, "(define answer 42) answer").unwrap();
    /// let lisp = lisp::api::Lisp::new();
    /// assert_eq!(lisp.eval_file::<i64>(&dir).unwrap(), 42);
    /// ```
    pub fn eval_file<T: FromValue>(&self, path: &Path) -> Result<T, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::new(format!("cannot read {}: {e}", path.display())))?;
        let name = path.display().to_string();
        let v = self.with_ctx(true, |ctx, host| host.eval_source(ctx, &text, &name))?;
        T::from_value(&v)
    }

    /// Calls the global procedure `name` with Rust arguments.
    ///
    /// ```
    /// let lisp = lisp::api::Lisp::new();
    /// lisp.eval::<()>("(define (greet who) (string-append \"hello \" who))").unwrap();
    /// let s: String = lisp.call("greet", ("rust",)).unwrap();
    /// assert_eq!(s, "hello rust");
    /// ```
    pub fn call<T: FromValue>(&self, name: &str, args: impl IntoArgs) -> Result<T, Error> {
        let args = args.into_args();
        let f = self.get::<Value>(name)?;
        let v = self.with_ctx(false, |ctx, _| ctx.apply(&f, &args))?;
        T::from_value(&v)
    }

    /// Calls a procedure value (for example one returned by `eval`).
    ///
    /// ```
    /// use lisp::api::{Lisp, Value};
    /// let lisp = Lisp::new();
    /// let add: Value = lisp.eval("(lambda (a b) (+ a b))").unwrap();
    /// assert_eq!(lisp.apply::<i64>(&add, (2, 3)).unwrap(), 5);
    /// ```
    pub fn apply<T: FromValue>(&self, f: &Value, args: impl IntoArgs) -> Result<T, Error> {
        let args = args.into_args();
        let v = self.with_ctx(false, |ctx, _| ctx.apply(f, &args))?;
        T::from_value(&v)
    }

    /// The value of the global `name`.
    ///
    /// ```
    /// let lisp = lisp::api::Lisp::new();
    /// lisp.eval::<()>("(define limit 10)").unwrap();
    /// assert_eq!(lisp.get::<i64>("limit").unwrap(), 10);
    /// assert!(lisp.get::<i64>("nothing-here").is_err());
    /// ```
    pub fn get<T: FromValue>(&self, name: &str) -> Result<T, Error> {
        let id = lisp_runtime::globals::global_id(Symbol::intern(name));
        let v = self
            .globals
            .read()
            .table
            .get(id as usize)
            .cloned()
            .unwrap_or(Value::UNBOUND);
        if v.is_unbound() {
            return Err(Error::new(format!("unbound variable: {name}")));
        }
        T::from_value(&v)
    }

    /// Binds the global `name` to a Rust value.
    ///
    /// ```
    /// let lisp = lisp::api::Lisp::new();
    /// lisp.set("scale", 2.5);
    /// assert_eq!(lisp.eval::<f64>("(* scale 2)").unwrap(), 5.0);
    /// ```
    pub fn set(&self, name: &str, value: impl IntoValue) {
        let id = lisp_runtime::globals::global_id(Symbol::intern(name)) as usize;
        let value = value.into_value();
        let mut globals = self.globals.write();
        if id >= globals.table.len() {
            globals.table.resize(id + 1, Value::UNBOUND);
        }
        globals.table[id] = value;
        globals.generation += 1;
    }

    /// Registers a Rust closure as the Lisp procedure `name`. Its
    /// arguments are converted with [`FromValue`] (a failed conversion is a
    /// Lisp error), its result with [`IntoValue`]; a panic inside it
    /// becomes a Lisp error instead of a crash.
    ///
    /// ```
    /// let lisp = lisp::api::Lisp::new();
    /// lisp.register_fn("hypot", |a: f64, b: f64| (a * a + b * b).sqrt());
    /// assert_eq!(lisp.eval::<f64>("(hypot 3 4)").unwrap(), 5.0);
    /// assert!(lisp.eval::<f64>("(hypot \"x\" 4)").unwrap_err().message.contains("hypot"));
    /// lisp.register_fn("boom", || -> i64 { panic!("bad") });
    /// assert!(lisp.eval::<i64>("(boom)").unwrap_err().message.contains("panicked"));
    /// ```
    pub fn register_fn<Args, F: IntoProcedure<Args>>(&self, name: &str, f: F) {
        self.set(name, register::foreign_value(name, f));
    }
}

// The engine handle crosses threads.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Lisp>();
};
