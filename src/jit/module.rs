//! The Cranelift module every compiled lambda lives in: ISA flags, one
//! arena memory region (so direct PC-relative calls between functions can
//! never be out of range), the intrinsic symbols, and the signatures of the
//! two calling conventions compiled code uses (see `abi` in ARCHITECTURE.md).

use super::intrinsics::{Intrinsic, Ty};
use super::layout::Layout;
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{types, AbiParam, AtomicRmwOp, InstBuilder, MemFlagsData, Signature};
use cranelift_codegen::isa::{CallConv, OwnedTargetIsa};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::{ArenaMemoryProvider, JITBuilder, JITModule};
use cranelift_module::{FuncId, Linkage, Module};
use lisp_runtime::value::{HEAP_TAG, TAG3_MASK};
use std::collections::HashMap;

/// Address space reserved for compiled code (committed lazily).
const ARENA_BYTES: usize = 256 << 20;

/// Number of leading parameters of a direct function before the Lisp
/// arguments: ctx, closure, keep, frame template, frame site.
pub const DIRECT_PREFIX: usize = 5;

/// The module plus what the lowering needs to reference from it.
pub struct CodeModule {
    pub module: JITModule,
    pub intrinsics: HashMap<Intrinsic, FuncId>,
    /// Register-preserving wrappers of cold intrinsics (`preserving_wrapper`).
    pub preserving: HashMap<Intrinsic, FuncId>,
    pub host_cc: CallConv,
    /// The ISAs of `Level::Light` and `Level::Quick` compiles.
    light: OwnedTargetIsa,
    quick: OwnedTargetIsa,
}

/// How much work Cranelift puts into a lambda's direct function.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Level {
    /// `opt_level=speed` and the backtracking register allocator: for code
    /// that does its work inline (arithmetic fast paths, loops) and calls
    /// nothing else.
    Full,
    /// The backtracking allocator without the optimiser: for such code
    /// that also calls other procedures, where the calls take much of the
    /// time but registers still matter around them.
    Light,
    /// No optimiser and the single-pass allocator, about half the compile
    /// time of `Full`: for code whose time goes to calls, with neither
    /// arithmetic nor loops of its own.
    Quick,
}

impl CodeModule {
    /// Builds the module; `Err` carries a reason when the host is unsupported.
    pub fn new(layout: &Layout) -> Result<CodeModule, String> {
        let light = isa(&[("opt_level", "none")])?;
        let quick = isa(&[("opt_level", "none"), ("regalloc_algorithm", "single_pass")])?;
        let isa = isa(&[])?;
        let host_cc = isa.default_call_conv();
        let mut builder = JITBuilder::with_isa(isa, cranelift_module::default_libcall_names());
        let arena = ArenaMemoryProvider::new_with_size(ARENA_BYTES).map_err(|e| e.to_string())?;
        builder.memory_provider(Box::new(arena));
        for &i in Intrinsic::ALL {
            builder.symbol(i.name(), i.address());
        }
        let mut module = JITModule::new(builder);
        let mut intrinsics = HashMap::new();
        for &i in Intrinsic::ALL {
            let sig = intrinsic_signature(i, host_cc);
            let id = module
                .declare_function(i.name(), Linkage::Import, &sig)
                .map_err(|e| e.to_string())?;
            intrinsics.insert(i, id);
        }
        let mut preserving = HashMap::new();
        for i in [
            Intrinsic::Free,
            Intrinsic::Drop,
            Intrinsic::Prim,
            Intrinsic::PrimMiss,
            Intrinsic::Float,
        ] {
            let id = preserving_wrapper(&mut module, layout, intrinsics[&i], i, host_cc)?;
            preserving.insert(i, id);
        }
        let drop = drop_function(&mut module, layout, &preserving)?;
        preserving.insert(Intrinsic::Drop, drop);
        Ok(CodeModule {
            module,
            intrinsics,
            preserving,
            host_cc,
            light,
            quick,
        })
    }

