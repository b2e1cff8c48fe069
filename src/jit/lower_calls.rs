//! Lowering of calls: non-tail calls, self tail calls as loops, proper tail
//! calls between compiled lambdas (`return_call_indirect` in the tail
//! convention), and the generic path through the interpreter's `call_at`
//! for everything else (builtins, interpreted closures, rest lists, arity
//! errors).
//!
//! A call first tests, inline, whether the callee is a closure whose
//! template has a direct entry taking exactly this many arguments; if so it
//! calls that entry, otherwise it calls `Intrinsic::Apply`.
//!
//! The closure word is *borrowed* by a direct callee: the caller keeps it
//! alive. A callee that reads its closure (captures, self references) has
//! bit 0 of its `jit_direct` word set, and a caller that only borrowed the
//! closure from a global (which the callee could reassign) then holds an
//! extra count for the call. A tail call hands an owned closure word over
//! as the callee's `keep`, since the caller's frame disappears.

use super::lower::{last_reads, Lower};
use super::module::direct_signature;
use super::Bail;
use crate::ir::{Call, Expr, PrimOp};
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{types, Block, BlockArg, InstBuilder, MemFlagsData, Value as Clif};
use cranelift_module::Module;
use lisp_runtime::value::{FIXNUM_MASK, HEAP_TAG, TAG3_MASK};

/// Where a callee word came from, which decides who keeps it alive.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    /// Owned by this call (a temporary).
    Owned,
    /// Borrowed from a frame slot, the closure or a constant: alive for
    /// the whole call.
    Stable,
    /// Borrowed from the global table: alive unless the callee reassigns it.
    Global,
}

/// An operand of an inlined base case (`Lower::inline_base_case`).
#[derive(Clone, Copy)]
enum BaseAtom {
    /// The argument for this parameter.
    Param(usize),
    /// A constant word (a fixnum, for comparisons).
    Word(u64),
}

/// `(if (CMP A B) LEAF ...)`: the callee returns LEAF when the comparison
/// is `leaf_when`.
struct BaseCase {
    cc: IntCC,
    a: BaseAtom,
    b: BaseAtom,
    leaf: BaseAtom,
    leaf_when: bool,
}

/// Bit 0 of a `jit_direct` word: the callee reads its closure.
pub const NEEDS_CLOSURE: u64 = 1;

impl Lower<'_, '_> {
    /// The callee word and its source. A global callee whose arguments
    /// cannot run arbitrary code is read again after them, borrowed.
    ///
    /// Arguments flagged in `moved` are left borrowed (not cloned, not
    /// temporaries): the caller moves or clones them.
    fn callee(
        &mut self,
        call: &Call,
        moved: &[bool],
        tail: bool,
    ) -> Result<(Clif, Source, Vec<Clif>), Bail> {
        let (f, source) = match &call.func {
            Expr::Global(id, _) if self.proven_self(call, *id) => {
                // The running closure, as the entry guard proved.
                let args = self.arguments(call, moved, tail)?;
                return Ok((self.closure, Source::Stable, args));
            }
            Expr::Global(id, span)
                if self.self_global_valid
                    && self.self_global.is_some_and(|(g, _)| g == *id)
                    && call.args.iter().all(simple) =>
            {
                // Whether the global holds the running closure is known:
                // no need to read it when it does.
                let (_, var) = self.self_global.expect("tested");
                let holds = self.b.use_var(var);
                let read = self.b.create_block();
                let known = self.b.create_block();
                self.b.append_block_param(known, types::I64);
                let closure = BlockArg::Value(self.closure);
                self.b.ins().brif(holds, known, &[closure], read, &[]);
                self.switch(read);
                let f = self.global_checked(*id, *span);
                self.b.ins().jump(known, &[BlockArg::Value(f)]);
                self.switch(known);
                let f = self.b.block_params(known)[0];
                let held = self
                    .may_reassign(call)
                    .then(|| self.hold_while_redefined(f));
                let args = self.arguments(call, moved, tail)?;
                self.held_callee = held;
                return Ok((f, Source::Global, args));
            }
            Expr::Global(id, span) if call.args.iter().all(simple) => {
                // Read before the arguments, as the interpreter does. While
                // the guarded builtins are intact, simple arguments run no
                // Lisp code (they change no global), so the borrowed word
                // stays the global's. If they may have been redefined, the
                // arguments may reassign the global: the word is held (a
                // count, taken only when they are) until after the call.
                let first = self.global_checked(*id, *span);
                let held = self
                    .may_reassign(call)
                    .then(|| self.hold_while_redefined(first));
                let args = self.arguments(call, moved, tail)?;
                self.held_callee = held;
                return Ok((first, Source::Global, args));
            }
            Expr::Local(_) | Expr::Captured(_) | Expr::SelfRef | Expr::Const(_) => {
                (self.operand(&call.func)?.0, Source::Stable)
            }
            _ => {
                let f = self.expr(&call.func)?;
                self.temps.push(f);
                (f, Source::Owned)
            }
        };
        let args = self.arguments(call, moved, tail)?;
        Ok((f, source, args))
    }

