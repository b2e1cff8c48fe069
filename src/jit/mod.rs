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
//!   stack): the entry copies the arguments first.
//!
//! Each compiled lambda is two functions: its *direct* function in the
//! tail calling convention, which compiled callers call (and tail-call)
//! with the arguments in registers, and a host-convention *entry* for the
//! interpreter. `Template::jit_direct` holds the direct function (bit 0
//! set when it reads its closure) for lambdas without a rest parameter;
//! those are reached through the interpreter's call path.
//! See ARCHITECTURE.md, "The JIT", for the value ABI.

mod guards;
mod intrinsics;
mod layout;
mod lower;
mod lower_calls;
mod lower_prims;
mod module;

use crate::ir::{CaptureFrom, Expr, LambdaInfo};
use cranelift_codegen::ir::{types, InstBuilder, MemFlagsData, UserFuncName};
use cranelift_codegen::Context;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_module::{FuncId, Linkage, Module};
use layout::Layout;
use lisp_runtime::object::Template;
use lisp_runtime::value::HEAP_TAG;
use lisp_runtime::Ctx;
use lisp_runtime::Value;
use module::{direct_signature, CodeModule, Level};
use parking_lot::Mutex;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A compiled lambda, called with the host calling convention:
/// `(ctx, closure word (borrowed), args (borrowed words), nargs)`. Returns an
/// owned value word, or `Value::RAISED` with the exception in `ctx.pending`.
pub type Entry = unsafe extern "C" fn(*mut Ctx, u64, *const u64, u64) -> u64;

/// Why a lambda was not compiled (counted for `--jit-stats`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bail {
    /// The runtime's memory layout did not probe as expected.
    UnsupportedLayout,
    /// Cranelift could not be set up for this host.
    NoCodeModule,
    /// The template's code is not a `LambdaInfo`.
    ForeignTemplate,
    /// A slot index outside the frame (malformed IR).
    BadSlot,
    /// More parameters than the direct convention passes in registers.
    TooManyParameters,
    /// `(apply f ...)` in tail position (the interpreter keeps it a tail call).
    TailApply,
    /// Cranelift rejected the function (a lowering bug; see LISP_JIT_DEBUG).
    Codegen,
}

impl Bail {
    fn describe(self) -> &'static str {
        match self {
            Bail::UnsupportedLayout => "unsupported layout",
            Bail::NoCodeModule => "no code module",
            Bail::ForeignTemplate => "foreign template",
            Bail::BadSlot => "bad slot",
            Bail::TooManyParameters => "too many parameters",
            Bail::TailApply => "apply in tail position",
            Bail::Codegen => "codegen error",
        }
    }
}

/// Most parameters a compiled lambda may take.
const MAX_PARAMETERS: usize = 64;

/// The JIT compiler shared by every thread of an engine.
pub struct Jit {
    threshold: u32,
    stats: bool,
    state: Mutex<State>,
}

/// Everything behind the compile lock.
struct State {
    /// The code module, made by the first compilation (so that start-up
    /// does not pay for setting up Cranelift).
    code: Option<Result<(CodeModule, Layout), Bail>>,
    context: Option<Context>,
    functions: u64,
    /// Templates of compiled code: their addresses are baked into code
    /// (backtrace names), so they live as long as the code does.
    keep: Vec<Arc<Template>>,
    compiled: u64,
    /// How many of them were compiled at `Level::Light` and `Level::Quick`.
    light: u64,
    quick: u64,
    bails: BTreeMap<Bail, u64>,
    compile_time: Duration,
    /// Setting up Cranelift (once, at the first compilation), plus the
    /// entries shared by all lambdas of an arity (each compiled once,
    /// with the first lambda of its arity): neither is one lambda's code.
    setup_time: Duration,
    /// The compile time of each compiled lambda.
    lambda_times: Vec<Duration>,
    /// Shared entries (`uses_shared_entry`) by parameter count.
    shared_entries: HashMap<usize, usize>,
}

impl Jit {
    /// A JIT that compiles lambdas after `threshold` calls or iterations.
    pub fn new(threshold: u32, stats: bool) -> Jit {
        Jit {
            threshold,
            stats,
            state: Mutex::new(State {
                light: 0,
                quick: 0,
                code: None,
                context: None,
                functions: 0,
                keep: Vec::new(),
                compiled: 0,
                bails: BTreeMap::new(),
                compile_time: Duration::ZERO,
                setup_time: Duration::ZERO,
                lambda_times: Vec::new(),
                shared_entries: HashMap::new(),
            }),
        }
    }

    /// Calls plus loop iterations after which a lambda is compiled.
    pub fn threshold(&self) -> u32 {
        self.threshold
    }