    /// Compiles the function in `context` at `level` and defines it as `id`.
    pub fn define(
        &mut self,
        id: FuncId,
        context: &mut cranelift_codegen::Context,
        level: Level,
    ) -> Result<(), String> {
        let isa = match level {
            Level::Full => self.module.isa(),
            Level::Light => &*self.light,
            Level::Quick => &*self.quick,
        };
        let mut plane = cranelift_codegen::control::ControlPlane::default();
        context
            .compile(isa, &mut plane)
            .map_err(|e| format!("{:?}", e.inner))?;
        let compiled = context.compiled_code().expect("just compiled");
        let alignment = compiled.buffer.alignment as u64;
        let relocs: Vec<_> = compiled
            .buffer
            .relocs()
            .iter()
            .map(|r| cranelift_module::ModuleReloc::from_mach_reloc(r, &context.func, id))
            .collect();
        self.module
            .define_function_bytes(id, alignment, compiled.code_buffer(), &relocs)
            .map_err(|e| format!("{e:?}"))
    }

    /// The host-convention entry signature: `(ctx, closure, args*, nargs) -> value`.
    pub fn entry_signature(&self) -> Signature {
        let mut sig = Signature::new(self.host_cc);
        sig.params.extend([AbiParam::new(types::I64); 4]);
        sig.returns.push(AbiParam::new(types::I64));
        sig
    }
}

/// The direct (tail-convention) signature of a lambda taking `nargs`
/// arguments: `(ctx, closure, keep, frame template, frame site, args...) -> value`.
pub fn direct_signature(nargs: usize) -> Signature {
    let mut sig = Signature::new(CallConv::Tail);
    for _ in 0..DIRECT_PREFIX + nargs {
        sig.params.push(AbiParam::new(types::I64));
    }
    sig.returns.push(AbiParam::new(types::I64));
    sig
}

/// Defines a function in the `preserve_all` convention that calls the
/// intrinsic `import` with its arguments; compiled code calls it instead
/// on cold paths. A host-convention call clobbers the caller-saved
/// registers, so the register allocator spilled every value live across
/// a cold call where it was defined, on the hot path too (a loop's counter
/// went through the stack each iteration); the wrapper saves what the
/// call clobbers itself, only when it runs. `preserve_all` functions
/// return nothing: a result is stored in `Ctx::jit_result` (the first
/// argument of every intrinsic with a result that is wrapped is the
/// context).
fn preserving_wrapper(
    module: &mut JITModule,
    layout: &Layout,
    import: FuncId,
    i: Intrinsic,
    host_cc: CallConv,
) -> Result<FuncId, String> {
    let host = intrinsic_signature(i, host_cc);
    let mut sig = Signature::new(CallConv::PreserveAll);
    sig.params = host.params.clone();
    let name = format!("{}_preserving", i.name());
    define_local(module, &name, sig, |module, b| {
        let block = b.create_block();
        b.append_block_params_for_function_params(block);
        b.switch_to_block(block);
        let params = b.block_params(block).to_vec();
        let callee = module.declare_func_in_func(import, b.func);
        let inst = b.ins().call(callee, &params);
        if let Some(&result) = b.inst_results(inst).first() {
            b.ins().store(
                MemFlagsData::trusted(),
                result,
                params[0],
                layout.ctx_jit_result,
            );
        }
        b.ins().return_(&[]);
    })
}

/// Declares a module-local function `name` of signature `sig`, has
/// `build` fill its body, and defines it.
fn define_local(
    module: &mut JITModule,
    name: &str,
    sig: Signature,
    build: impl FnOnce(&mut JITModule, &mut FunctionBuilder),
) -> Result<FuncId, String> {
    let id = module
        .declare_function(name, Linkage::Local, &sig)
        .map_err(|e| e.to_string())?;
    let mut context = module.make_context();
    context.func.signature = sig;
    let mut builder_context = FunctionBuilderContext::new();
    {
        let mut b = FunctionBuilder::new(&mut context.func, &mut builder_context);
        build(module, &mut b);
        b.seal_all_blocks();
        b.finalize(module.isa().frontend_config());
    }
    module
        .define_function(id, &mut context)
        .map_err(|e| e.to_string())?;
    Ok(id)
}