    /// Evaluates the arguments to owned words, listed as temporaries.
    ///
    /// In a tail call (`tail`: the frame dies next), a slot an argument
    /// reads for the frame's last time moves out: a plain variable is
    /// passed without a clone, and a primitive takes it over (`prim`).
    fn arguments(&mut self, call: &Call, moved: &[bool], tail: bool) -> Result<Vec<Clif>, Bail> {
        let exprs = &call.args;
        let outer = std::mem::take(&mut self.consumable);
        let mut words = Vec::with_capacity(exprs.len());
        for (i, e) in exprs.iter().enumerate() {
            if moved.get(i).copied().unwrap_or(false) {
                words.push(self.operand(e)?.0);
                continue;
            }
            if tail {
                self.consumable = last_reads(exprs, i, Some(&call.func));
                // A slot passed on unchanged stays where it is.
                self.consumable
                    .retain(|&s| !moved.get(s as usize).copied().unwrap_or(false));
            }
            let v = match e {
                Expr::Local(s) if self.consumable.contains(s) => {
                    let v = self.b.use_var(self.slot(*s)?);
                    self.forget_slots(&[*s]);
                    v
                }
                _ => {
                    let operand = self.operand(e);
                    self.own(operand?)
                }
            };
            self.consumable.clear();
            self.temps.push(v);
            words.push(v);
        }
        self.consumable = outer;
        Ok(words)
    }

    /// Forgets the temporaries a call consumed.
    fn consumed(&mut self, f: Clif, source: Source, args: &[Clif]) {
        let n = args.len() + (source == Source::Owned) as usize;
        self.temps.truncate(self.temps.len() - n);
        let _ = f;
    }

    /// Branches to `direct(code word)` when `f` is a closure with a direct
    /// entry for `n` arguments, else to `slow`.
    fn dispatch(&mut self, f: Clif, n: usize, direct: Block, slow: Block) {
        self.b.append_block_param(direct, types::I64);
        self.require_kind(f, self.layout.closure_kind, slow);
        let template = self.closure_template(f);
        let code = self.b.ins().load(
            types::I64,
            MemFlagsData::trusted(),
            template,
            self.layout.template_direct,
        );
        let required = self.b.ins().uload16(
            types::I32,
            MemFlagsData::trusted(),
            template,
            self.layout.template_required,
        );
        let arity_ok = self.b.ins().icmp_imm_s(IntCC::Equal, required, n as i64);
        let compiled = self.b.ins().icmp_imm_s(IntCC::NotEqual, code, 0);
        let ok = self.b.ins().band(arity_ok, compiled);
        self.b
            .ins()
            .brif(ok, direct, &[BlockArg::Value(code)], slow, &[]);
    }

    /// The `Template` address of closure word `f`.
    fn closure_template(&mut self, f: Clif) -> Clif {
        let arc = self.b.ins().load(
            types::I64,
            MemFlagsData::trusted(),
            f,
            self.layout.closure_template - HEAP_TAG as i32,
        );
        self.b.ins().iadd_imm_s(arc, self.layout.arc_data as i64)
    }

    /// A call whose value is used.
    pub fn call_expr(&mut self, call: &Call) -> Result<Clif, Bail> {
        // Arguments read from a slot, a capture or a constant are lent, not
        // cloned: they outlive the call. A compiled callee gets its own
        // count of them (cloned on that path only); a builtin just reads
        // them, so passing a shared object (a channel, say) to a builtin
        // touches no reference count that other threads also touch.
        let lent = self.lendable(&call.args);
        if let Some(r) = self.known_self_call(call, &lent)? {
            return Ok(r);
        }
        let (f, source, argv) = self.callee(call, &lent, false)?;
        let n = argv.len();
        let site = self.site(call.span);
        let direct = self.b.create_block();
        let slow = self.b.create_block();
        let merge = self.b.create_block();
        self.b.append_block_param(merge, types::I64);
        // A call of the running closure (plain recursion through a global)
        // calls this very function: the caller of this activation keeps
        // the closure alive, so it is borrowed as it is.
        let recursive = !self.info.rest && n == self.info.required as usize;
        if recursive
            && self.may_be_self(&call.func)
            && !self.holds_builtin(&call.func)
            && self.recursive_call(f, source, &argv, &lent, site, merge)
        {
            return Ok(self.finish_call(source, &lent, merge));
        }
        // A call of the global this lambda was defined as is recursion
        // unless the global was reassigned: anything else takes the
        // generic path, with no inline test for other compiled closures.
        let self_named = recursive && self.names_self(&call.func);
        let direct_path = !self_named && !self.holds_builtin(&call.func);
        if direct_path {
            self.dispatch(f, n, direct, slow);
            self.direct_call(f, source, &argv, &lent, site, direct, merge);
        } else {
            self.b.set_cold_block(slow);
            self.b.ins().jump(slow, &[]);
        }

        self.switch(slow);
        let r = self.generic_call(f, source, &argv, &lent, site, false);
        self.b.ins().jump(merge, &[BlockArg::Value(r)]);

        Ok(self.finish_call(source, &lent, merge))
    }

