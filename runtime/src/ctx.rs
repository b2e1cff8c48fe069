//! `Ctx`: the state of one Lisp thread. Every builtin, the interpreter and
//! JIT code receive a `&mut Ctx`; nothing language-level lives in Rust
//! thread-locals. A spawned thread gets a fresh `Ctx` whose globals are a
//! copy of its parent's.

use crate::error::Exception;
use crate::value::Value;
use std::any::Any;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// The state of one Lisp thread.
pub struct Ctx {
    /// This thread's global table, indexed by global id.
    pub globals: Vec<Value>,
    /// The interpreter's value stack (frames of locals).
    pub stack: Vec<Value>,
    /// Lowest stack address Lisp code may use before raising
    /// `stack overflow`. Read by the interpreter and by JIT prologues.
    pub stack_limit: usize,
    /// 0 for the main thread, a distinct positive id for each spawned one.
    pub thread_id: u64,
    /// Handlers installed by `with-exception-handler`, innermost last.
    pub handlers: Vec<Value>,
    /// `parameterize` bindings, innermost last: (parameter, value).
    pub params: Vec<(Value, Value)>,
    /// `dynamic-wind` after-thunks in force, innermost last.
    pub winders: Vec<(Value, Value)>,
    /// Output ports pushed by `with-output-to-string` and friends; empty
    /// means standard output.
    pub output: Vec<Value>,
    /// An error raised inside a JIT intrinsic, waiting to be propagated.
    pub pending: Option<Exception>,
    /// State shared by every thread of one engine (sandbox, JIT, help...).
    pub host: Arc<dyn Any + Send + Sync>,
    /// Calls or loop iterations after which a lambda is JIT-compiled;
    /// `u32::MAX` when the JIT is off.
    pub jit_threshold: u32,
    /// Set (e.g. by Ctrl-C in the REPL) to stop the running evaluation.
    pub interrupt: Arc<Interrupt>,
    /// Nonzero unless every global of `globals::GUARDED_NAMES` holds the
    /// builtin of that name. JIT fast paths of guarded primitives test
    /// this one byte instead of the globals; their slow paths check the
    /// global itself, so a stale nonzero only costs speed.
    pub prims_redefined: u8,
    /// Where compiled code's register-preserving wrappers of runtime
    /// functions leave their result (a word, read right after the call).
    pub jit_result: u64,
    /// Closures the interpreter is running straight out of the global
    /// table without holding a count of their own, innermost last, with
    /// how many nested calls of the same word each entry stands for.
    pub borrowed: Vec<(u64, usize)>,
    /// Global values replaced while they were borrowed: kept alive here
    /// until no call borrows them any more.
    pub retired: Vec<Value>,
}

impl Ctx {
    /// A context for a new thread with the given globals.
    pub fn new(mut globals: Vec<Value>, thread_id: u64, host: Arc<dyn Any + Send + Sync>) -> Ctx {
        if globals.len() < crate::globals::MIN_GLOBALS {
            globals.resize(crate::globals::MIN_GLOBALS, Value::UNBOUND);
        }
        Ctx {
            globals,
            stack: Vec::with_capacity(1024),
            stack_limit: 0,
            thread_id,
            handlers: Vec::new(),
            params: Vec::new(),
            winders: Vec::new(),
            output: Vec::new(),
            pending: None,
            host,
            jit_threshold: u32::MAX,
            interrupt: Arc::new(Interrupt::new()),
            prims_redefined: 1,
            jit_result: 0,
            borrowed: Vec::new(),
            retired: Vec::new(),
        }
        .with_guards_checked()
    }

    fn with_guards_checked(mut self) -> Ctx {
        self.check_guards();
        self
    }

    /// Recomputes `prims_redefined` from the table.
    pub fn check_guards(&mut self) {
        let intact = crate::globals::guarded_ids()
            .iter()
            .all(|&id| holds_own_builtin(self.global(id), id));
        self.prims_redefined = !intact as u8;
    }

    /// The value of global `id` (`UNBOUND` if never defined here).
    #[inline]
    pub fn global(&self, id: u32) -> &Value {
        static UNBOUND: Value = Value::UNBOUND;
        self.globals.get(id as usize).unwrap_or(&UNBOUND)
    }

    /// Sets global `id`, growing the table as needed.
    pub fn set_global(&mut self, id: u32, value: Value) {
        let id = id as usize;
        if id >= self.globals.len() {
            self.globals.resize(id + 1, Value::UNBOUND);
        }
        let guarded = crate::globals::is_guarded(id as u32);
        let own = guarded && holds_own_builtin(&value, id as u32);
        let old = std::mem::replace(&mut self.globals[id], value);
        if guarded {
            if !own {
                self.prims_redefined = 1;
            } else if self.prims_redefined != 0 {
                self.check_guards();
            }
        }
        // A closure being run from the global table without a count of its
        // own must outlive its replacement until that call returns.
        if matches!(old.as_object(), Some(crate::Object::Closure(_)))
            && self.borrowed.iter().any(|&(w, _)| w == old.raw())
        {
            self.retired.push(old);
        }
    }

    /// Records that the closure `word` (held by the global table) is being
    /// called without a count of its own; pair with `unborrow`.
    #[inline(always)]
    pub fn borrow(&mut self, word: u64) {
        match self.borrowed.last_mut() {
            Some((w, n)) if *w == word => *n += 1,
            _ => self.borrowed.push((word, 1)),
        }
    }

    /// Ends the innermost `borrow`; releases the retired values no call
    /// borrows any more.
    #[inline(always)]
    pub fn unborrow(&mut self) {
        if let Some((_, n)) = self.borrowed.last_mut() {
            *n -= 1;
            if *n == 0 {
                self.borrowed.pop();
                if !self.retired.is_empty() {
                    self.sweep_retired();
                }
            }
        }
    }