/// Defines the `preserve_all` function compiled code calls as the
/// register-preserving `Intrinsic::Drop` (cold paths, and the `keep` word
/// at exits; see `Lower::drop_out_of_line`) to drop an owned word:
/// nothing for an immediate; for a heap word, what `Lower::drop_value`
/// does inline: the last owner hands the object to the runtime's drop,
/// and a shared one is decremented here (freed if that was the last count
/// after all). `preserving` holds the register-preserving wrappers of
/// `Drop` and `Free`, called on the paths that free, so that only those
/// save the caller-saved registers: a shared word costs a few
/// instructions more than inline.
fn drop_function(
    module: &mut JITModule,
    layout: &Layout,
    preserving: &HashMap<Intrinsic, FuncId>,
) -> Result<FuncId, String> {
    let mut sig = Signature::new(CallConv::PreserveAll);
    sig.params.push(AbiParam::new(types::I64));
    define_local(module, "jit_drop_word", sig, |module, b| {
        let drop = module.declare_func_in_func(preserving[&Intrinsic::Drop], b.func);
        let free = module.declare_func_in_func(preserving[&Intrinsic::Free], b.func);
        let entry = b.create_block();
        let check = b.create_block();
        let unique = b.create_block();
        let shared = b.create_block();
        let last = b.create_block();
        let done = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        let v = b.block_params(entry)[0];
        let tag = b.ins().band_imm_s(v, TAG3_MASK as i64);
        let heap = b.ins().icmp_imm_s(IntCC::Equal, tag, HEAP_TAG as i64);
        b.ins().brif(heap, check, &[], done, &[]);
        b.switch_to_block(check);
        let addr = b
            .ins()
            .iadd_imm_s(v, layout.strong_count as i64 - HEAP_TAG as i64);
        let count = b
            .ins()
            .atomic_load(types::I64, MemFlagsData::trusted(), addr);
        let one = b.ins().icmp_imm_s(IntCC::Equal, count, 1);
        b.ins().brif(one, unique, &[], shared, &[]);
        b.switch_to_block(unique);
        b.ins().call(drop, &[v]);
        b.ins().jump(done, &[]);
        b.switch_to_block(shared);
        let one = b.ins().iconst(types::I64, 1);
        let old = b.ins().atomic_rmw(
            types::I64,
            MemFlagsData::trusted(),
            AtomicRmwOp::Sub,
            addr,
            one,
        );
        let was_last = b.ins().icmp_imm_s(IntCC::Equal, old, 1);
        b.ins().brif(was_last, last, &[], done, &[]);
        b.switch_to_block(last);
        b.set_cold_block(last);
        b.ins().call(free, &[v]);
        b.ins().jump(done, &[]);
        b.switch_to_block(done);
        b.ins().return_(&[]);
    })
}

fn intrinsic_signature(i: Intrinsic, cc: CallConv) -> Signature {
    let ty = |t: Ty| match t {
        Ty::I64 => types::I64,
        Ty::F64 => types::F64,
    };
    let mut sig = Signature::new(cc);
    sig.params
        .extend(i.params().iter().map(|&t| AbiParam::new(ty(t))));
    if let Some(r) = i.result() {
        sig.returns.push(AbiParam::new(ty(r)));
    }
    sig
}

/// The native ISA with the flags CRANELIFT.md requires: frame pointers
/// (needed by `return_call` on x86-64), speed optimisation, and the IR
/// verifier in debug builds; then `overrides`.
fn isa(overrides: &[(&str, &str)]) -> Result<OwnedTargetIsa, String> {
    let mut flags = settings::builder();
    let verifier = if cfg!(debug_assertions) {
        "true"
    } else {
        "false"
    };
    for (name, value) in [
        ("is_pic", "false"),
        ("use_colocated_libcalls", "false"),
        ("preserve_frame_pointers", "true"),
        ("opt_level", "speed"),
        ("enable_verifier", verifier),
        // Functions start 16-byte aligned. Bit 0 of a `jit_direct` word is
        // a flag (`NEEDS_CLOSURE`), so a direct function's address must be
        // even; by default a function with no constant pool could start
        // anywhere, right after the previous one.
        ("log2_min_function_alignment", "4"),
    ]
    .iter()
    .chain(overrides)
    {
        flags.set(name, value).map_err(|e| e.to_string())?;
    }
    if let Ok(extra) = std::env::var("LISP_JIT_FLAGS") {
        for kv in extra.split(',').filter(|s| !s.is_empty()) {
            let (k, v) = kv.split_once('=').unwrap_or((kv, "true"));
            flags.set(k, v).map_err(|e| e.to_string())?;
        }
    }

    let builder = cranelift_native::builder().map_err(|e| e.to_string())?;
    builder
        .finish(settings::Flags::new(flags))
        .map_err(|e| e.to_string())
}