    /// Whether `call` (of global `id`) is a call of the running closure
    /// the entry guard proved (`Lower::self_proven`) with simple arguments,
    /// made while the builtins are known intact.
    fn proven_self(&self, call: &Call, id: u32) -> bool {
        self.self_proven
            && self.prims_clean
            && self.self_global.is_some_and(|(g, _)| g == id)
            && !self.info.rest
            && call.args.len() == self.info.required as usize
            && call.args.iter().all(simple)
    }

    /// A non-tail call of the global this lambda was defined as, with
    /// simple arguments. Whether the global holds the running closure is
    /// kept in `self_global` (read at the first such call, and again only
    /// after something that can run Lisp code), so when it does, this
    /// function is called with no read of the global. Otherwise, on a cold
    /// path, the word the global holds is applied generically (read before
    /// the arguments, as the interpreter does, and held: they may reassign
    /// the global). After a self call made while the builtins are intact, a
    /// lambda that runs no other Lisp code (`self_pure`) knows they still
    /// are, and that the global is unchanged. `None` when the call is not
    /// of that shape.
    fn known_self_call(&mut self, call: &Call, lent: &[bool]) -> Result<Option<Clif>, Bail> {
        let (Expr::Global(id, span), Some((g, holds))) = (&call.func, self.self_global) else {
            return Ok(None);
        };
        if *id != g
            || self.info.rest
            || call.args.len() != self.info.required as usize
            || !call.args.iter().all(simple)
        {
            return Ok(None);
        }
        if self.proven_self(call, *id) {
            let merge = self.b.create_block();
            self.b.append_block_param(merge, types::I64);
            let site = self.site(call.span);
            let argv = self.arguments(call, lent, false)?;
            // A proven self call's body is `self_pure`.
            let intact_after = self.prims_clean;
            self.self_call_to(merge, site, &argv, lent, intact_after);
            return Ok(Some(self.finish_call(Source::Stable, lent, merge)));
        }
        if !self.self_global_valid {
            let word = self.global_checked(*id, *span);
            let now = self.b.ins().icmp(IntCC::Equal, word, self.closure);
            self.b.def_var(holds, now);
            self.self_global_valid = true;
        }
        // The word the global holds is read before the arguments, as the
        // interpreter does: nothing to read when it is the running closure;
        // otherwise, on a cold path, it is read and held (the arguments
        // may reassign the global). The arguments are lowered once, and
        // the same test then picks the call.
        let holds_self = self.b.use_var(holds);
        let read = self.b.create_block();
        let join = self.b.create_block();
        self.b.set_cold_block(read);
        self.b.append_block_param(join, types::I64);
        let none = self.iconst(0);
        self.b
            .ins()
            .brif(holds_self, join, &[BlockArg::Value(none)], read, &[]);
        self.switch(read);
        let word = self.global_checked(*id, *span);
        self.clone_value(word);
        self.b.ins().jump(join, &[BlockArg::Value(word)]);
        self.switch(join);
        let held = self.b.block_params(join)[0];
        self.temps.push(held);
        let site = self.site(call.span);
        let argv = self.arguments(call, lent, false)?;

        let recursive = self.b.create_block();
        let other = self.b.create_block();
        let merge = self.b.create_block();
        self.b.set_cold_block(other);
        self.b.append_block_param(merge, types::I64);
        self.b.ins().brif(holds_self, recursive, &[], other, &[]);
        let (clean, valid) = (self.prims_clean, self.self_global_valid);
        let shadows = self.float_shadows.clone();

        self.switch(recursive);
        let intact_after = clean && self.self_pure(&self.info.body);
        self.self_call_to(merge, site, &argv, lent, intact_after);
        let after = (self.prims_clean, self.self_global_valid);

        // The global holds something else: the held word is applied.
        self.switch(other);
        self.prims_clean = clean;
        self.self_global_valid = valid;
        self.float_shadows = shadows;
        let r = self.generic_call(held, Source::Owned, &argv, lent, site, false);
        self.b.ins().jump(merge, &[BlockArg::Value(r)]);
        self.prims_clean &= after.0;
        self.self_global_valid &= after.1;
        Ok(Some(self.finish_call(Source::Owned, lent, merge)))
    }

    /// The self call of `known_self_call` on the running closure, its
    /// base case inline, jumping to `merge` with the result. After it the
    /// builtins are known intact when `intact_after` (the call ran no
    /// other Lisp code), else read again.
    fn self_call_to(
        &mut self,
        merge: Block,
        site: Clif,
        argv: &[Clif],
        lent: &[bool],
        intact_after: bool,
    ) {
        self.inline_base_case(argv, merge);
        let r = self.call_self(self.closure, site, argv, lent);
        if intact_after {
            self.prims_intact();
        } else {
            self.refresh_prims();
        }
        self.b.ins().jump(merge, &[BlockArg::Value(r)]);
    }