    #[cold]
    fn sweep_retired(&mut self) {
        let borrowed = &self.borrowed;
        self.retired
            .retain(|v| borrowed.iter().any(|&(w, _)| w == v.raw()));
    }

    /// Sets the stack limit to `size_below` bytes below the current stack
    /// position (call near the base of the thread's stack).
    pub fn set_stack_budget(&mut self, size_below: usize) {
        let here = stack_position();
        self.stack_limit = here.saturating_sub(size_below);
        self.interrupt.set_stack_limit(self.stack_limit);
    }

    /// Whether the native stack has grown past the limit.
    #[inline(always)]
    pub fn stack_exhausted(&self) -> bool {
        stack_position() < self.stack_limit
    }

    /// Calls a procedure through the compiler's hook.
    pub fn apply(&mut self, f: &Value, args: &[Value]) -> Result<Value, Exception> {
        (hooks().apply)(self, f, args)
    }
}

/// Whether `v` is the builtin named like global `id`.
fn holds_own_builtin(v: &Value, id: u32) -> bool {
    match v.as_object() {
        Some(crate::Object::Builtin(b)) => {
            b.name == crate::globals::global_name(id).name().as_ref()
        }
        _ => false,
    }
}

/// The current native stack position (an address in the current frame).
#[inline(always)]
pub fn stack_position() -> usize {
    let marker = 0u8;
    std::ptr::addr_of!(marker) as usize
}

/// Entry points the compiler crate installs so that the runtime can call
/// back into Lisp.
pub struct Hooks {
    pub apply: fn(&mut Ctx, &Value, &[Value]) -> Result<Value, Exception>,
}

static HOOKS: OnceLock<Hooks> = OnceLock::new();

/// Installs the hooks once; later calls are ignored.
pub fn install_hooks(h: Hooks) {
    let _ = HOOKS.set(h);
}

fn hooks() -> &'static Hooks {
    HOOKS
        .get()
        .expect("runtime hooks installed by the compiler crate")
}

/// A thread's interrupt request (Ctrl-C in the REPL, a test's timeout, an
/// embedder), shared with whoever may interrupt the thread; used like an
/// `AtomicBool`. While it is set, `jit_limit`, the stack limit compiled
/// code compares the stack pointer with on entry and at each loop
/// iteration, is the top of the address space: one comparison checks both
/// the stack and interrupts, and the slow path tells them apart.
pub struct Interrupt {
    flag: AtomicBool,
    /// The thread's real stack limit (`Ctx::stack_limit`).
    stack_limit: AtomicUsize,
    /// `stack_limit`, or `usize::MAX` while the flag is set.
    jit_limit: AtomicUsize,
}

impl Default for Interrupt {
    fn default() -> Self {
        Interrupt::new()
    }
}

impl Interrupt {
    pub fn new() -> Interrupt {
        Interrupt {
            flag: AtomicBool::new(false),
            stack_limit: AtomicUsize::new(0),
            jit_limit: AtomicUsize::new(0),
        }
    }

    /// Whether an interrupt is requested.
    pub fn load(&self, order: Ordering) -> bool {
        self.flag.load(order)
    }

    /// Requests (`true`) or withdraws an interrupt.
    pub fn store(&self, on: bool, _order: Ordering) {
        self.flag.store(on, Ordering::SeqCst);
        self.sync();
    }

    /// `store`, returning whether an interrupt was requested.
    pub fn swap(&self, on: bool, _order: Ordering) -> bool {
        let was = self.flag.swap(on, Ordering::SeqCst);
        self.sync();
        was
    }

    /// Records the thread's stack limit.
    pub fn set_stack_limit(&self, limit: usize) {
        self.stack_limit.store(limit, Ordering::SeqCst);
        self.sync();
    }

    /// The flag itself (compiled loops test it at each iteration).
    pub fn flag(&self) -> &AtomicBool {
        &self.flag
    }

    /// The limit compiled code checks (see the type's documentation).
    pub fn jit_limit(&self) -> &AtomicUsize {
        &self.jit_limit
    }

    /// Makes `jit_limit` agree with the flag. The flag is read again after
    /// the store, so a request racing with a withdrawal is never lost; a
    /// stale `usize::MAX` only sends compiled code to its slow path, which
    /// calls this again.
    pub fn sync(&self) {
        let on = self.flag.load(Ordering::SeqCst);
        let limit = if on {
            usize::MAX
        } else {
            self.stack_limit.load(Ordering::SeqCst)
        };
        self.jit_limit.store(limit, Ordering::SeqCst);
        if !on && self.flag.load(Ordering::SeqCst) {
            self.jit_limit.store(usize::MAX, Ordering::SeqCst);
        }
    }
}

#[cfg(test)]
mod interrupt_tests {
    use super::Interrupt;
    use std::sync::atomic::Ordering;

    #[test]
    fn a_request_raises_the_compiled_code_limit_until_it_is_taken() {
        let i = Interrupt::new();
        i.set_stack_limit(4096);
        assert_eq!(i.jit_limit().load(Ordering::SeqCst), 4096);
        i.store(true, Ordering::Relaxed);
        assert!(i.load(Ordering::Relaxed));
        assert_eq!(i.jit_limit().load(Ordering::SeqCst), usize::MAX);
        assert!(i.swap(false, Ordering::Relaxed));
        assert!(!i.load(Ordering::Relaxed));
        assert_eq!(i.jit_limit().load(Ordering::SeqCst), 4096);
        // A stale limit is put right by `sync`.
        i.jit_limit().store(usize::MAX, Ordering::SeqCst);
        i.sync();
        assert_eq!(i.jit_limit().load(Ordering::SeqCst), 4096);
    }
}