    /// Compiles `template` if the lowering supports all of it.
    /// `globals` is the compiling thread's table: a call of a global that
    /// holds a builtin there takes only the generic path (see `Lower`).
    pub fn compile(&self, template: &Arc<Template>, globals: &[Value]) {
        compile_now(&self.state, template, globals);
    }
}

/// Compiles `template` now unless it is compiled or failed already.
fn compile_now(state: &Mutex<State>, template: &Arc<Template>, globals: &[Value]) {
    compile_locked(&mut state.lock(), template, globals);
}

/// `compile_now` with the lock held.
fn compile_locked(state: &mut State, template: &Arc<Template>, globals: &[Value]) {
    {
        // Setting up Cranelift is start-up work, not this lambda's.
        let _ = state.code();
        let start = Instant::now();
        if template.jit_entry.load(Ordering::Acquire) != 0
            || template.jit_failed.load(Ordering::Relaxed)
        {
            return;
        }
        let shared_before = state.setup_time;
        let result = state.compile(template, globals);
        // A shared entry made on the way counts as set-up (see above).
        let elapsed = start.elapsed() - (state.setup_time - shared_before);
        match result {
            Ok(level) => {
                state.compiled += 1;
                state.light += (level == Level::Light) as u64;
                state.quick += (level == Level::Quick) as u64;
                state.lambda_times.push(elapsed);
                if std::env::var_os("LISP_JIT_DEBUG").is_some() {
                    let name = lambda_info_of(template).and_then(|i| i.name);
                    let name = name.map(|n| n.name());
                    eprintln!(
                        "jit: compiled {name:?} in {:.3} ms ({level:?})",
                        elapsed.as_secs_f64() * 1e3
                    );
                }
            }
            Err(bail) => {
                template.jit_failed.store(true, Ordering::Relaxed);
                *state.bails.entry(bail).or_default() += 1;
            }
        }
        state.compile_time += elapsed;
    }
}

impl Jit {
    /// The `--jit-stats` report printed at exit, if requested.
    pub fn stats_report(&self) -> Option<String> {
        if !self.stats {
            return None;
        }
        let state = self.state.lock();
        let failed: u64 = state.bails.values().sum();
        let reasons: Vec<String> = state
            .bails
            .iter()
            .map(|(b, n)| format!("{}: {n}", b.describe()))
            .collect();
        let reasons = if reasons.is_empty() {
            String::new()
        } else {
            format!(" ({})", reasons.join(", "))
        };
        let mut times: Vec<f64> = state
            .lambda_times
            .iter()
            .map(|t| t.as_secs_f64() * 1000.0)
            .collect();
        let median = crate::bench::median(&mut times).unwrap_or_default();
        Some(format!(
            "jit: compiled {} lambdas ({} light, {} quick), {failed} fell back{reasons}, \
             compile time {:.3} ms (median {:.3} ms per lambda), set-up {:.2} ms",
            state.compiled,
            state.light,
            state.quick,
            state.compile_time.as_secs_f64() * 1000.0,
            median,
            state.setup_time.as_secs_f64() * 1000.0
        ))
    }
}

impl State {
    /// The code module, made on first use.
    fn code(&mut self) -> &mut Result<(CodeModule, Layout), Bail> {
        if self.code.is_none() {
            let start = Instant::now();
            self.code = Some(match layout::probe() {
                None => Err(Bail::UnsupportedLayout),
                Some(layout) => CodeModule::new(&layout)
                    .map(|m| (m, layout))
                    .map_err(|_| Bail::NoCodeModule),
            });
            self.setup_time += start.elapsed();
        }
        self.code.as_mut().expect("set above")
    }

    fn compile(&mut self, template: &Arc<Template>, globals: &[Value]) -> Result<Level, Bail> {
        let _ = self.code();
        let (code, layout) = self
            .code
            .as_mut()
            .ok_or(Bail::NoCodeModule)?
            .as_mut()
            .map_err(|b| *b)?;
        let layout = *layout;
        let info = lambda_info_of(template).ok_or(Bail::ForeignTemplate)?;
        let nparams = info.required as usize + info.rest as usize;
        if nparams > MAX_PARAMETERS {
            return Err(Bail::TooManyParameters);
        }
        let mut context = self
            .context
            .take()
            .unwrap_or_else(|| code.module.make_context());
        self.functions += 1;
        let n = self.functions;
        let result = define_lambda(code, layout, &mut context, template, info, n, globals);
        code.module.clear_context(&mut context);
        self.context = Some(context);
        let (body, entry, level) = result?;
        // A lambda without its own entry uses the shared one of its arity,
        // defined with the first such lambda.
        enum Entry {
            Own(FuncId),
            Shared(usize),
            NewShared(FuncId),
        }
        let entry = match (entry, self.shared_entries.get(&nparams)) {
            (Some(id), _) => Entry::Own(id),
            (None, Some(&address)) => Entry::Shared(address),
            (None, None) => {
                let mut context = self
                    .context
                    .take()
                    .unwrap_or_else(|| code.module.make_context());
                let name = format!("shared_entry{nparams}");
                let start = Instant::now();
                let id = define_entry(code, layout, &mut context, info, None, &name);
                self.setup_time += start.elapsed();
                self.context = Some(context);
                Entry::NewShared(id?)
            }
        };
        code.module
            .finalize_definitions()
            .map_err(|e| debug_bail(&e))?;
        let body = code.module.get_finalized_function(body) as usize;
        let entry = match entry {
            Entry::Own(id) => code.module.get_finalized_function(id) as usize,
            Entry::Shared(address) => address,
            Entry::NewShared(id) => {
                let address = code.module.get_finalized_function(id) as usize;
                self.shared_entries.insert(nparams, address);
                address
            }
        };
        self.keep.push(template.clone());
        if !info.rest {
            debug_assert_eq!(body & lower_calls::NEEDS_CLOSURE as usize, 0);
            let needs = if uses_closure(info) {
                lower_calls::NEEDS_CLOSURE as usize
            } else {
                0
            };
            template.jit_direct.store(body | needs, Ordering::Release);
        }
        template.jit_entry.store(entry, Ordering::Release);
        Ok(level)
    }
}