    /// The base case of a self call, inline: when the body is `(if TEST
    /// LEAF ...)` or `(if TEST ... LEAF)`, TEST compares two parameters or
    /// fixnum constants (possibly under `not`) and LEAF is a parameter or
    /// an immediate constant, a self call whose arguments are all fixnums,
    /// made while the builtins are intact, evaluates TEST on them and
    /// jumps to `merge` with LEAF when the callee would just return it:
    /// nothing there can raise or run other code, so skipping the call
    /// (and its frame) is invisible. fib's and tak's leaf calls, about
    /// half of all their calls, become a compare and a branch. Otherwise
    /// it continues, in a fresh block, to make the call.
    fn inline_base_case(&mut self, argv: &[Clif], merge: Block) {
        let Some(base) = self.base_case() else {
            return;
        };
        let inline = self.b.create_block();
        let call = self.b.create_block();
        let leaf = self.b.create_block();
        let mut bad = argv
            .iter()
            .fold(self.iconst(0), |acc, &w| self.b.ins().bor(acc, w));
        bad = self.b.ins().band_imm_s(bad, FIXNUM_MASK as i64);
        if !self.prims_clean {
            let prims = self.prims_redefined();
            let prims = self.b.ins().uextend(types::I64, prims);
            bad = self.b.ins().bor(bad, prims);
        }
        self.b.ins().brif(bad, call, &[], inline, &[]);
        self.switch(inline);
        let a = self.base_atom(base.a, argv);
        let b = self.base_atom(base.b, argv);
        let holds = self.b.ins().icmp(base.cc, a, b);
        if base.leaf_when {
            self.b.ins().brif(holds, leaf, &[], call, &[]);
        } else {
            self.b.ins().brif(holds, call, &[], leaf, &[]);
        }
        self.switch(leaf);
        let v = self.base_atom(base.leaf, argv);
        self.b.ins().jump(merge, &[BlockArg::Value(v)]);
        self.switch(call);
    }

    fn base_atom(&mut self, atom: BaseAtom, argv: &[Clif]) -> Clif {
        match atom {
            BaseAtom::Param(i) => argv[i],
            BaseAtom::Word(w) => self.iconst(w),
        }
    }

    /// The base case `inline_base_case` can evaluate, if the body has one.
    fn base_case(&self) -> Option<BaseCase> {
        use lisp_runtime::globals::is_guarded;
        let mut body = &self.info.body;
        while let Expr::Seq(items) = body {
            match &items[..] {
                [only] => body = only,
                _ => return None,
            }
        }
        let Expr::If(test, then, otherwise) = body else {
            return None;
        };
        let (negate, test) = match &**test {
            Expr::Prim(p) if p.op == PrimOp::Not && p.args.len() == 1 && is_guarded(p.global) => {
                (true, &p.args[0])
            }
            t => (false, t),
        };
        let Expr::Prim(p) = test else {
            return None;
        };
        if p.args.len() != 2 || !is_guarded(p.global) {
            return None;
        }
        // Tagged fixnums compare like the integers they stand for.
        let cc = match p.op {
            PrimOp::Lt => IntCC::SignedLessThan,
            PrimOp::Gt => IntCC::SignedGreaterThan,
            PrimOp::Le => IntCC::SignedLessThanOrEqual,
            PrimOp::Ge => IntCC::SignedGreaterThanOrEqual,
            PrimOp::NumEq => IntCC::Equal,
            _ => return None,
        };
        let operand = |e: &Expr| match self.base_leaf(e)? {
            BaseAtom::Word(w) if w & FIXNUM_MASK != 0 => None,
            atom => Some(atom),
        };
        let (a, b) = (operand(&p.args[0])?, operand(&p.args[1])?);
        let (leaf, leaf_when) = match (self.base_leaf(then), self.base_leaf(otherwise)) {
            (Some(leaf), _) => (leaf, !negate),
            (None, Some(leaf)) => (leaf, negate),
            (None, None) => return None,
        };
        Some(BaseCase {
            cc,
            a,
            b,
            leaf,
            leaf_when,
        })
    }

    /// A parameter (unboxed: the body has not run yet) or an immediate
    /// constant.
    fn base_leaf(&self, e: &Expr) -> Option<BaseAtom> {
        let params = self.info.required as usize;
        match e {
            Expr::Local(s) if (*s as usize) < params && !self.info.boxed_params.contains(s) => {
                Some(BaseAtom::Param(*s as usize))
            }
            Expr::Const(v) if v.raw() & TAG3_MASK != HEAP_TAG => Some(BaseAtom::Word(v.raw())),
            _ => None,
        }
    }

    /// Continues at `merge` after a call: forgets the temporaries it
    /// consumed, lets go of a held callee, and checks its result.
    fn finish_call(&mut self, source: Source, lent: &[bool], merge: Block) -> Clif {
        self.switch(merge);
        let owned_args = lent.iter().filter(|&&l| !l).count();
        let n_temps = owned_args + (source == Source::Owned) as usize;
        self.temps.truncate(self.temps.len() - n_temps);
        self.release_held();
        let r = self.b.block_params(merge)[0];
        self.check(r);
        r
    }

    /// Whether the simple arguments of `call` may run Lisp code that
    /// reassigns its global callee: a primitive among them, while the
    /// builtins may be redefined.
    fn may_reassign(&self, call: &Call) -> bool {
        !self.prims_clean && !call.args.iter().all(inert)
    }

