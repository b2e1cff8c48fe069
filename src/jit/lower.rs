//! Lowering of one `LambdaInfo` body to Cranelift IR: the translator's
//! state, value ownership, exits, and the non-call node families
//! (constants, variables, cells, globals, `if`, sequencing, binding,
//! closure creation). Calls live in `lower_calls`, primitives in
//! `lower_prims`.
//!
//! Input: a `LambdaInfo`. Output: the body of the lambda's direct
//! (tail-convention) function, or a `Bail` reason.
//!
//! Ownership: every lowered expression yields an *owned* word (a heap word
//! carries one strong count), except `operand`, which may hand out a word
//! *borrowed* from a frame slot, the closure or a constant. Frame slots own
//! their values; every exit drops them, and the `keep` word, once. Owned
//! temporaries that are live while something can raise are listed in
//! `temps`, so the raise path drops exactly them.

use super::intrinsics::Intrinsic;
use super::layout::Layout;
use super::module::{CodeModule, Level};
use super::Bail;
use crate::ir::{CaptureFrom, Expr, LambdaInfo, PrimOp};
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{
    types, AtomicRmwOp, Block, BlockArg, FuncRef, InstBuilder, MemFlagsData, StackSlot,
    StackSlotData, StackSlotKind, Value as Clif,
};
use cranelift_frontend::{FunctionBuilder, Variable};
use cranelift_module::{FuncId, Module};
use lisp_runtime::object::{Closure, Template};
use lisp_runtime::value::{FIXNUM_MASK, HEAP_TAG, TAG3_MASK};
use lisp_runtime::{Span, Value};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// The lowering state of one function.
pub struct Lower<'a, 'f> {
    pub b: &'a mut FunctionBuilder<'f>,
    pub code: &'a mut CodeModule,
    pub layout: Layout,
    pub info: &'a LambdaInfo,
    pub template: &'a Arc<Template>,
    refs: HashMap<(Intrinsic, bool), FuncRef>,
    pub ctx: Clif,
    pub closure: Clif,
    /// The stack slot holding the `keep`, frame template and frame site
    /// words: rarely needed (exits, tail calls, errors), they stay out of
    /// registers.
    frame_info: StackSlot,
    pub slots: Vec<Variable>,
    /// The loop header self tail calls jump to (parameters: the arguments).
    pub header: Block,
    /// Exit with an exception pending.
    pub raise_exit: Block,
    /// Owned temporaries to drop if something raises now.
    pub temps: Vec<Clif>,
    /// Values known not to be heap words (no refcounting needed).
    pub immediates: HashSet<Clif>,
    /// The direct function being defined (for calls of the running closure).
    pub self_func: FuncId,
    /// Values known to be fixnums (constants).
    pub fixnums: HashSet<Clif>,
    /// The stack slot small spills share.
    shared_spill: Option<StackSlot>,
    /// Whether the lambda ran in the interpreter first, so its primitive
    /// sites carry type feedback (see `ir::Feedback`).
    pub has_feedback: bool,
    /// The variable holding the `Ctx::prims_redefined` byte.
    prims_var: Variable,
    /// Frame slots read exactly once by the rest of the expression being
    /// lowered, after which the frame dies (a tail call's argument, a
    /// value returned from tail position): that read may move the value
    /// out (see `consume`) instead of borrowing it and leaving a drop for
    /// the frame's end.
    pub consumable: Vec<u32>,
    /// The slots the primitive being lowered moves its operands out of.
    pub consuming: Vec<u32>,
    /// The global table of the thread that asked for this compilation.
    pub globals: &'a [Value],
    /// Whether the guarded builtins are known to be intact here: the entry
    /// guard checked them and nothing since can have run Lisp code.
    pub prims_clean: bool,
    /// The global a self call names (`(define (f ...) ... (f ...))`) and a
    /// variable saying whether it holds the running closure; meaningful
    /// while `self_global_valid`.
    pub self_global: Option<(u32, Variable)>,
    /// A count of the callee of the call being lowered, taken while the
    /// builtins are redefined (`lower_calls`: `hold_while_redefined`).
    pub held_callee: Option<Clif>,
    /// Whether the variable of `self_global` is up to date: set at the
    /// loop header, cleared by anything that can run Lisp code
    /// (`refresh_prims`) unless that path reads the global again, and
    /// scoped like `prims_clean` (see `If`).
    pub self_global_valid: bool,
    /// The entry guard proved that the global of `self_global` holds the
    /// running closure, and the body is `self_pure`: while the builtins
    /// are known intact (`prims_clean`), a call of that global is a call
    /// of this very function, with nothing to test.
    pub self_proven: bool,
    /// The raise blocks made so far, by the temporaries they drop (see
    /// `raise_block`).
    raise_blocks: HashMap<Vec<Clif>, Block>,
    /// The block every value return jumps to (see `return_value`).
    return_exit: Option<Block>,
    /// Slots bound (`let`) to the result of a fused float tree that had no
    /// generic path, with that result's f64: later trees read them without
    /// a tag test or a decode. Scoped like `prims_clean` (see `If`).
    pub float_shadows: Vec<(u32, Clif)>,
    /// The word and f64 of the last fused float tree with no generic path
    /// (for `Bind` to shadow).
    pub last_fused: Option<(Clif, Clif)>,
    /// Global ids below this have an entry in the thread's table (see
    /// `size_globals`).
    pub globals_sized: u32,
    /// Where a failed entry guard goes, with the header's arguments.
    guard_miss: Option<Block>,
    /// Captured values the entry guard proved to be fixnums (a closure's
    /// captured values never change).
    pub fixnum_captures: Vec<u32>,
    /// Captured values the entry guard proved to be inline floats
    /// (self-tagged, or a zero).
    pub float_captures: Vec<u32>,
    /// Parameter slots the entry guard proved to hold inline floats.
    pub float_slots: Vec<u32>,
    /// The `UNBOUND` word every emptied slot holds: one value, defined in
    /// the entry block, so that slots empty on every edge into a block (a
    /// loop header) need no block parameter there.
    pub unbound: Clif,
    /// Parameter slots the entry guard proved to hold fixnums (never
    /// rebound in the body, so they do throughout).
    pub fixnum_slots: Vec<u32>,
}

/// Words a shared spill slot holds.
const SHARED_SPILL_WORDS: usize = 8;

/// Emits an inline strong-count increment of `v` when it is a heap word.
pub fn emit_clone(b: &mut FunctionBuilder, layout: &Layout, v: Clif) {
    let tag = b.ins().band_imm_s(v, TAG3_MASK as i64);
    let heap = b.ins().icmp_imm_s(IntCC::Equal, tag, HEAP_TAG as i64);
    let inc = b.create_block();
    let done = b.create_block();
    b.ins().brif(heap, inc, &[], done, &[]);
    // Both blocks are sealed as soon as their predecessors are all there
    // (see `Lower::switch`): a variable read after an unsealed block
    // would become a block parameter of every merge below it, removed
    // only when the function is finished.
    b.switch_to_block(inc);
    b.seal_block(inc);
    let addr = b
        .ins()
        .iadd_imm_s(v, layout.strong_count as i64 - HEAP_TAG as i64);
    let one = b.ins().iconst(types::I64, 1);
    b.ins().atomic_rmw(
        types::I64,
        MemFlagsData::trusted(),
        AtomicRmwOp::Add,
        addr,
        one,
    );
    b.ins().jump(done, &[]);
    b.switch_to_block(done);
    b.seal_block(done);
}