/// Lowers and defines the direct function and the entry of one lambda.
fn define_lambda(
    code: &mut CodeModule,
    layout: Layout,
    context: &mut Context,
    template: &Arc<Template>,
    info: &LambdaInfo,
    n: u64,
    globals: &[Value],
) -> Result<(FuncId, Option<FuncId>, Level), Bail> {
    let nparams = info.required as usize + info.rest as usize;
    context.func.signature = direct_signature(nparams);
    context.func.name = UserFuncName::user(0, n as u32);
    let body = code
        .module
        .declare_function(
            &format!("lambda{n}"),
            Linkage::Local,
            &context.func.signature,
        )
        .map_err(|e| debug_bail(&e))?;
    let mut builder_context = FunctionBuilderContext::new();
    let level;
    {
        let mut b = FunctionBuilder::new(&mut context.func, &mut builder_context);
        level = lower::Lower::function(&mut b, code, layout, info, template, body, globals)?;
        b.seal_all_blocks();
        b.finalize(code.module.isa().frontend_config());
    }
    let dump = std::env::var_os("LISP_JIT_DUMP").is_some();
    if dump {
        eprintln!("{}", context.func.display());
        context.set_disasm(true);
    }
    code.define(body, context, level)
        .map_err(|e| debug_bail(&e))?;
    if let Some(vcode) = context.compiled_code().and_then(|c| c.vcode.as_ref()) {
        eprintln!("{vcode}");
    }
    if let (Some(dir), Some(compiled)) = (
        std::env::var_os("LISP_JIT_CODE_DIR"),
        context.compiled_code(),
    ) {
        // Raw machine code, for `objdump -D -b binary -mi386:x86-64`.
        let path = std::path::Path::new(&dir).join(format!("lambda{n}.bin"));
        let _ = std::fs::write(path, compiled.code_buffer());
    }
    code.module.clear_context(context);
    if uses_shared_entry(info) {
        return Ok((body, None, level));
    }
    let entry = define_entry(
        code,
        layout,
        context,
        info,
        Some(body),
        &format!("entry{n}"),
    )?;
    Ok((body, Some(entry), level))
}

/// Whether a lambda is entered through the entry shared by every lambda
/// of its arity (no rest list, no boxed parameter to unwrap), which finds
/// the direct function in the closure's template.
fn uses_shared_entry(info: &LambdaInfo) -> bool {
    !info.rest && info.boxed_params.is_empty()
}

/// Defines a host-convention entry calling `body`, or (`None`) the direct
/// function in the template of the closure it is called with.
fn define_entry(
    code: &mut CodeModule,
    layout: Layout,
    context: &mut Context,
    info: &LambdaInfo,
    body: Option<FuncId>,
    name: &str,
) -> Result<FuncId, Bail> {
    context.func.signature = code.entry_signature();
    context.func.name =
        UserFuncName::user(1, code.module.declarations().get_functions().count() as u32);
    let mut builder_context = FunctionBuilderContext::new();
    {
        let mut b = FunctionBuilder::new(&mut context.func, &mut builder_context);
        entry_trampoline(&mut b, code, layout, info, body);
        b.seal_all_blocks();
        b.finalize(code.module.isa().frontend_config());
    }
    let entry = code
        .module
        .declare_function(name, Linkage::Local, &context.func.signature)
        .map_err(|e| debug_bail(&e))?;
    code.module
        .define_function(entry, context)
        .map_err(|e| debug_bail(&e))?;
    code.module.clear_context(context);
    Ok(entry)
}