    /// A count of the callee `word` taken while the guarded builtins are
    /// redefined (0 otherwise), listed as a temporary: see `callee`.
    fn hold_while_redefined(&mut self, word: Clif) -> Clif {
        let hold = self.b.create_block();
        let join = self.b.create_block();
        self.b.set_cold_block(hold);
        self.b.append_block_param(join, types::I64);
        let prims = self.prims_redefined();
        let none = self.iconst(0);
        self.b
            .ins()
            .brif(prims, hold, &[], join, &[BlockArg::Value(none)]);
        self.switch(hold);
        self.clone_value(word);
        self.b.ins().jump(join, &[BlockArg::Value(word)]);
        self.switch(join);
        let held = self.b.block_params(join)[0];
        self.temps.push(held);
        held
    }

    /// Drops the count `hold_while_redefined` took, if any (the last
    /// temporary), and forgets it.
    fn release_held(&mut self) {
        if let Some(held) = self.held_callee.take() {
            let last = self.temps.pop();
            debug_assert_eq!(last, Some(held));
            self.drop_unless_zero(held);
        }
    }

    /// Whether `func` is a global that holds a builtin in the compiling
    /// thread: its calls go through the generic path (which calls
    /// builtins directly) with no inline test for a compiled closure; if
    /// it is reassigned one later, the generic path still calls that.
    fn holds_builtin(&self, func: &Expr) -> bool {
        match func {
            Expr::Global(id, _) => self
                .globals
                .get(*id as usize)
                .is_some_and(|v| matches!(v.as_object(), Some(lisp_runtime::Object::Builtin(_)))),
            _ => false,
        }
    }

    /// The global of a self tail call with simple arguments in the body,
    /// if there is one (see `Lower::self_global`).
    pub(super) fn self_loop_global(&self) -> Option<u32> {
        fn find(l: &Lower, e: &Expr) -> Option<u32> {
            match e {
                Expr::Call(c) if c.tail => match c.func {
                    Expr::Global(id, _) if l.names_self(&c.func) && c.args.iter().all(simple) => {
                        Some(id)
                    }
                    _ => None,
                },
                Expr::If(_, b, c) => find(l, b).or_else(|| find(l, c)),
                Expr::Seq(items) => items.last().and_then(|x| find(l, x)),
                _ => None,
            }
        }
        if self.info.rest {
            return None;
        }
        find(self, &self.info.body)
    }

    /// The global of a self call (tail or not) with simple arguments in
    /// the body, if there is one (see `Lower::self_global`).
    pub(super) fn self_call_global(&self) -> Option<u32> {
        fn find(l: &Lower, e: &Expr) -> Option<u32> {
            match e {
                Expr::Call(c) if l.names_self(&c.func) && c.args.iter().all(simple) => {
                    match c.func {
                        Expr::Global(id, _) => Some(id),
                        _ => None,
                    }
                }
                _ => e.children().find_map(|x| find(l, x)),
            }
        }
        if self.info.rest {
            return None;
        }
        find(self, &self.info.body)
    }

    /// Whether running this lambda's body runs no other Lisp code and
    /// assigns no global, as long as the guarded builtins are intact and
    /// its self calls reach it: it calls nothing but itself (by the
    /// global it was defined as) and primitives. A self call made while
    /// the builtins are intact leaves them intact, and the global still
    /// holding this closure.
    pub(super) fn self_pure(&self, e: &Expr) -> bool {
        match e {
            Expr::SetGlobal(..) | Expr::DefineGlobal(..) => false,
            Expr::Call(c) if !self.names_self(&c.func) => false,
            _ => e.children().all(|x| self.self_pure(x)),
        }
    }

    /// Whether a tail call in the body could be a self call, which jumps
    /// back to the loop header.
    pub(super) fn may_loop(&self) -> bool {
        fn find(l: &Lower, e: &Expr) -> bool {
            match e {
                Expr::Call(c) if c.tail && l.self_call_params(c.args.len()).is_some() => true,
                _ => e.children().any(|x| find(l, x)),
            }
        }
        find(self, &self.info.body)
    }