/// Flags of a load from memory that never changes while the code runs and
/// is always valid to read (so it may be shared and hoisted).
pub fn invariant() -> MemFlagsData {
    MemFlagsData::trusted().with_readonly().with_can_move()
}

/// The frame slots that `exprs[k]` reads exactly once and that nothing
/// evaluated after it (`exprs[k+1..]`, and `also` if given) reads: their
/// read in `exprs[k]` is the last one of the frame when the frame dies
/// right after (a tail call, a returned value).
pub fn last_reads(exprs: &[Expr], k: usize, also: Option<&Expr>) -> Vec<u32> {
    let mut slots = Vec::new();
    collect_locals(&exprs[k], &mut slots);
    slots.sort_unstable();
    slots.dedup();
    slots.retain(|&s| {
        read_count(&exprs[k], s) == 1
            && exprs[k + 1..].iter().all(|e| read_count(e, s) == 0)
            && also.is_none_or(|e| read_count(e, s) == 0)
    });
    slots
}

/// The slots `e` reads as plain values (`Local`).
fn collect_locals(e: &Expr, out: &mut Vec<u32>) {
    match e {
        Expr::Local(s) => out.push(*s),
        Expr::If(a, b, c) => {
            for x in [a, b, c] {
                collect_locals(x, out);
            }
        }
        Expr::Prim(p) => p.args.iter().for_each(|a| collect_locals(a, out)),
        Expr::Call(c) => {
            collect_locals(&c.func, out);
            c.args.iter().for_each(|a| collect_locals(a, out));
        }
        _ => {}
    }
}

/// How many times `e` reads or writes `slot` (2 standing for "more than
/// once"; a lambda capturing it, or anything binding it, counts as 2).
fn read_count(e: &Expr, slot: u32) -> usize {
    let own = match e {
        Expr::Local(s) | Expr::LocalCell(s, _) => (*s == slot) as usize,
        Expr::MakeCell(s) | Expr::SetLocalCell(s, _) | Expr::Bind { slot: s, .. } => {
            2 * (*s == slot) as usize
        }
        Expr::Lambda(t) => {
            let captures = &crate::ir::lambda_info(t).captures;
            2 * captures
                .iter()
                .any(|c| matches!(c, CaptureFrom::Local(s) if *s == slot)) as usize
        }
        _ => 0,
    };
    let n: usize = own + e.children().map(|x| read_count(x, slot)).sum::<usize>();
    n.min(2)
}

/// Whether `e` (one lambda's body, not nested lambdas) reads a global or
/// has a primitive site (whose guard may read one).
fn reads_globals(e: &Expr) -> bool {
    matches!(e, Expr::Global(..) | Expr::Prim(_)) || e.children().any(reads_globals)
}

/// Whether `e` is a variable or a constant (no work to speak of).
fn is_leaf(e: &Expr) -> bool {
    matches!(
        e,
        Expr::Const(_) | Expr::Local(_) | Expr::Captured(_) | Expr::SelfRef | Expr::Global(..)
    )
}

/// Shorthand for a block argument list.
pub fn args(values: &[Clif]) -> Vec<BlockArg> {
    values.iter().map(|&v| BlockArg::Value(v)).collect()
}