/// The host-convention entry: copies (clones) the borrowed arguments,
/// unwrapping the cells the interpreter made for boxed parameters (the
/// direct function boxes them itself), and calls the direct function as a
/// non-tail call from an unknown site.
fn entry_trampoline(
    b: &mut FunctionBuilder,
    code: &mut CodeModule,
    layout: Layout,
    info: &LambdaInfo,
    body: Option<FuncId>,
) {
    let block = b.create_block();
    b.append_block_params_for_function_params(block);
    b.switch_to_block(block);
    let params = b.block_params(block).to_vec();
    let (ctx, closure, argv) = (params[0], params[1], params[2]);
    let nparams = info.required as usize + info.rest as usize;
    // The shared entry finds the direct function in the template first:
    // none there (the lambda went back to the interpreter, see
    // `Intrinsic::PrimMiss`) answers `not_compiled()`, before any argument
    // is touched, and the interpreter runs the call itself.
    let direct_word = body.is_none().then(|| {
        let object = b.ins().iadd_imm_s(closure, -(HEAP_TAG as i64));
        let arc = b.ins().load(
            types::I64,
            MemFlagsData::trusted(),
            object,
            layout.closure_template,
        );
        let template = b.ins().iadd_imm_s(arc, layout.arc_data as i64);
        let word = b.ins().load(
            types::I64,
            MemFlagsData::trusted(),
            template,
            layout.template_direct,
        );
        let none = b.create_block();
        let found = b.create_block();
        b.set_cold_block(none);
        b.ins().brif(word, found, &[], none, &[]);
        b.switch_to_block(none);
        let sentinel = b.ins().iconst(types::I64, not_compiled() as i64);
        b.ins().return_(&[sentinel]);
        b.switch_to_block(found);
        word
    });
    let zero = b.ins().iconst(types::I64, 0);
    let mut operands = vec![ctx, closure, zero, zero, zero];
    for i in 0..nparams {
        let w = b
            .ins()
            .load(types::I64, MemFlagsData::trusted(), argv, (i * 8) as i32);
        if info.boxed_params.contains(&(i as u32)) {
            let id = code.intrinsics[&intrinsics::Intrinsic::CellRef];
            let cell_ref = code.module.declare_func_in_func(id, b.func);
            let inst = b.ins().call(cell_ref, &[ctx, w, zero]);
            operands.push(b.inst_results(inst)[0]);
        } else {
            lower::emit_clone(b, &layout, w);
            operands.push(w);
        }
    }
    let inst = match body {
        Some(body) => {
            let callee = code.module.declare_func_in_func(body, b.func);
            b.ins().call(callee, &operands)
        }
        None => {
            let word = direct_word.expect("loaded above for the shared entry");
            let direct = b
                .ins()
                .band_imm_s(word, !(lower_calls::NEEDS_CLOSURE as i64));
            let sig = b.import_signature(direct_signature(nparams));
            b.ins().call_indirect(sig, direct, &operands)
        }
    };
    let result = b.inst_results(inst)[0];
    b.ins().return_(&[result]);
}

/// What a host-convention entry returns when the lambda has no compiled
/// code any more (it went back to the interpreter): the `UNBOUND` word,
/// which no Lisp expression evaluates to.
pub fn not_compiled() -> u64 {
    Value::UNBOUND.raw()
}

/// Reports a Cranelift error when `LISP_JIT_DEBUG` is set; it means the
/// lowering emitted something invalid, so the lambda stays interpreted.
fn debug_bail(e: &dyn std::fmt::Debug) -> Bail {
    if std::env::var_os("LISP_JIT_DEBUG").is_some() {
        eprintln!("jit: codegen error: {e:?}");
    }
    Bail::Codegen
}

/// The `LambdaInfo` of a template, if the resolver made it (so that its
/// `captures`, which compiled code relies on for the closure layout, is
/// the lambda's number of captures).
pub fn lambda_info_of(template: &Template) -> Option<&LambdaInfo> {
    let info = template.code.downcast_ref::<LambdaInfo>()?;
    (info.captures.len() == template.captures as usize).then_some(info)
}

/// Whether a lambda's code reads its own closure (captured values or a
/// self reference), so callers must keep the closure alive for the call.
pub fn uses_closure(info: &LambdaInfo) -> bool {
    !info.captures.is_empty() || reads_closure(&info.body)
}

fn reads_closure(e: &Expr) -> bool {
    match e {
        Expr::Captured(_) | Expr::CapturedCell(..) | Expr::SetCapturedCell(..) | Expr::SelfRef => {
            true
        }
        Expr::Lambda(t) => lambda_info_of(t).is_some_and(|inner| {
            inner
                .captures
                .iter()
                .any(|c| matches!(c, CaptureFrom::Captured(_) | CaptureFrom::SelfRef))
        }),
        _ => e.children().any(reads_closure),
    }
}