    /// For each parameter, whether every tail call that could be a self
    /// call (one with as many arguments) passes it on unchanged, and the
    /// body never rebinds it: its value is then the entry's throughout.
    pub(super) fn invariant_params(&self) -> Vec<bool> {
        fn tail_calls<'e>(e: &'e Expr, out: &mut Vec<&'e Call>) {
            match e {
                Expr::Call(c) if c.tail => out.push(c),
                Expr::If(_, b, c) => {
                    tail_calls(b, out);
                    tail_calls(c, out);
                }
                Expr::Seq(items) => items.iter().for_each(|x| tail_calls(x, out)),
                _ => {}
            }
        }
        let n = self.info.required as usize + self.info.rest as usize;
        if self.info.rest {
            return vec![false; n];
        }
        let mut calls = Vec::new();
        tail_calls(&self.info.body, &mut calls);
        (0..n)
            .map(|i| {
                let slot = i as u32;
                !self.info.boxed_params.contains(&slot)
                    && !rebinds(&self.info.body, slot)
                    && calls
                        .iter()
                        .filter(|c| c.args.len() == n)
                        .all(|c| matches!(c.args[i], Expr::Local(s) if s == slot))
            })
            .collect()
    }

    /// Whether the callee `func` is worth testing for this very code (see
    /// `recursive_call`, `branch_if_self`): anything but a global named
    /// otherwise. Such a global could hold this closure only if assigned
    /// it, and its call then goes through the usual dispatch, which
    /// reaches the same direct function.
    fn may_be_self(&self, func: &Expr) -> bool {
        !matches!(func, Expr::Global(..)) || self.names_self(func)
    }

    /// Whether `func` is the global this lambda was defined as (`(define
    /// (f ...) ... (f ...))`).
    pub(super) fn names_self(&self, func: &Expr) -> bool {
        match (func, self.info.name) {
            (Expr::Global(id, _), Some(name)) => lisp_runtime::globals::global_name(*id) == name,
            _ => false,
        }
    }

    /// The call of a compiled closure's direct entry `code` (the parameter
    /// of block `direct`), jumping to `merge` with the result.
    #[allow(clippy::too_many_arguments)]
    fn direct_call(
        &mut self,
        f: Clif,
        source: Source,
        argv: &[Clif],
        lent: &[bool],
        site: Clif,
        direct: Block,
        merge: Block,
    ) {
        let n = argv.len();
        self.switch(direct);
        self.clone_lent(argv, lent);
        let word = self.b.block_params(direct)[0];
        let code = self.b.ins().band_imm_s(word, !(NEEDS_CLOSURE as i64));
        let held = if source == Source::Global {
            let needs = self.b.ins().band_imm_s(word, NEEDS_CLOSURE as i64);
            let none = self.iconst(0);
            let held = self.b.ins().select(needs, f, none);
            Some(self.clone_value(held))
        } else {
            None
        };
        let operands = self.non_tail_operands(f, site, argv);
        let sig = self.b.import_signature(direct_signature(n));
        let inst = self.b.ins().call_indirect(sig, code, &operands);
        let r = self.b.inst_results(inst)[0];
        self.refresh_prims();
        if let Some(held) = held {
            // 0 unless the callee reads its closure; then a count the
            // global still holds too: out of line.
            self.drop_unless_zero(held);
        }
        if source == Source::Owned {
            self.drop_value(f);
        }
        self.b.ins().jump(merge, &[BlockArg::Value(r)]);
    }

    /// A non-tail call of this very function on closure `f` (borrowed):
    /// the lent arguments are cloned, the others passed on. Its result.
    fn call_self(&mut self, f: Clif, site: Clif, argv: &[Clif], lent: &[bool]) -> Clif {
        self.clone_lent(argv, lent);
        let operands = self.non_tail_operands(f, site, argv);
        let callee = self
            .code
            .module
            .declare_func_in_func(self.self_func, self.b.func);
        let inst = self.b.ins().call(callee, &operands);
        self.b.inst_results(inst)[0]
    }

    /// The operands of a non-tail call of a direct function: no `keep`
    /// word and no frame template (the callee borrows `f`), the call site,
    /// then the arguments.
    fn non_tail_operands(&mut self, f: Clif, site: Clif, argv: &[Clif]) -> Vec<Clif> {
        let zero = self.iconst(0);
        let mut operands = vec![self.ctx, f, zero, zero, site];
        operands.extend(argv);
        operands
    }

    /// When `f` runs this very code (`branch_if_self`), calls this function
    /// directly and jumps to `merge` with the result; continues in a fresh
    /// block otherwise, or returns `true` when `f` is the running closure
    /// itself (there is no otherwise). `f` is then either the running
    /// closure, which the caller of this activation keeps alive, or a
    /// closure of the same template whose code never reads its closure:
    /// borrowed as it is.
    fn recursive_call(
        &mut self,
        f: Clif,
        source: Source,
        argv: &[Clif],
        lent: &[bool],
        site: Clif,
        merge: Block,
    ) -> bool {
        let recursive = self.b.create_block();
        let other = self.b.create_block();
        let known_self = self.branch_if_self(f, recursive, other);
        self.switch(recursive);
        let r = self.call_self(f, site, argv, lent);
        self.refresh_prims();
        if source == Source::Owned {
            self.drop_value(f);
        }
        self.b.ins().jump(merge, &[BlockArg::Value(r)]);
        if !known_self {
            self.switch(other);
        }
        known_self
    }

    /// Which arguments of a non-tail call can be lent (see `call_expr`):
    /// none when there are more than the apply intrinsic's mask holds.
    fn lendable(&self, exprs: &[Expr]) -> Vec<bool> {
        use super::intrinsics::APPLY_LENT_MAX;
        if exprs.len() > APPLY_LENT_MAX {
            return vec![false; exprs.len()];
        }
        exprs
            .iter()
            .map(|e| {
                matches!(
                    e,
                    Expr::Local(_) | Expr::Captured(_) | Expr::SelfRef | Expr::Const(_)
                )
            })
            .collect()
    }

    /// Gives a callee that takes its arguments over its own count of the
    /// lent ones.
    fn clone_lent(&mut self, argv: &[Clif], lent: &[bool]) {
        for (&v, &l) in argv.iter().zip(lent) {
            if l {
                self.clone_value(v);
            }
        }
    }

    /// `Intrinsic::Apply`: consumes `f` if owned (a borrowed global is
    /// passed as such, and the intrinsic takes a count only if it is not a
    /// builtin) and the arguments, except those flagged in `lent` (the
    /// intrinsic clones them if the callee takes its arguments over, and
    /// leaves them alone if it is a builtin).
    fn generic_call(
        &mut self,
        f: Clif,
        source: Source,
        argv: &[Clif],
        lent: &[bool],
        site: Clif,
        tail: bool,
    ) -> Clif {
        let addr = self.spill(argv);
        self.apply_spilled(f, source, (addr, argv.len()), lent, site, tail)
    }

    /// `generic_call` of the `argv.1` words spilled at address `argv.0`.
    fn apply_spilled(
        &mut self,
        f: Clif,
        source: Source,
        argv: (Clif, usize),
        lent: &[bool],
        site: Clif,
        tail: bool,
    ) -> Clif {
        use super::intrinsics::{APPLY_BORROWED, APPLY_LENT_SHIFT, APPLY_TAIL};
        let lent_mask = lent.iter().enumerate().fold(0u64, |m, (i, &l)| {
            m | ((l as u64) << (i as u64 + APPLY_LENT_SHIFT))
        });
        let (f, borrowed) = match source {
            Source::Owned => (f, 0),
            Source::Global => (f, APPLY_BORROWED),
            Source::Stable => (self.clone_value(f), 0),
        };
        let n = self.iconst(argv.1 as u64);
        let flags = self.iconst(if tail { APPLY_TAIL } else { 0 } | borrowed | lent_mask);
        self.call(
            super::intrinsics::Intrinsic::Apply,
            &[self.ctx, f, argv.0, n, site, flags],
        )
    }

    /// A call in tail position: a loop for self calls, `return_call` to
    /// compiled callees, the generic path otherwise. Terminates the block.
    pub fn tail_call(&mut self, call: &Call) -> Result<(), Bail> {
        if let Expr::Global(id, _) = call.func {
            // The interpreter runs `(apply f args)` in tail position as a
            // tail call of f with a run-time argument count, which the
            // fixed-signature direct convention cannot express.
            if lisp_runtime::globals::global_name(id).name().as_ref() == "apply" {
                return Err(Bail::TailApply);
            }
        }
        let self_params = self
            .self_call_params(call.args.len())
            .filter(|_| self.may_be_self(&call.func));
        let moved = match self_params {
            Some(_) if !self.info.rest => self.passed_through(&call.args),
            _ => Vec::new(),
        };
        let (f, source, argv) = self.callee(call, &moved, true)?;
        let n = argv.len();
        let site = self.site(call.span);
        if let Some(params) = self_params {
            let self_block = self.b.create_block();
            let other = self.b.create_block();
            let known_self = self.branch_if_self(f, self_block, other);
            self.switch(self_block);
            let incoming = self.loop_arguments(&argv, params);
            if source == Source::Owned {
                self.drop_value(f);
            }
            self.restart_frame(&moved);
            if let Some((_, var)) = self.self_global {
                // Looping: the global held this closure (or one just like
                // it) when the loop went on.
                let yes = self.b.ins().iconst(types::I8, 1);
                self.b.def_var(var, yes);
            }
            if let Some(held) = self.held_callee {
                self.drop_unless_zero(held);
            }
            self.jump_to_header(&incoming);
            if known_self {
                // The temporaries `callee` listed are consumed.
                let moved_count = moved.iter().filter(|&&m| m).count();
                let pushed = argv.len() - moved_count + (source == Source::Owned) as usize;
                self.temps.truncate(self.temps.len() - pushed);
                if self.held_callee.take().is_some() {
                    self.temps.pop();
                }
                return Ok(());
            }
            self.switch(other);
            // Anything else gets owned arguments, as usual.
            for (i, &m) in moved.iter().enumerate() {
                if m {
                    self.clone_value(argv[i]);
                    self.temps.push(argv[i]);
                }
            }
        }
        let direct = self.b.create_block();
        let slow = self.b.create_block();
        // As in `call_expr`: a self-named global is a loop, or generic.
        let self_named = self_params.is_some() && !self.info.rest && self.names_self(&call.func);
        if self_named || self.holds_builtin(&call.func) {
            self.b.set_cold_block(slow);
            self.b.ins().jump(slow, &[]);
            self.tail_generic(f, source, &argv, site, slow);
            return Ok(());
        }
        self.dispatch(f, n, direct, slow);

        self.switch(direct);
        let word = self.b.block_params(direct)[0];
        let code = self.b.ins().band_imm_s(word, !(NEEDS_CLOSURE as i64));
        let owned = if source == Source::Owned {
            f
        } else {
            self.clone_value(f)
        };
        if let Some(held) = self.held_callee {
            self.drop_unless_zero(held);
        }
        let owner = self.frame_owner();
        self.drop_frame();
        let frame_site = self.frame_site();
        let mut operands = vec![self.ctx, owned, owned, owner, frame_site];
        operands.extend(&argv);
        let sig = self.b.import_signature(direct_signature(n));
        self.b.ins().return_call_indirect(sig, code, &operands);

        self.tail_generic(f, source, &argv, site, slow);
        Ok(())
    }

    /// The generic path of a tail call, in block `slow`.
    fn tail_generic(&mut self, f: Clif, source: Source, argv: &[Clif], site: Clif, slow: Block) {
        self.switch(slow);
        let r = self.generic_call(f, source, argv, &[], site, true);
        self.consumed(f, source, argv);
        self.release_held();
        self.check(r);
        self.return_value(r);
    }

    /// How many loop-header arguments a self call with `n` arguments
    /// passes, or `None` when such a call is an arity error (left to the
    /// generic path, which raises it).
    fn self_call_params(&self, n: usize) -> Option<usize> {
        let required = self.info.required as usize;
        match self.info.rest {
            false if n == required => Some(n),
            true if n >= required => Some(required + 1),
            _ => None,
        }
    }

    /// Branches to `yes` when `f` runs this very code on an equivalent
    /// closure (the same word, or for lambdas that never read their
    /// closure any closure of the same template), else to `no`. When `f`
    /// is the running closure's own value (`SelfRef`) there is nothing to
    /// test: it jumps to `yes` and returns `true` (`no` stays unused).
    fn branch_if_self(&mut self, f: Clif, yes: Block, no: Block) -> bool {
        if f == self.closure {
            self.b.ins().jump(yes, &[]);
            return true;
        }
        let same = self.b.ins().icmp(IntCC::Equal, f, self.closure);
        if super::uses_closure(self.info) {
            self.b.ins().brif(same, yes, &[], no, &[]);
            return false;
        }
        let check_heap = self.b.create_block();
        self.b.ins().brif(same, yes, &[], check_heap, &[]);
        self.switch(check_heap);
        self.require_kind(f, self.layout.closure_kind, no);
        let template = self.closure_template(f);
        let own = std::sync::Arc::as_ptr(self.template) as i64;
        let same = self.b.ins().icmp_imm_s(IntCC::Equal, template, own);
        self.b.ins().brif(same, yes, &[], no, &[]);
        false
    }

    /// The loop-header arguments of a self call: the required ones, then
    /// the rest list when the lambda has one.
    fn loop_arguments(&mut self, argv: &[Clif], params: usize) -> Vec<Clif> {
        if !self.info.rest {
            return argv.to_vec();
        }
        let required = params - 1;
        let extra = &argv[required..];
        let addr = self.spill(extra);
        let count = self.iconst(extra.len() as u64);
        let list = self.call(super::intrinsics::Intrinsic::List, &[addr, count]);
        let mut incoming = argv[..required].to_vec();
        incoming.push(list);
        incoming
    }

    /// Drops every slot and resets them to `UNBOUND` for the next
    /// iteration of a self tail call (the `keep` word stays). Parameters
    /// flagged in `moved` pass their value on to the next iteration as it
    /// is, so they are not dropped.
    fn restart_frame(&mut self, moved: &[bool]) {
        self.float_shadows.clear();
        let unbound = self.unbound;
        let heap = self.heap_slots();
        for i in 0..self.slots.len() {
            if heap.contains(&i) && !moved.get(i).copied().unwrap_or(false) {
                let v = self.b.use_var(self.slots[i]);
                self.drop_value(v);
            }
            self.b.def_var(self.slots[i], unbound);
        }
    }

    /// Which arguments of a self tail call are the parameter in the same
    /// position passed on unchanged (`(loop (+ i 1) n acc)` passes `n`):
    /// their value moves to the next iteration, with no clone and no drop.
    /// A parameter slot that the body rebinds, or a boxed one, never moves.
    fn passed_through(&self, args: &[Expr]) -> Vec<bool> {
        args.iter()
            .enumerate()
            .map(|(i, a)| {
                matches!(a, Expr::Local(s) if *s as usize == i)
                    && !self.info.boxed_params.contains(&(i as u32))
                    && !rebinds(&self.info.body, i as u32)
            })
            .collect()
    }
}