impl<'a, 'f> Lower<'a, 'f> {
    /// Sets up the entry block, stack check and loop header, and lowers
    /// the body in tail position.
    pub fn function(
        b: &'a mut FunctionBuilder<'f>,
        code: &'a mut CodeModule,
        layout: Layout,
        info: &'a LambdaInfo,
        template: &'a Arc<Template>,
        self_func: FuncId,
        globals: &'a [Value],
    ) -> Result<Level, Bail> {
        let nparams = info.required as usize + info.rest as usize;
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        let params = b.block_params(entry).to_vec();
        let frame_info =
            b.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, 24, 3));
        for (i, &w) in params[2..5].iter().enumerate() {
            b.ins()
                .stack_store(types::I64, w, frame_info, (i * 8) as i32);
        }
        let slots = (0..info.frame_size.max(nparams as u32))
            .map(|_| b.declare_var(types::I64))
            .collect();
        let header = b.create_block();
        let raise_exit = b.create_block();
        let prims_var = b.declare_var(types::I32);
        let unbound = b.ins().iconst(types::I64, Value::UNBOUND.raw() as i64);
        let mut l = Lower {
            b,
            code,
            layout,
            info,
            template,
            refs: HashMap::new(),
            ctx: params[0],
            closure: params[1],
            frame_info,
            slots,
            header,
            raise_exit,
            temps: Vec::new(),
            immediates: HashSet::new(),
            self_func,
            fixnums: HashSet::new(),
            shared_spill: None,
            has_feedback: template.heat.load(std::sync::atomic::Ordering::Relaxed) > 0,
            prims_var,
            consumable: Vec::new(),
            consuming: Vec::new(),
            globals,
            prims_clean: false,
            unbound,
            fixnum_slots: Vec::new(),
            fixnum_captures: Vec::new(),
            float_captures: Vec::new(),
            float_slots: Vec::new(),
            guard_miss: None,
            self_global: None,
            self_global_valid: false,
            self_proven: false,
            raise_blocks: HashMap::new(),
            return_exit: None,
            held_callee: None,
            float_shadows: Vec::new(),
            last_fused: None,
            globals_sized: 0,
        };
        l.immediates.insert(unbound);
        for i in 0..l.slots.len() {
            l.b.def_var(l.slots[i], unbound);
        }
        l.stack_check(&params[5..]);
        for _ in 0..nparams {
            l.b.append_block_param(header, types::I64);
        }
        l.size_globals(info);
        // Read after the calls above, so that it needs no register across
        // them.
        l.refresh_prims();
        let guarded = l.entry_guard(&params[5..]);
        if guarded.is_none() {
            l.b.ins().jump(header, &args(&params[5..]));
        }
        l.b.switch_to_block(header);
        let incoming = l.b.block_params(header).to_vec();
        // A parameter every self tail call passes on unchanged is the
        // entry's value throughout: what is computed from it is loop
        // invariant (and hoisted).
        let invariant = l.invariant_params();
        let bound: Vec<Clif> = incoming
            .iter()
            .enumerate()
            .map(|(i, &v)| if invariant[i] { params[5 + i] } else { v })
            .collect();
        // Only parameters are bound at the header (see `restart_frame`).
        for i in nparams..l.slots.len() {
            l.b.def_var(l.slots[i], unbound);
        }
        if let Some(plan) = guarded {
            l.header_guard(&incoming, &bound, plan);
        }
        for (i, &v) in bound.iter().enumerate() {
            let boxed = info.boxed_params.contains(&(i as u32));
            let v = if boxed {
                l.call(Intrinsic::MakeCell, &[v])
            } else {
                v
            };
            l.b.def_var(l.slots[i], v);
        }
        l.interrupt_check();
        l.tail(&info.body)?;
        l.emit_exits();
        Ok(l.level())
    }

    /// How hard Cranelift should work on this lambda (`Level`). Code with
    /// arithmetic fast paths or a loop gets the backtracking register
    /// allocator, and the optimiser too unless it calls other procedures:
    /// then much of its time goes to them and to the calls. Code with
    /// neither spends its time in calls (of other lambdas, of the runtime
    /// for allocation, drops and builtins): the quick level.
    fn level(&self) -> Level {
        fn arithmetic(e: &Expr) -> bool {
            match e {
                Expr::Prim(p) if super::lower_prims::is_arithmetic(p.op) => true,
                _ => e.children().any(arithmetic),
            }
        }
        fn calls_others(l: &Lower, e: &Expr) -> bool {
            match e {
                Expr::Call(c) if !(l.names_self(&c.func) || matches!(c.func, Expr::SelfRef)) => {
                    true
                }
                _ => e.children().any(|x| calls_others(l, x)),
            }
        }
        let body = &self.info.body;
        match (
            self.may_loop() || arithmetic(body),
            calls_others(self, body),
        ) {
            (false, _) => Level::Quick,
            (true, true) => Level::Light,
            (true, false) => Level::Full,
        }
    }

    /// The entry guard of a lambda that ran in the interpreter first.
    /// Its primitive sites need no tag tests on the parameters and
    /// captured values the guard proves to be fixnums or self-tagged
    /// floats (`guards::plan`), and no primitive needs the
    /// `prims_redefined` test until something runs Lisp code
    /// (`prims_clean`): on entry, the guard tests that the guarded
    /// builtins are intact and those captured values are what they should
    /// be; at the loop header (every entry and iteration), that those
    /// parameters are; and a self tail call after Lisp code ran tests the
    /// builtins again (`jump_to_header`). Emits the entry part and returns
    /// the plan for the header part, or `None` for no guard.
    ///
    /// When a test fails, `Intrinsic::GuardMiss` notes what it found in
    /// the type feedback and sends the lambda back to be compiled again,
    /// and the call goes on as a tail call of the closure through the
    /// interpreter (`guard_miss`).
    fn entry_guard(&mut self, entry_args: &[Clif]) -> Option<super::guards::Plan> {
        if !self.has_feedback
            || self.info.rest
            || self
                .info
                .guard_missed
                .load(std::sync::atomic::Ordering::Relaxed)
        {
            return None;
        }
        let plan = super::guards::plan(self.info, self.has_feedback);
        if std::env::var_os("LISP_JIT_DEBUG").is_some() {
            let name = self.info.name.map(|n| n.name());
            eprintln!("jit: entry guard of {name:?}: {plan:?}");
        }
        let miss = self.b.create_block();
        self.b.set_cold_block(miss);
        for _ in entry_args {
            self.b.append_block_param(miss, types::I64);
        }
        self.guard_miss = Some(miss);
        // Each nonzero word of `misses` fails the guard. They are tested
        // one branch each (a compare fuses with its branch; OR-ing them
        // would need each as a 0/1 word first).
        let mut misses = vec![self.prims_redefined()];
        let fixnums: Vec<Clif> = plan
            .fixnum_captures
            .iter()
            .map(|&i| self.captured(i))
            .collect();
        let floats: Vec<Clif> = plan
            .float_captures
            .iter()
            .map(|&i| self.captured(i))
            .collect();
        misses.extend(self.guard_tags(&fixnums, &floats));
        let self_global = match self.self_loop_global() {
            Some(id) => Some((id, true)),
            None => self.self_call_global().map(|id| (id, false)),
        };
        if let Some((id, looping)) = self_global {
            let var = self.b.declare_var(types::I8);
            let holds = if self.self_pure(&self.info.body) {
                // Part of the guard: the global holds this closure, and
                // nothing in the body can change that (see `self_proven`).
                let word = self.global_word(id);
                misses.push(self.b.ins().icmp(IntCC::NotEqual, word, self.closure));
                self.self_proven = true;
                self.b.ins().iconst(types::I8, 1)
            } else if looping {
                // Whether the global holds this closure, as of the header
                // (see `callee`).
                let word = self.global_word(id);
                self.b.ins().icmp(IntCC::Equal, word, self.closure)
            } else {
                // Read at the first self call (see `known_self_call`).
                self.b.ins().iconst(types::I8, 0)
            };
            self.b.def_var(var, holds);
            self.self_global = Some((id, var));
        }
        let header = self.header;
        let entry_args = args(entry_args);
        let last = misses.pop().expect("the builtins' test");
        for bad in misses {
            let next = self.b.create_block();
            self.b.ins().brif(bad, miss, &entry_args, next, &[]);
            self.switch(next);
        }
        self.b
            .ins()
            .brif(last, miss, &entry_args, header, &entry_args);

        self.switch(miss);
        let incoming = self.b.block_params(miss).to_vec();
        // Spilled first: nothing lives across the intrinsic's call.
        let argv = self.spill(&incoming);
        let n = self.iconst(incoming.len() as u64);
        let r = self.call(Intrinsic::GuardMiss, &[self.ctx, self.closure, argv, n]);
        self.check(r);
        self.return_value(r);
        self.fixnum_captures = plan.fixnum_captures.clone();
        self.float_captures = plan.float_captures.clone();
        Some(plan)
    }

    /// The header part of the entry guard: tests the parameters of `plan`
    /// (their `bound` values; a miss passes on `incoming`).
    fn header_guard(&mut self, incoming: &[Clif], bound: &[Clif], plan: super::guards::Plan) {
        let pick =
            |slots: &[u32]| -> Vec<Clif> { slots.iter().map(|&s| bound[s as usize]).collect() };
        let (fixnums, floats) = (pick(&plan.fixnum_slots), pick(&plan.float_slots));
        if let Some(bad) = self.guard_tags(&fixnums, &floats) {
            let ok = self.b.create_block();
            let miss = self.guard_miss.expect("an entry guard");
            self.b.ins().brif(bad, miss, &args(incoming), ok, &[]);
            self.switch(ok);
        }
        self.fixnum_slots = plan.fixnum_slots;
        self.float_slots = plan.float_slots;
        self.prims_clean = true;
        self.self_global_valid = self.self_loop_global().is_some() || self.self_proven;
    }

    /// A word that is nonzero unless all `fixnums` are fixnums and all
    /// `floats` inline floats (self-tagged or zero), or `None` for no words.
    fn guard_tags(&mut self, fixnums: &[Clif], floats: &[Clif]) -> Option<Clif> {
        let fixnum_bits = fixnums.split_first().map(|(&first, rest)| {
            let all = rest.iter().fold(first, |acc, &w| self.b.ins().bor(acc, w));
            self.b.ins().band_imm_s(all, FIXNUM_MASK as i64)
        });
        let float_bits = floats.split_first().map(|(&first, rest)| {
            let first = self.is_inline_float(first);
            let all = rest.iter().fold(first, |acc, &w| {
                let ok = self.is_inline_float(w);
                self.b.ins().band(acc, ok)
            });
            let bad = self.b.ins().bxor_imm_s(all, 1);
            self.b.ins().uextend(types::I64, bad)
        });
        match (fixnum_bits, float_bits) {
            (Some(a), Some(b)) => Some(self.b.ins().bor(a, b)),
            (a, b) => a.or(b),
        }
    }

    /// Jumps to the loop header with `incoming` (a self tail call): by
    /// way of the entry guard's test of the builtins when Lisp code may
    /// have run since the header.
    pub fn jump_to_header(&mut self, incoming: &[Clif]) {
        let header = self.header;
        match self.guard_miss {
            Some(miss) if !self.prims_clean => {
                let prims = self.prims_redefined();
                let incoming = args(incoming);
                self.b.ins().brif(prims, miss, &incoming, header, &incoming);
            }
            _ => {
                self.b.ins().jump(header, &args(incoming));
            }
        }
    }

    /// Makes sure on entry that the thread's global table has an entry for
    /// every global id that exists now, growing it if needed: every global
    /// this lambda reads is then read without a bounds check (the table
    /// never shrinks).
    fn size_globals(&mut self, info: &LambdaInfo) {
        if !reads_globals(&info.body) {
            return;
        }
        let count = lisp_runtime::globals::global_count() as u32;
        if count as usize <= lisp_runtime::globals::MIN_GLOBALS {
            // Every table is at least that long already.
            self.globals_sized = count;
            return;
        }
        let len = self.ctx_word(self.layout.ctx_globals_len);
        let short = self
            .b
            .ins()
            .icmp_imm_s(IntCC::UnsignedLessThan, len, count as i64);
        let grow = self.b.create_block();
        let sized = self.b.create_block();
        self.b.set_cold_block(grow);
        self.b.ins().brif(short, grow, &[], sized, &[]);
        self.switch(grow);
        let count_word = self.iconst(count as u64);
        self.call(Intrinsic::GrowGlobals, &[self.ctx, count_word]);
        self.b.ins().jump(sized, &[]);
        self.switch(sized);
        self.globals_sized = count;
    }

    /// Raises `stack overflow` when the native stack is past the thread's
    /// limit, or `interrupted` when the thread's interrupt flag (Ctrl-C in
    /// the REPL) is set, as the interpreter does at every call: one
    /// comparison with `Interrupt::jit_limit` tests both.
    fn stack_check(&mut self, incoming: &[Clif]) {
        let (sp, low) = self.below_limit();
        let hit = self.b.create_block();
        let raise = self.b.create_block();
        let ok = self.b.create_block();
        self.b.set_cold_block(hit);
        self.b.set_cold_block(raise);
        self.b.ins().brif(low, hit, &[], ok, &[]);
        self.switch(hit);
        let site = self.frame_site();
        let raised = self.call(Intrinsic::StackLimit, &[self.ctx, site, sp]);
        self.b.ins().brif(raised, raise, &[], ok, &[]);
        self.switch(raise);
        for &v in incoming {
            self.drop_cold(v);
        }
        let keep = self.keep();
        self.drop_cold(keep);
        let r = self.iconst(Value::RAISED.raw());
        self.b.ins().return_(&[r]);
        self.switch(ok);
    }

    /// The thread's `Arc<Interrupt>` pointer (set once per thread:
    /// read-only).
    fn interrupt_arc(&mut self) -> Clif {
        self.b
            .ins()
            .load(types::I64, invariant(), self.ctx, self.layout.ctx_interrupt)
    }

    /// The stack pointer, and whether it is below `Interrupt::jit_limit`.
    fn below_limit(&mut self) -> (Clif, Clif) {
        let sp = self.b.ins().get_stack_pointer(types::I64);
        let arc = self.interrupt_arc();
        let limit = self.b.ins().load(
            types::I64,
            MemFlagsData::trusted(),
            arc,
            self.layout.interrupt_jit_limit,
        );
        let low = self.b.ins().icmp(IntCC::UnsignedLessThan, sp, limit);
        (sp, low)
    }

    /// At the loop header of a lambda whose self tail calls loop: raises
    /// `interrupted` when the thread's interrupt flag is set, as the
    /// interpreter does at every loop iteration. (Entry checked it with the
    /// stack.) The flag byte, not the limit: its `Arc` is read once per
    /// loop, a byte test is one instruction less than reading the stack
    /// pointer and comparing, and a set flag always raises.
    fn interrupt_check(&mut self) {
        if !self.may_loop() {
            return;
        }
        let arc = self.interrupt_arc();
        let flag = self.b.ins().uload8(
            types::I32,
            MemFlagsData::trusted(),
            arc,
            self.layout.interrupt_flag,
        );
        let cold = self.b.create_block();
        let cont = self.b.create_block();
        self.b.set_cold_block(cold);
        self.b.ins().brif(flag, cold, &[], cont, &[]);
        self.switch(cold);
        // Raising, never going on: a cold path that goes back into the
        // loop makes the loop's variables live across its call, and the
        // register allocator then keeps them in memory on the hot path.
        self.call(Intrinsic::Interrupted, &[self.ctx]);
        self.raise_now();
        self.switch(cont);
    }

    /// Returns the owned `v`: jumps to the one exit that drops the frame
    /// and returns. A slot moved out on some paths (`tail` of a variable)
    /// is `UNBOUND` there, which its drop's tag test skips; dropping the
    /// frame once per return instead made deriv's CLIF 10% bigger (281 ->
    /// 252 blocks).
    pub fn return_value(&mut self, v: Clif) {
        // One exit for every return: the frame's drops are emitted once.
        let exit = *self.return_exit.get_or_insert_with(|| {
            let exit = self.b.create_block();
            self.b.append_block_param(exit, types::I64);
            exit
        });
        self.b.ins().jump(exit, &[BlockArg::Value(v)]);
    }

    /// Emits the raising exit block.
    fn emit_exits(&mut self) {
        // Every way into the exits is known by now: sealed first, a slot
        // that is the same word on every way in (`UNBOUND` where each
        // return moved it out) reads as that word, not a block parameter.
        if let Some(miss) = self.guard_miss {
            self.b.seal_block(miss);
        }
        if let Some(exit) = self.return_exit {
            self.b.switch_to_block(exit);
            self.b.seal_block(exit);
            let v = self.b.block_params(exit)[0];
            self.drop_frame();
            self.b.ins().return_(&[v]);
        }
        self.b.switch_to_block(self.raise_exit);
        self.b.seal_block(self.raise_exit);
        self.b.set_cold_block(self.raise_exit);
        for i in self.heap_slots() {
            let v = self.b.use_var(self.slots[i]);
            self.drop_cold(v);
        }
        // The caller's backtrace frame and the `keep` word, in one call.
        let keep = self.keep();
        let template = self.frame_info_word(1);
        let site = self.frame_site();
        let own = self.iconst(Arc::as_ptr(self.template) as u64);
        self.call(Intrinsic::RaiseExit, &[self.ctx, keep, template, site, own]);
        let raised = self.iconst(Value::RAISED.raw());
        self.b.ins().return_(&[raised]);
    }

    /// Drops every frame slot and the keep word.
    pub fn drop_frame(&mut self) {
        for i in self.heap_slots() {
            let v = self.b.use_var(self.slots[i]);
            self.drop_value(v);
        }
        // `keep` is 0 or an owned closure.
        let keep = self.keep();
        self.drop_unless_zero(keep);
    }

    /// Drops an owned `v` that is 0 when there is nothing to drop: one
    /// test, the drop out of line.
    pub fn drop_unless_zero(&mut self, v: Clif) {
        self.drop_cold_when(v, v);
    }

    /// Drops the owned `v` out of line when `cond` is nonzero.
    fn drop_cold_when(&mut self, cond: Clif, v: Clif) {
        let drop = self.b.create_block();
        let done = self.b.create_block();
        self.b.set_cold_block(drop);
        self.b.ins().brif(cond, drop, &[], done, &[]);
        self.switch(drop);
        self.drop_cold(v);
        self.b.ins().jump(done, &[]);
        self.switch(done);
    }

    /// The frame slots that may hold heap words: all but the guarded
    /// parameters (a fixnum or an inline float, or `UNBOUND` once
    /// moved out).
    pub fn heap_slots(&self) -> Vec<usize> {
        (0..self.slots.len())
            .filter(|&i| {
                let i = i as u32;
                !self.fixnum_slots.contains(&i) && !self.float_slots.contains(&i)
            })
            .collect()
    }

    /// The template whose name a backtrace frame for this activation shows:
    /// the procedure that was called non-tail (`frame_template`), or this
    /// lambda when it was called directly.
    pub fn frame_owner(&mut self) -> Clif {
        let own = self.iconst(Arc::as_ptr(self.template) as u64);
        let template = self.frame_info_word(1);
        let zero = self.b.ins().icmp_imm_s(IntCC::Equal, template, 0);
        self.b.ins().select(zero, own, template)
    }

    /// The owned `keep` word this activation drops at exit.
    pub fn keep(&mut self) -> Clif {
        self.frame_info_word(0)
    }

    /// The call site of the backtrace frame an exception leaving this
    /// activation adds (0 = none).
    pub fn frame_site(&mut self) -> Clif {
        self.frame_info_word(2)
    }

    fn frame_info_word(&mut self, i: i32) -> Clif {
        self.b
            .ins()
            .stack_load(types::I64, types::I64, self.frame_info, i * 8)
    }

    // ----- small emitters -----

    /// Continues in `block`, sealing it: its predecessors are all known by
    /// then (the lowering is structured), except for the loop header, the
    /// raise exit and the guard's miss block, which later code jumps to.
    /// Sealed blocks let `use_var` see through merges at once, so a slot
    /// that is empty on every path reads as the `unbound` constant and
    /// costs no drop.
    pub fn switch(&mut self, block: Block) {
        self.b.switch_to_block(block);
        let open =
            block == self.header || block == self.raise_exit || self.guard_miss == Some(block);
        if !open {
            self.b.seal_block(block);
        }
    }

    /// `Ctx::prims_redefined`: nonzero once a guarded builtin's global
    /// may no longer hold that builtin. The byte is loaded at entry and
    /// again after each call that can run Lisp code (`refresh_prims`):
    /// nothing else can change it, since globals are per thread.
    pub fn prims_redefined(&mut self) -> Clif {
        self.b.use_var(self.prims_var)
    }

    /// Branches to `redefined` when a guarded builtin may have been
    /// redefined, else to `intact`; just jumps to `intact` where that is
    /// known (`prims_clean`).
    pub fn branch_on_prims(&mut self, redefined: Block, intact: Block, intact_args: &[BlockArg]) {
        if self.prims_clean {
            self.b.ins().jump(intact, intact_args);
        } else {
            let byte = self.prims_redefined();
            self.b.ins().brif(byte, redefined, &[], intact, intact_args);
        }
    }

    /// Records that the guarded builtins are intact here (the byte is 0),
    /// as after a self call that ran no other Lisp code.
    pub fn prims_intact(&mut self) {
        self.prims_clean = true;
        let zero = self.b.ins().iconst(types::I32, 0);
        self.b.def_var(self.prims_var, zero);
    }

    /// Reloads `Ctx::prims_redefined` (after a call that may have run Lisp
    /// code, which may have redefined a guarded builtin).
    pub fn refresh_prims(&mut self) {
        self.prims_clean = false;
        if let (Some((id, holds)), true) = (self.self_global, self.self_global_valid) {
            // Read again on this path (unused reads are dead code), so
            // that a merge with paths that ran no Lisp code keeps it known.
            let word = self.global_word(id);
            let now = self.b.ins().icmp(IntCC::Equal, word, self.closure);
            self.b.def_var(holds, now);
        }
        let byte = self.b.ins().uload8(
            types::I32,
            MemFlagsData::trusted(),
            self.ctx,
            self.layout.ctx_prims_redefined,
        );
        self.b.def_var(self.prims_var, byte);
    }

    pub fn iconst(&mut self, word: u64) -> Clif {
        let v = self.b.ins().iconst(types::I64, word as i64);
        if word & TAG3_MASK != HEAP_TAG {
            self.immediates.insert(v);
        }
        if word & FIXNUM_MASK == 0 {
            self.fixnums.insert(v);
        }
        v
    }

    /// A boolean value word from an `i8` condition.
    pub fn bool_word(&mut self, cond: Clif) -> Clif {
        let t = self.iconst(Value::TRUE.raw());
        let f = self.iconst(Value::FALSE.raw());
        let v = self.b.ins().select(cond, t, f);
        self.immediates.insert(v);
        v
    }

    /// The word of a call site's span (a leaked `Span`), 0 when unknown.
    pub fn site(&mut self, span: Span) -> Clif {
        if span.is_unknown() {
            return self.iconst(0);
        }
        let leaked: &'static Span = Box::leak(Box::new(span));
        self.iconst(leaked as *const Span as u64)
    }

    /// Calls an intrinsic; returns its result (or a dummy when it has none).
    pub fn call(&mut self, i: Intrinsic, operands: &[Clif]) -> Clif {
        self.call_as(i, operands, true)
    }

    /// `call`, through the register-preserving wrapper of `i` if it has
    /// one and `preserve` (for cold paths), else straight to the runtime.
    pub fn call_as(&mut self, i: Intrinsic, operands: &[Clif], preserve: bool) -> Clif {
        let preserving = self.code.preserving.get(&i).copied().filter(|_| preserve);
        let func = match self.refs.get(&(i, preserving.is_some())) {
            Some(&f) => f,
            None => {
                let id = preserving.unwrap_or(self.code.intrinsics[&i]);
                let f = self.code.module.declare_func_in_func(id, self.b.func);
                self.refs.insert((i, preserving.is_some()), f);
                f
            }
        };
        let inst = self.b.ins().call(func, operands);
        let r = match self.b.inst_results(inst).first() {
            Some(&v) => v,
            // A preserving wrapper leaves the result in the context.
            None if preserving.is_some() && i.result().is_some() => {
                self.ctx_word(self.layout.ctx_jit_result)
            }
            None => self.ctx,
        };
        // The slow path of a primitive runs the builtin itself while the
        // builtins are intact: no Lisp code.
        let builtin_only = self.prims_clean && matches!(i, Intrinsic::Prim | Intrinsic::PrimMiss);
        if i.runs_lisp() && !builtin_only {
            self.refresh_prims();
        }
        r
    }

    /// A stack slot holding `words`; returns its address.
    ///
    /// Up to `SHARED_SPILL_WORDS` words go to one slot shared by every
    /// spill of the function: its address is then one value, which the
    /// optimiser may keep in a register across a loop, not one per site.
    pub fn spill(&mut self, words: &[Clif]) -> Clif {
        let slot = if words.len() <= SHARED_SPILL_WORDS {
            *self.shared_spill.get_or_insert_with(|| {
                self.b.create_sized_stack_slot(StackSlotData::new(
                    StackSlotKind::ExplicitSlot,
                    (SHARED_SPILL_WORDS * 8) as u32,
                    3,
                ))
            })
        } else {
            self.b.create_sized_stack_slot(StackSlotData::new(
                StackSlotKind::ExplicitSlot,
                (words.len() * 8) as u32,
                3,
            ))
        };
        for (i, &w) in words.iter().enumerate() {
            self.b
                .ins()
                .stack_store(types::I64, w, slot, (i * 8) as i32);
        }
        self.b.ins().stack_addr(types::I64, slot, 0)
    }

    /// `1` when `v` is a heap word.
    pub fn is_heap(&mut self, v: Clif) -> Clif {
        let tag = self.b.ins().band_imm_s(v, TAG3_MASK as i64);
        self.b.ins().icmp_imm_s(IntCC::Equal, tag, HEAP_TAG as i64)
    }

    /// Adds one strong count to `v` if it is a heap word.
    pub fn clone_value(&mut self, v: Clif) -> Clif {
        if !self.immediates.contains(&v) {
            emit_clone(self.b, &self.layout, v);
        }
        v
    }

    /// Releases the strong count an owned `v` holds, if it is a heap word.
    pub fn drop_value(&mut self, v: Clif) {
        if self.immediates.contains(&v) {
            return;
        }
        let heap = self.is_heap(v);
        let check = self.b.create_block();
        let unique = self.b.create_block();
        let dec = self.b.create_block();
        let free = self.b.create_block();
        let done = self.b.create_block();
        self.b.set_cold_block(free);
        self.b.ins().brif(heap, check, &[], done, &[]);
        // The last owner (count 1: nobody else can change it) hands the
        // object to the runtime's drop, which takes it back without an
        // atomic write; a shared one is decremented here.
        self.switch(check);
        let addr = self
            .b
            .ins()
            .iadd_imm_s(v, self.layout.strong_count as i64 - HEAP_TAG as i64);
        let count = self
            .b
            .ins()
            .atomic_load(types::I64, MemFlagsData::trusted(), addr);
        let last = self.b.ins().icmp_imm_s(IntCC::Equal, count, 1);
        self.b.ins().brif(last, unique, &[], dec, &[]);
        self.switch(unique);
        // Not a cold path in code that allocates: a plain call, since
        // the wrapper's saving every register costs more than a free.
        self.call_as(Intrinsic::Drop, &[v], false);
        self.b.ins().jump(done, &[]);
        self.switch(dec);
        let one = self.b.ins().iconst(types::I64, 1);
        let old = self.b.ins().atomic_rmw(
            types::I64,
            MemFlagsData::trusted(),
            AtomicRmwOp::Sub,
            addr,
            one,
        );
        let last = self.b.ins().icmp_imm_s(IntCC::Equal, old, 1);
        self.b.ins().brif(last, free, &[], done, &[]);
        self.switch(free);
        self.call(Intrinsic::Free, &[v]);
        self.b.ins().jump(done, &[]);
        self.switch(done);
    }

    /// Drops an owned `v` with an out-of-line call: for cold paths, where
    /// code size matters more than speed.
    pub fn drop_cold(&mut self, v: Clif) {
        if !self.immediates.contains(&v) {
            self.call(Intrinsic::Drop, &[v]);
        }
    }

    /// Branches to the raise path (dropping the live temporaries) when
    /// `v` is the `RAISED` sentinel.
    pub fn check(&mut self, v: Clif) {
        let raised = self
            .b
            .ins()
            .icmp_imm_s(IntCC::Equal, v, Value::RAISED.raw() as i64);
        self.branch_to_raise(raised);
    }

    /// Goes to the raise path when `cond` holds.
    pub fn branch_to_raise(&mut self, cond: Clif) {
        let cont = self.b.create_block();
        let (raise, fresh) = self.raise_block();
        self.b.ins().brif(cond, raise, &[], cont, &[]);
        self.fill_raise_block(raise, fresh);
        self.switch(cont);
    }

    /// Terminates the current block: drops the temporaries and raises.
    pub fn raise_now(&mut self) {
        let (raise, fresh) = self.raise_block();
        self.b.ins().jump(raise, &[]);
        self.fill_raise_block(raise, fresh);
    }

    /// The block that drops the live temporaries and goes to the raising
    /// exit (the exit itself when there is nothing to drop), with the
    /// drops to emit in it if it is new. Raise points with the same
    /// temporaries share one (a call's result check, the unbound-global
    /// errors of its arguments...), so each set of drops is emitted once.
    fn raise_block(&mut self) -> (Block, Option<Vec<Clif>>) {
        let drops: Vec<Clif> = self
            .temps
            .iter()
            .copied()
            .filter(|t| !self.immediates.contains(t))
            .collect();
        if drops.is_empty() {
            return (self.raise_exit, None);
        }
        if let Some(&block) = self.raise_blocks.get(&drops) {
            return (block, None);
        }
        let block = self.b.create_block();
        self.b.set_cold_block(block);
        self.raise_blocks.insert(drops.clone(), block);
        (block, Some(drops))
    }

    /// Fills a new block of `raise_block` (the current one is filled).
    /// Left unsealed: more raise points may branch to it.
    fn fill_raise_block(&mut self, block: Block, drops: Option<Vec<Clif>>) {
        let Some(drops) = drops else {
            return;
        };
        self.b.switch_to_block(block);
        for t in drops {
            self.drop_cold(t);
        }
        self.b.ins().jump(self.raise_exit, &[]);
    }

    // ----- variables -----

    pub fn slot(&self, slot: u32) -> Result<Variable, Bail> {
        self.slots.get(slot as usize).copied().ok_or(Bail::BadSlot)
    }

    /// `captured[i]` of the running closure (borrowed).
    ///
    /// A closure's captured values never change while it lives (`set!`
    /// variables are captured as cells), and the running closure lives for
    /// the whole activation: the loads are marked read-only and movable, so
    /// the optimiser shares them and hoists them out of loops.
    ///
    /// The running closure is always one of this lambda's template, so the
    /// number of captures, and with it the layout (inline or boxed, see
    /// `Closure`), is known here.
    pub fn captured(&mut self, i: u32) -> Clif {
        let obj = self.b.ins().iadd_imm_s(self.closure, -(HEAP_TAG as i64));
        let (data, offset) = if self.info.captures.len() <= Closure::INLINE {
            (obj, self.layout.closure_inline)
        } else {
            let data = self
                .b
                .ins()
                .load(types::I64, invariant(), obj, self.layout.closure_boxed);
            (data, 0)
        };
        let v = self
            .b
            .ins()
            .load(types::I64, invariant(), data, offset + (i * 8) as i32);
        // The entry guard proved these fixnums or inline floats.
        if self.fixnum_captures.contains(&i) || self.float_captures.contains(&i) {
            self.immediates.insert(v);
        }
        v
    }

    /// Global `id` of this thread (borrowed), `UNBOUND` past the table's end.
    pub fn global_word(&mut self, id: u32) -> Clif {
        if id < self.globals_sized {
            return self.table_word(id);
        }
        let len = self.ctx_word(self.layout.ctx_globals_len);
        let inside = self
            .b
            .ins()
            .icmp_imm_s(IntCC::UnsignedGreaterThan, len, id as i64);
        let load = self.b.create_block();
        let done = self.b.create_block();
        self.b.append_block_param(done, types::I64);
        let unbound = self.iconst(Value::UNBOUND.raw());
        self.b
            .ins()
            .brif(inside, load, &[], done, &[BlockArg::Value(unbound)]);
        self.switch(load);
        let word = self.table_word(id);
        self.b.ins().jump(done, &[BlockArg::Value(word)]);
        self.switch(done);
        self.b.block_params(done)[0]
    }

    /// Entry `id` of the thread's global table, which must have one.
    fn table_word(&mut self, id: u32) -> Clif {
        let data = self.ctx_word(self.layout.ctx_globals_ptr);
        self.b.ins().load(
            types::I64,
            MemFlagsData::trusted(),
            data,
            (id as i64 * 8) as i32,
        )
    }

    /// The word at `offset` in the thread's `Ctx`.
    pub fn ctx_word(&mut self, offset: i32) -> Clif {
        self.b
            .ins()
            .load(types::I64, MemFlagsData::trusted(), self.ctx, offset)
    }

    /// Reads global `id`, raising `unbound variable` at `span` (borrowed).
    pub fn global_checked(&mut self, id: u32, span: Span) -> Clif {
        let word = self.global_word(id);
        let unbound = self
            .b
            .ins()
            .icmp_imm_s(IntCC::Equal, word, Value::UNBOUND.raw() as i64);
        let cold = self.b.create_block();
        let cont = self.b.create_block();
        self.b.set_cold_block(cold);
        self.b.ins().brif(unbound, cold, &[], cont, &[]);
        self.switch(cold);
        let id_word = self.iconst(id as u64);
        let site = self.site(span);
        self.call(Intrinsic::Unbound, &[self.ctx, id_word, site]);
        self.raise_now();
        self.switch(cont);
        word
    }

    // ----- expressions -----

    /// Lowers `e` in tail position; always terminates the current block.
    pub fn tail(&mut self, e: &Expr) -> Result<(), Bail> {
        match e {
            Expr::If(test, then, otherwise) => {
                let (then_block, else_block) = self.test(test)?;
                // Each arm starts from what the test left known.
                let clean = self.prims_clean;
                let valid = self.self_global_valid;
                let shadows = self.float_shadows.clone();
                // Blocks are laid out in the order they are filled, and the
                // first follows the test: make that the arm that does the
                // work (a loop's next iteration, a recursion's general
                // case) rather than one that just returns a variable or
                // a constant, so the common path falls through.
                if is_leaf(then) && !is_leaf(otherwise) {
                    self.switch(else_block);
                    self.tail(otherwise)?;
                    self.prims_clean = clean;
                    self.self_global_valid = valid;
                    self.float_shadows = shadows;
                    self.switch(then_block);
                    return self.tail(then);
                }
                self.switch(then_block);
                self.tail(then)?;
                self.prims_clean = clean;
                self.self_global_valid = valid;
                self.float_shadows = shadows;
                self.switch(else_block);
                self.tail(otherwise)
            }
            Expr::Seq(items) => {
                let Some((last, init)) = items.split_last() else {
                    let v = self.iconst(Value::VOID.raw());
                    self.return_value(v);
                    return Ok(());
                };
                for item in init {
                    self.effect(item)?;
                }
                self.tail(last)
            }
            Expr::Call(call) if call.tail => self.tail_call(call),
            Expr::Local(slot) => {
                // The slot's value moves out: no clone, and no drop.
                let var = self.slot(*slot)?;
                let v = self.b.use_var(var);
                self.b.def_var(var, self.unbound);
                self.return_value(v);
                Ok(())
            }
            _ => {
                // The frame dies with this value: its last reads may move.
                self.consumable = last_reads(std::slice::from_ref(e), 0, None);
                let v = self.expr(e);
                self.consumable.clear();
                self.return_value(v?);
                Ok(())
            }
        }
    }

    /// Takes the slots of `args` (a primitive's operands) that may move
    /// out: each is read by that operand only. After the primitive, the
    /// caller marks them unbound (`forget_slots`).
    pub fn consume(&mut self, args: &[Expr]) -> Vec<u32> {
        self.consume_slots(args.iter().filter_map(|a| match a {
            Expr::Local(s) => Some(*s),
            _ => None,
        }))
    }

    /// `consume` of the reads of `slots`.
    pub fn consume_slots(&mut self, slots: impl Iterator<Item = u32>) -> Vec<u32> {
        let mut taken = Vec::new();
        for s in slots {
            if let Some(i) = self.consumable.iter().position(|&c| c == s) {
                self.consumable.swap_remove(i);
                taken.push(s);
            }
        }
        taken
    }

    /// Marks slots whose values moved out as unbound: the frame's end
    /// then has nothing of theirs to drop.
    pub fn forget_slots(&mut self, slots: &[u32]) {
        if slots.is_empty() {
            return;
        }
        for &s in slots {
            self.b.def_var(self.slots[s as usize], self.unbound);
        }
        self.float_shadows.retain(|(s, _)| !slots.contains(s));
    }

    /// Evaluates a test; returns the (then, else) blocks it branches to.
    fn test(&mut self, test: &Expr) -> Result<(Block, Block), Bail> {
        let then_block = self.b.create_block();
        let else_block = self.b.create_block();
        self.branch(test, then_block, else_block)?;
        Ok((then_block, else_block))
    }

    /// Evaluates `e` for its truth and branches to `yes` or `no`; terminates
    /// the current block. Comparisons, predicates and nested `if`s (`and`,
    /// `or`) branch directly instead of making a boolean word.
    fn branch(&mut self, e: &Expr, yes: Block, no: Block) -> Result<(), Bail> {
        match e {
            Expr::If(c, x, y) => {
                let (then_block, else_block) = (self.b.create_block(), self.b.create_block());
                self.branch(c, then_block, else_block)?;
                let shadows = self.float_shadows.clone();
                self.switch(then_block);
                self.branch(x, yes, no)?;
                self.float_shadows = shadows.clone();
                self.switch(else_block);
                self.branch(y, yes, no)?;
                self.float_shadows = shadows;
                return Ok(());
            }
            Expr::Prim(p)
                if p.op == PrimOp::Not
                    && lisp_runtime::globals::is_guarded(p.global)
                    && super::lower_calls::simple(&p.args[0]) =>
            {
                // `(not x)` while the builtins are intact is `x` with the
                // branches swapped (`x` runs no user code that could
                // redefine `not` meanwhile); otherwise the word path below.
                if self.prims_clean {
                    return self.branch(&p.args[0], no, yes);
                }
                let intact = self.b.create_block();
                let generic = self.b.create_block();
                self.b.set_cold_block(generic);
                self.branch_on_prims(generic, intact, &[]);
                self.switch(intact);
                self.branch(&p.args[0], no, yes)?;
                self.switch(generic);
            }
            Expr::Prim(p) if self.prim_branch(p, yes, no)? => return Ok(()),
            _ => {}
        }
        let (v, owned) = self.operand(e)?;
        let truth = self
            .b
            .ins()
            .icmp_imm_s(IntCC::NotEqual, v, Value::FALSE.raw() as i64);
        if owned {
            // Mostly a boolean.
            self.drop_mostly_immediate(v);
        }
        self.b.ins().brif(truth, yes, &[], no, &[]);
        Ok(())
    }

    /// Lowers `e` for its effect only.
    pub fn effect(&mut self, e: &Expr) -> Result<(), Bail> {
        let v = self.expr(e)?;
        // Mostly unspecified or a boolean (`set!`, `vector-set!`, a loop
        // run for its effect, `display`).
        self.drop_mostly_immediate(v);
        Ok(())
    }

    /// Drops an owned `v` that is rarely a heap word (a discarded result,
    /// a test's value): one tag test, the drop out of line. A full inline
    /// drop is six blocks.
    fn drop_mostly_immediate(&mut self, v: Clif) {
        if self.immediates.contains(&v) {
            return;
        }
        let heap = self.is_heap(v);
        self.drop_cold_when(heap, v);
    }

    /// Lowers `e` to a word that may be borrowed; the flag says whether it
    /// is owned (and must be dropped or handed on).
    pub fn operand(&mut self, e: &Expr) -> Result<(Clif, bool), Bail> {
        Ok(match e {
            Expr::Local(slot) => {
                let v = self.b.use_var(self.slot(*slot)?);
                // A guarded parameter is never rebound: whatever merge
                // `v` comes through, it is a fixnum or an inline float.
                if self.fixnum_slots.contains(slot) || self.float_slots.contains(slot) {
                    self.immediates.insert(v);
                }
                (v, false)
            }
            Expr::Captured(i) => (self.captured(*i), false),
            Expr::SelfRef => (self.closure, false),
            Expr::Const(v) => (self.iconst(v.raw()), false),
            _ => (self.expr(e)?, true),
        })
    }

    /// Makes an operand owned.
    pub fn own(&mut self, (v, owned): (Clif, bool)) -> Clif {
        if owned {
            v
        } else {
            self.clone_value(v)
        }
    }

    /// Lowers `e` to an owned word.
    pub fn expr(&mut self, e: &Expr) -> Result<Clif, Bail> {
        match e {
            Expr::Const(_) | Expr::Local(_) | Expr::Captured(_) | Expr::SelfRef => {
                let operand = self.operand(e)?;
                Ok(self.own(operand))
            }
            Expr::LocalCell(slot, name) => {
                let cell = self.b.use_var(self.slot(*slot)?);
                Ok(self.cell_ref(cell, name.id()))
            }
            Expr::CapturedCell(i, name) => {
                let cell = self.captured(*i);
                Ok(self.cell_ref(cell, name.id()))
            }
            Expr::Global(id, span) => {
                let word = self.global_checked(*id, *span);
                Ok(self.clone_value(word))
            }
            Expr::SetLocalCell(slot, value) => {
                let v = self.expr(value)?;
                let cell = self.b.use_var(self.slot(*slot)?);
                self.call(Intrinsic::CellSet, &[cell, v]);
                Ok(self.iconst(Value::VOID.raw()))
            }
            Expr::SetCapturedCell(i, value) => {
                let v = self.expr(value)?;
                let cell = self.captured(*i);
                self.call(Intrinsic::CellSet, &[cell, v]);
                Ok(self.iconst(Value::VOID.raw()))
            }
            Expr::SetGlobal(id, value, span) => self.set_global(*id, value, *span, false),
            Expr::DefineGlobal(id, value) => self.set_global(*id, value, Span::default(), true),
            Expr::Bind { slot, cell, init } => {
                self.last_fused = None;
                let mut v = self.expr(init)?;
                let shadow = self.last_fused.take().filter(|&(w, _)| w == v && !*cell);
                if *cell {
                    v = self.call(Intrinsic::MakeCell, &[v]);
                }
                self.rebind(*slot, v)?;
                if let Some((_, f)) = shadow {
                    self.float_shadows.push((*slot, f));
                }
                Ok(self.iconst(Value::VOID.raw()))
            }
            Expr::MakeCell(slot) => {
                let unbound = self.iconst(Value::UNBOUND.raw());
                let cell = self.call(Intrinsic::MakeCell, &[unbound]);
                self.rebind(*slot, cell)?;
                Ok(self.iconst(Value::VOID.raw()))
            }
            Expr::If(test, then, otherwise) => {
                let (then_block, else_block) = self.test(test)?;
                let merge = self.b.create_block();
                self.b.append_block_param(merge, types::I64);
                let clean = self.prims_clean;
                let valid = self.self_global_valid;
                let shadows = self.float_shadows.clone();
                self.switch(then_block);
                let v = self.expr(then)?;
                self.b.ins().jump(merge, &[BlockArg::Value(v)]);
                let then_clean = self.prims_clean;
                let then_valid = self.self_global_valid;
                self.prims_clean = clean;
                self.self_global_valid = valid;
                self.float_shadows = shadows.clone();
                self.switch(else_block);
                let v = self.expr(otherwise)?;
                self.b.ins().jump(merge, &[BlockArg::Value(v)]);
                self.prims_clean &= then_clean;
                self.self_global_valid &= then_valid;
                self.float_shadows = shadows;
                self.switch(merge);
                Ok(self.b.block_params(merge)[0])
            }
            Expr::Seq(items) => {
                let Some((last, init)) = items.split_last() else {
                    return Ok(self.iconst(Value::VOID.raw()));
                };
                for item in init {
                    self.effect(item)?;
                }
                self.expr(last)
            }
            Expr::Lambda(template) => self.make_closure(template),
            Expr::Call(call) => self.call_expr(call),
            Expr::Prim(p) => self.prim(p),
        }
    }

    /// Stores an owned word in a frame slot, dropping the previous value.
    fn rebind(&mut self, slot: u32, v: Clif) -> Result<(), Bail> {
        self.float_shadows.retain(|&(s, _)| s != slot);
        let var = self.slot(slot)?;
        let old = self.b.use_var(var);
        self.drop_value(old);
        self.b.def_var(var, v);
        Ok(())
    }

    fn cell_ref(&mut self, cell: Clif, name: u32) -> Clif {
        let name = self.iconst(name as u64);
        let v = self.call(Intrinsic::CellRef, &[self.ctx, cell, name]);
        self.check(v);
        v
    }

    fn set_global(
        &mut self,
        id: u32,
        value: &Expr,
        span: Span,
        define: bool,
    ) -> Result<Clif, Bail> {
        let v = self.expr(value)?;
        let id = self.iconst(id as u64);
        let site = self.site(span);
        let define = self.iconst(define as u64);
        let r = self.call(Intrinsic::SetGlobal, &[self.ctx, id, v, site, define]);
        self.check(r);
        self.immediates.insert(r);
        Ok(r)
    }

    /// Builds a closure of `template`, copying its captured values.
    fn make_closure(&mut self, template: &Arc<Template>) -> Result<Clif, Bail> {
        let info = super::lambda_info_of(template).ok_or(Bail::ForeignTemplate)?;
        let mut words = Vec::with_capacity(info.captures.len());
        for from in &info.captures {
            let borrowed = match *from {
                CaptureFrom::Local(slot) => self.b.use_var(self.slot(slot)?),
                CaptureFrom::Captured(i) => self.captured(i),
                CaptureFrom::SelfRef => self.closure,
            };
            words.push(self.clone_value(borrowed));
        }
        let addr = self.spill(&words);
        let template_word = self.iconst(template as *const Arc<Template> as u64);
        let count = self.iconst(words.len() as u64);
        Ok(self.call(Intrinsic::MakeClosure, &[template_word, addr, count]))
    }
}
