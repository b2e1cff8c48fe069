//! The JIT tier: lowers core IR lambdas to native code with Cranelift.
//!
//! Contract with the interpreter (src/interp.rs):
//! - Each `Template` counts calls and loop back-edges in `heat`; when the
//!   count reaches `Jit::threshold()` the interpreter calls
//!   `Jit::compile(&template)` once. On success the template's `jit_entry`
//!   holds an [`Entry`]; on failure `jit_failed` is set and the lambda
//!   stays interpreted.
//! - The interpreter checks arity and packs the rest list before calling an
//!   entry, so `nargs` is always `required + rest as usize`; parameters
//!   listed in `LambdaInfo::boxed_params` arrive already wrapped in a
//!   `Cell`. The `args` pointer points into `Ctx::stack` and is valid only
//!   until the compiled code makes its first call (which may grow that
//!   stack): copy the arguments first.

use lisp_runtime::object::Template;
use lisp_runtime::Ctx;
use std::sync::Arc;

/// A compiled lambda, called with the host calling convention:
/// `(ctx, closure word (borrowed), args (borrowed words), nargs)`. Returns an
/// owned value word, or `Value::RAISED` with the exception in `ctx.pending`.
pub type Entry = unsafe extern "C" fn(*mut Ctx, u64, *const u64, u64) -> u64;

/// The JIT compiler shared by every thread of an engine.
pub struct Jit {
    threshold: u32,
    stats: bool,
}

impl Jit {
    /// A JIT that compiles lambdas after `threshold` calls or iterations.
    pub fn new(threshold: u32, stats: bool) -> Jit {
        Jit { threshold, stats }
    }

    pub fn threshold(&self) -> u32 {
        self.threshold
    }

    /// Compiles `template` if the lowering supports all of it.
    pub fn compile(&self, template: &Arc<Template>) {
        template
            .jit_failed
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// The `--jit-stats` report printed at exit, if requested.
    pub fn stats_report(&self) -> Option<String> {
        self.stats.then(|| "jit: compiled 0 lambdas".to_string())
    }
}