/// Whether evaluating `e` can run no user code (so a global read before it
/// still holds the same value after it, barring redefined primitives).
pub(super) fn simple(e: &Expr) -> bool {
    match e {
        Expr::Const(_)
        | Expr::Local(_)
        | Expr::LocalCell(..)
        | Expr::Captured(_)
        | Expr::CapturedCell(..)
        | Expr::SelfRef
        | Expr::Global(..) => true,
        Expr::Prim(p) => p.args.iter().all(simple),
        Expr::If(a, b, c) => simple(a) && simple(b) && simple(c),
        _ => false,
    }
}

/// Whether `e` (`simple`) calls no primitive either: nothing it does can
/// run Lisp code, even with the builtins redefined.
pub(super) fn inert(e: &Expr) -> bool {
    match e {
        Expr::Prim(_) => false,
        Expr::If(a, b, c) => inert(a) && inert(b) && inert(c),
        e => simple(e),
    }
}

/// Whether `e` (one lambda's body, not nested lambdas) rebinds `slot`.
pub(super) fn rebinds(e: &Expr, slot: u32) -> bool {
    match e {
        Expr::Bind { slot: s, .. } | Expr::MakeCell(s) if *s == slot => true,
        _ => e.children().any(|x| rebinds(x, slot)),
    }
}
