//! Lowering of guarded primitives (`Expr::Prim`): the inline fast paths of
//! fixnum and float arithmetic and comparison, `car`/`cdr`/`null?`/`pair?`/
//! `not`/`eq?` and `cons` (an allocation, by the runtime), with every other case calling the builtin itself (the one
//! definition the interpreter also uses, so results and error messages are
//! identical). When the global no longer holds the builtin, the slow path
//! makes it an ordinary call of whatever the global holds.
//!
//! Fixnums are `n << 1`: `+`/`-` are one add with an overflow check on the
//! tagged words, `<` compares tagged words, `*` multiplies one untagged
//! operand by the other tagged one. Immediate floats are decoded with a
//! rotate and a subtract, and re-encoded inline when the result is
//! self-taggable (`Intrinsic::Float` boxes the rest).

use super::intrinsics::Intrinsic;
use super::lower::Lower;
use super::Bail;
use crate::ir::{Expr, PrimCall, PrimOp};
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{types, Block, BlockArg, InstBuilder, MemFlagsData, Value as Clif};
use lisp_runtime::value::{FIXNUM_MASK, FLOAT_OFFSET, FLOAT_ROTATION, FLOAT_TAG, HEAP_TAG};
use lisp_runtime::Value;
use std::sync::Arc;

/// Whether `op` has float paths (the operations type feedback is about).
pub(super) fn is_arithmetic(op: PrimOp) -> bool {
    matches!(
        op,
        PrimOp::Add
            | PrimOp::Sub
            | PrimOp::Mul
            | PrimOp::Lt
            | PrimOp::Gt
            | PrimOp::Le
            | PrimOp::Ge
            | PrimOp::NumEq
    )
}

/// Whether `p` is compiled for fixnums only: it is arithmetic and only
/// saw fixnums in the interpreter (`has_feedback`: the lambda ran there).
pub(super) fn specialized_site(p: &PrimCall, has_feedback: bool) -> bool {
    has_feedback && p.seen.only_fixnums() && is_arithmetic(p.op)
}

/// Exponent range (biased) of self-taggable floats: `768..1280`.
const FLOAT_EXPONENT_LOW: i64 = 768;
const FLOAT_EXPONENT_SPAN: i64 = 512;

impl Lower<'_, '_> {
    /// Lowers a guarded primitive call to an owned word.
    pub fn prim(&mut self, p: &PrimCall) -> Result<Clif, Bail> {
        // Operands read for the last time are moved in: owned, so the slow
        // path drops them and the fast paths (immediates) need nothing,
        // where the frame's end would have tested each for a drop.
        let consumed = self.consume(&p.args);
        let saved = std::mem::replace(&mut self.consuming, consumed);
        let r = self.prim_value(p);
        let consumed = std::mem::replace(&mut self.consuming, saved);
        self.forget_slots(&consumed);
        r
    }

    /// Whether evaluating `e` here runs no Lisp code: it calls no
    /// primitive, or only primitives while the builtins are intact.
    fn runs_no_code(&self, e: &Expr) -> bool {
        super::lower_calls::inert(e) || (self.prims_clean && super::lower_calls::simple(e))
    }

    /// Whether `car` or `cdr` call `p` can be lowered to a borrowed word
    /// (`borrowed_field`): its pair is a variable of the frame or closure
    /// (or such a field in turn), and the builtins are known intact, so
    /// its slow path always raises (the builtin answers every pair
    /// inline): a word from there would be owned.
    fn borrowable_field(&self, p: &PrimCall) -> bool {
        matches!(p.op, PrimOp::Car | PrimOp::Cdr)
            && self.prims_clean
            && lisp_runtime::globals::is_guarded(p.global)
            && match &p.args[0] {
                Expr::Local(_) | Expr::Captured(_) | Expr::SelfRef => true,
                Expr::Prim(q) => self.borrowable_field(q),
                _ => false,
            }
    }

    /// `car` or `cdr` (`p`, `borrowable_field`) as a word borrowed from
    /// its pair, with no clone on the fast path, for a primitive operand
    /// (see `prim_operands`). The pair is not moved in even if this is its
    /// variable's last read: the frame keeps it (and the field) alive.
    fn borrowed_field(&mut self, p: &PrimCall) -> Result<Clif, Bail> {
        let pair = match &p.args[0] {
            Expr::Prim(q) => self.borrowed_field(q)?,
            e => self.operand(e)?.0,
        };
        let slow = self.b.create_block();
        self.b.set_cold_block(slow);
        let v = self.pair_fields(p.op, pair, slow);
        let done = self.b.create_block();
        self.b.append_block_param(done, types::I64);
        self.b.ins().jump(done, &[BlockArg::Value(v)]);
        // Not a pair: the builtin raises its error. (Should it ever return
        // a value instead, its count is left to leak, never dropped early.)
        self.switch(slow);
        let r = self.prim_slow(p, &[(pair, false)], Decided::Builtin);
        self.b.ins().jump(done, &[BlockArg::Value(r)]);
        self.switch(done);
        Ok(self.b.block_params(done)[0])
    }

    fn prim_value(&mut self, p: &PrimCall) -> Result<Clif, Bail> {
        // A single operation on variables is fused too where floats were
        // seen: one tag test for both operands, before the fixnum test.
        let floats_seen = self.has_feedback && p.seen.saw_others_only();
        let tree = float_tree_of(p)
            .filter(|t| t.ops() >= 2 || t.has_const() || floats_seen || self.reads_known_float(t));
        if let Some(tree) = tree.filter(|_| self.expects_floats(p)) {
            // Variables the tree reads for the frame's last time die with
            // it: on the fast path they are immediate floats, with nothing
            // to drop; the generic path drops them after its work.
            let mut leaves = Vec::new();
            tree.leaves(&mut leaves);
            // (A shadowed slot may hold a boxed float: the frame drops it.)
            let unshadowed: Vec<u32> = leaves
                .into_iter()
                .filter_map(|e| match e {
                    Expr::Local(s) if self.shadow(*s).is_none() => Some(*s),
                    _ => None,
                })
                .collect();
            let dying = self.consume_slots(unshadowed.into_iter());
            let merge = self.b.create_block();
            self.b.append_block_param(merge, types::I64);
            let (results, generic) = self.fused_floats(&[&tree]);
            let r = self.encode_float(results[0]);
            self.b.ins().jump(merge, &[BlockArg::Value(r)]);
            if let Some(generic) = generic {
                self.switch(generic);
                let r = self.prim_generic(p)?;
                for &s in &dying {
                    let v = self.b.use_var(self.slots[s as usize]);
                    self.drop_cold(v);
                }
                self.b.ins().jump(merge, &[BlockArg::Value(r)]);
            }
            self.switch(merge);
            self.forget_slots(&dying);
            let word = self.b.block_params(merge)[0];
            if generic.is_none() {
                // No other path: a `let` may keep the f64 (float shadows).
                self.last_fused = Some((word, results[0]));
            }
            return Ok(word);
        }
        self.prim_generic(p)
    }

    /// The per-operation lowering of a guarded primitive.
    fn prim_generic(&mut self, p: &PrimCall) -> Result<Clif, Bail> {
        let (operands, fast, slow, decided) = self.prim_operands(p)?;
        let slow_reachable = self.slow_reachable(p, &operands, decided);
        let merge = self.b.create_block();
        self.b.append_block_param(merge, types::I64);

        self.switch(fast);
        let floats = self.expects_floats(p);
        self.fast_path(p.op, floats, &operands, slow, merge);

        if slow_reachable {
            self.switch(slow);
            let r = self.prim_slow(p, &operands, decided);
            self.b.ins().jump(merge, &[BlockArg::Value(r)]);
        } else {
            self.forget_operands(&operands);
        }

        self.switch(merge);
        Ok(self.b.block_params(merge)[0])
    }

    /// Lowers a guarded comparison or predicate in test position straight
    /// to a branch to `yes` or `no`, without making a boolean word; `false`
    /// (and nothing emitted) for other primitives.
    pub fn prim_branch(&mut self, p: &PrimCall, yes: Block, no: Block) -> Result<bool, Bail> {
        let comparison = matches!(
            p.op,
            PrimOp::Lt | PrimOp::Gt | PrimOp::Le | PrimOp::Ge | PrimOp::NumEq
        );
        let predicate = matches!(
            p.op,
            PrimOp::Eq
                | PrimOp::IsNull
                | PrimOp::Not
                | PrimOp::IsPair
                | PrimOp::IsSymbol
                | PrimOp::IsNumber
        );
        if !comparison && !predicate {
            return Ok(false);
        }
        let floats = self.expects_floats(p);
        if comparison && floats {
            let trees = (float_tree(&p.args[0]), float_tree(&p.args[1]));
            if let (Some(x), Some(y)) = trees {
                if x.ops() + y.ops() >= 1 || x.has_const() || y.has_const() {
                    let (results, generic) = self.fused_floats(&[&x, &y]);
                    let c = self.b.ins().fcmp(float_cc(p.op), results[0], results[1]);
                    self.b.ins().brif(c, yes, &[], no, &[]);
                    match generic {
                        Some(generic) => self.switch(generic),
                        None => return Ok(true),
                    }
                }
            }
        }
        let (operands, fast, slow, decided) = self.prim_operands(p)?;
        let slow_reachable = self.slow_reachable(p, &operands, decided);
        let words: Vec<Clif> = operands.iter().map(|&(v, _)| v).collect();
        self.switch(fast);
        if comparison {
            // Fixnums and floats are immediates: nothing to drop.
            let (a, b) = (words[0], words[1]);
            let floats = floats && self.may_be_floats(a, b);
            let not_fixnums = if floats { self.b.create_block() } else { slow };
            self.if_fixnums(a, b, not_fixnums);
            let c = self.b.ins().icmp(int_cc(p.op), a, b);
            self.b.ins().brif(c, yes, &[], no, &[]);
            if floats {
                self.switch(not_fixnums);
                let (x, y) = self.if_floats(a, b, slow);
                let c = self.b.ins().fcmp(float_cc(p.op), x, y);
                self.b.ins().brif(c, yes, &[], no, &[]);
            }
        } else {
            let c = match p.op {
                PrimOp::Eq => self.b.ins().icmp(IntCC::Equal, words[0], words[1]),
                PrimOp::IsNull => {
                    self.b
                        .ins()
                        .icmp_imm_s(IntCC::Equal, words[0], Value::NIL.raw() as i64)
                }
                PrimOp::Not => {
                    self.b
                        .ins()
                        .icmp_imm_s(IntCC::Equal, words[0], Value::FALSE.raw() as i64)
                }
                PrimOp::IsSymbol => self.is_symbol(words[0]),
                PrimOp::IsNumber => self.is_number(words[0]),
                _ => self.is_pair(words[0]),
            };
            for &(w, owned) in &operands {
                if owned {
                    self.drop_value(w);
                }
            }
            self.b.ins().brif(c, yes, &[], no, &[]);
        }

        if !slow_reachable {
            self.forget_operands(&operands);
            return Ok(true);
        }
        self.switch(slow);
        let r = self.prim_slow(p, &operands, decided);
        let truth = self
            .b
            .ins()
            .icmp_imm_s(IntCC::NotEqual, r, Value::FALSE.raw() as i64);
        // A slow path: out of line, keeping the hot path's registers.
        self.drop_cold(r);
        self.b.ins().brif(truth, yes, &[], no, &[]);
        Ok(true)
    }

    /// The fused fast path of float expression trees: while the guarded
    /// builtins are intact and every variable leaf holds an immediate
    /// float, computes the trees on unboxed f64s, with no tag tests or
    /// re-encoding between operations. Returns the roots' f64 values (the
    /// builder is in the fast block) and the block to which the fast path
    /// gives up, where the caller lowers the per-operation code (the
    /// leaves are side-effect free, so evaluating them again is harmless).
    /// Intermediate results are not checked: whatever their range (zero,
    /// tiny, huge, NaN), the per-operation path would compute the same
    /// IEEE value from them, boxed or not; only the root is encoded.
    fn fused_floats(&mut self, trees: &[&FloatTree]) -> (Vec<Clif>, Option<Block>) {
        let mut leaves = Vec::new();
        for tree in trees {
            tree.leaves(&mut leaves);
        }
        // Variables the entry guard proved to be inline floats, and
        // shadowed ones, need no test; with the builtins known intact too,
        // there is no generic path at all.
        leaves.retain(|e| !self.known_float(e));
        if leaves.is_empty() && self.prims_clean {
            let mut decoded = std::collections::HashMap::new();
            let results = trees
                .iter()
                .map(|tree| self.float_tree_value(tree, &mut decoded))
                .collect();
            return (results, None);
        }
        let generic = self.b.create_block();
        let check = self.b.create_block();
        let fast = self.b.create_block();
        self.branch_on_prims(generic, check, &[]);
        self.switch(check);
        let mut words = Vec::with_capacity(leaves.len());
        for leaf in leaves {
            // Leaves are variables: borrowed words, nothing to drop.
            words.push(self.operand(leaf).map(|(w, _)| w).unwrap_or(self.closure));
        }
        match words.split_first() {
            Some((&first, rest)) => {
                let all = rest.iter().fold(first, |acc, &w| self.b.ins().band(acc, w));
                let tag = self.b.ins().band_imm_s(all, FLOAT_TAG as i64);
                let floats = self.b.ins().icmp_imm_s(IntCC::Equal, tag, FLOAT_TAG as i64);
                self.b.ins().brif(floats, fast, &[], generic, &[]);
            }
            None => {
                self.b.ins().jump(fast, &[]);
            }
        }
        self.switch(fast);
        let mut decoded = std::collections::HashMap::new();
        let results = trees
            .iter()
            .map(|tree| self.float_tree_value(tree, &mut decoded))
            .collect();
        (results, Some(generic))
    }

    /// Whether `e` is a variable the entry guard proved to be an inline
    /// float, or a shadowed one (see `Lower::float_shadows`).
    fn known_float(&self, e: &Expr) -> bool {
        self.known_inline_float(e) || matches!(e, Expr::Local(s) if self.shadow(*s).is_some())
    }

    /// Whether `e` is a variable the entry guard proved to be an inline
    /// float (self-tagged or zero: an immediate word).
    fn known_inline_float(&self, e: &Expr) -> bool {
        match e {
            Expr::Local(s) => self.float_slots.contains(s),
            Expr::Captured(i) => self.float_captures.contains(i),
            _ => false,
        }
    }

    /// The f64 a shadowed slot holds (see `Lower::float_shadows`).
    fn shadow(&self, slot: u32) -> Option<Clif> {
        self.float_shadows
            .iter()
            .rev()
            .find(|&&(s, _)| s == slot)
            .map(|&(_, f)| f)
    }

    /// Whether a leaf of `tree` is a known float.
    fn reads_known_float(&self, tree: &FloatTree) -> bool {
        let mut leaves = Vec::new();
        tree.leaves(&mut leaves);
        leaves.iter().any(|e| self.known_float(e))
    }

    fn float_tree_value(
        &mut self,
        tree: &FloatTree,
        decoded: &mut std::collections::HashMap<Clif, Clif>,
    ) -> Clif {
        match tree {
            FloatTree::Const(f) => self.b.ins().f64const(*f),
            FloatTree::Leaf(e) => {
                if let Expr::Local(s) = e {
                    if let Some(f) = self.shadow(*s) {
                        return f;
                    }
                }
                let w = self.operand(e).map(|(w, _)| w).unwrap_or(self.closure);
                match decoded.get(&w) {
                    Some(&f) => f,
                    None => {
                        // A guarded variable may hold a float zero; other
                        // leaves passed the self-tag test.
                        let f = if self.known_inline_float(e) {
                            self.decode_immediate_float(w)
                        } else {
                            self.decode_float(w)
                        };
                        decoded.insert(w, f);
                        f
                    }
                }
            }
            FloatTree::Op(op, a, b) => {
                let x = self.float_tree_value(a, decoded);
                let y = self.float_tree_value(b, decoded);
                match op {
                    PrimOp::Add => self.b.ins().fadd(x, y),
                    PrimOp::Sub => self.b.ins().fsub(x, y),
                    _ => self.b.ins().fmul(x, y),
                }
            }
        }
    }

    /// Evaluates a primitive's operands (owned ones listed as temporaries)
    /// and branches on its guard; returns the operands, the fast and the
    /// (cold) slow block, and when the call was decided (see `Decided`).
    /// The current block is terminated.
    ///
    /// The interpreter decides what to call before it evaluates the
    /// operands: the builtin if the global holds it then. Operands that
    /// can run Lisp code (a call, a primitive while the builtins may be
    /// redefined) could reassign the global meanwhile, so the guard is
    /// taken before them: known intact then, the fast path follows with
    /// no test and the slow path runs the builtin itself; otherwise the
    /// `prims_redefined` byte read before them decides. (`(+ (begin (set!
    /// + -) 10) 3)` is 13 in both tiers; compiled code used to say 7.)
    fn prim_operands(&mut self, p: &PrimCall) -> Result<PrimOperands, Bail> {
        let guarded = lisp_runtime::globals::is_guarded(p.global);
        let decided = if !guarded || p.args.iter().all(super::lower_calls::inert) {
            Decided::After
        } else if self.prims_clean {
            Decided::Builtin
        } else {
            Decided::Before(self.prims_redefined())
        };
        let mut operands = Vec::with_capacity(p.args.len());
        for (i, arg) in p.args.iter().enumerate() {
            // A `car`/`cdr` field read from a pair the frame holds stays
            // alive while nothing runs before this primitive is done with
            // it: it is borrowed, not cloned (and not dropped).
            let (v, mut owned) = match arg {
                Expr::Prim(q)
                    if self.borrowable_field(q)
                        && p.args[i + 1..].iter().all(|a| self.runs_no_code(a)) =>
                {
                    (self.borrowed_field(q)?, false)
                }
                _ => self.operand(arg)?,
            };
            let known = match arg {
                Expr::Local(s) => self.fixnum_slots.contains(s),
                Expr::Captured(i) => self.fixnum_captures.contains(i),
                _ => false,
            };
            if known {
                self.fixnums.insert(v);
                self.immediates.insert(v);
            } else if self.known_inline_float(arg) {
                self.immediates.insert(v);
            }
            if let Expr::Local(s) = arg {
                if self.consuming.contains(s) {
                    // Moved in: the frame forgets it before anything can
                    // raise (the raise path drops the frame's slots).
                    owned = true;
                    self.forget_slots(&[*s]);
                }
            }
            if owned {
                self.temps.push(v);
            }
            operands.push((v, owned));
        }
        let fast = self.b.create_block();
        let slow = self.b.create_block();
        self.b.set_cold_block(slow);
        match decided {
            Decided::Builtin => {
                self.b.ins().jump(fast, &[]);
            }
            Decided::Before(byte) => {
                self.b.ins().brif(byte, slow, &[], fast, &[]);
            }
            Decided::After if guarded => {
                // One byte says whether this thread's table still holds
                // every guarded builtin (the slow path checks the global).
                self.branch_on_prims(slow, fast, &[]);
            }
            Decided::After => {
                let builtin = self.iconst(p.builtin.raw());
                let global = self.global_word(p.global);
                let holds = self.b.ins().icmp(IntCC::Equal, global, builtin);
                self.b.ins().brif(holds, fast, &[], slow, &[]);
            }
        }
        Ok((operands, fast, slow, decided))
    }

    /// Whether anything can reach the slow path of `p` once its operands
    /// are evaluated: not when the builtins are known intact and the fast
    /// path cannot fail (a comparison of known fixnums, a predicate).
    fn slow_reachable(&self, p: &PrimCall, operands: &[(Clif, bool)], decided: Decided) -> bool {
        let intact = lisp_runtime::globals::is_guarded(p.global)
            && (self.prims_clean || decided == Decided::Builtin);
        let total = match p.op {
            PrimOp::Lt | PrimOp::Gt | PrimOp::Le | PrimOp::Ge | PrimOp::NumEq => {
                operands.iter().all(|(v, _)| self.fixnums.contains(v))
            }
            PrimOp::Eq
            | PrimOp::IsNull
            | PrimOp::Not
            | PrimOp::IsPair
            | PrimOp::IsSymbol
            | PrimOp::IsNumber => true,
            _ => false,
        };
        !(intact && total)
    }

    /// Forgets the owned operands as temporaries, as `prim_slow` does, when
    /// there is no slow path (the fast path has dropped what it must).
    fn forget_operands(&mut self, operands: &[(Clif, bool)]) {
        let owned_count = operands.iter().filter(|o| o.1).count();
        self.temps.truncate(self.temps.len() - owned_count);
    }

    /// The slow path, emitted in the current block: the builtin itself via
    /// `Intrinsic::Prim` (which re-checks the global in Rust and makes an
    /// ordinary call of a redefined one). Consumes the owned operands and
    /// forgets them as temporaries; returns the owned, checked result.
    fn prim_slow(&mut self, p: &PrimCall, operands: &[(Clif, bool)], decided: Decided) -> Clif {
        use super::intrinsics::PRIM_BUILTIN;
        let mut words: Vec<Clif> = operands.iter().map(|&(v, _)| v).collect();
        let count = words.len() as u64;
        let n = match decided {
            Decided::After => self.iconst(count),
            Decided::Builtin => self.iconst(count | PRIM_BUILTIN),
            Decided::Before(byte) => {
                // Reached with the builtins intact before the operands only
                // when the fast path could not answer.
                let builtin = self.iconst(count | PRIM_BUILTIN);
                let other = self.iconst(count);
                self.b.ins().select(byte, other, builtin)
            }
        };
        let filler = self.iconst(0);
        words.resize(3, filler);
        let r = if self.specialized(p) {
            let prim = self.iconst(p as *const PrimCall as u64);
            let template = self.iconst(Arc::as_ptr(self.template) as u64);
            self.call(
                Intrinsic::PrimMiss,
                &[self.ctx, prim, template, words[0], words[1], words[2], n],
            )
        } else {
            let id = self.iconst(p.global as u64);
            let builtin = self.iconst(p.builtin.raw());
            let site = self.site(p.span);
            self.call(
                Intrinsic::Prim,
                &[self.ctx, id, builtin, words[0], words[1], words[2], n, site],
            )
        };
        for &(v, owned) in operands {
            if owned {
                self.drop_cold(v);
            }
        }
        // Only the slow path can raise; the operands are dropped by now.
        let owned_count = operands.iter().filter(|o| o.1).count();
        self.temps.truncate(self.temps.len() - owned_count);
        self.check(r);
        r
    }

    /// Emits the inline cases of `op`; each jumps to `done` with an owned
    /// result after dropping owned operands, or falls to `slow`.
    /// Float paths are emitted only when `floats` says they may be taken.
    fn fast_path(
        &mut self,
        op: PrimOp,
        floats: bool,
        operands: &[(Clif, bool)],
        slow: Block,
        done: Block,
    ) {
        let words: Vec<Clif> = operands.iter().map(|&(v, _)| v).collect();
        let finish = |l: &mut Self, v: Clif| {
            l.b.ins().jump(done, &[BlockArg::Value(v)]);
        };
        match op {
            PrimOp::Add | PrimOp::Sub | PrimOp::Mul => {
                let (a, b) = (words[0], words[1]);
                let floats = floats && self.may_be_floats(a, b);
                let not_fixnums = if floats { self.b.create_block() } else { slow };
                self.if_fixnums(a, b, not_fixnums);
                let (r, overflow) = match (op, self.const_word(b)) {
                    // Adding a constant overflows exactly when the other
                    // operand is past a bound: a compare the branch fuses
                    // with, where the overflow flag takes a set and a test.
                    (PrimOp::Add | PrimOp::Sub, Some(c)) if c != 0 && c != i64::MIN => {
                        let c = if op == PrimOp::Sub { -c } else { c };
                        let (cc, bound) = if c > 0 {
                            (IntCC::SignedGreaterThan, i64::MAX - c)
                        } else {
                            (IntCC::SignedLessThan, i64::MIN - c)
                        };
                        let overflow = self.b.ins().icmp_imm_s(cc, a, bound);
                        (self.b.ins().iadd_imm_s(a, c), overflow)
                    }
                    (PrimOp::Add, _) => self.b.ins().sadd_overflow(a, b),
                    (PrimOp::Sub, _) => self.b.ins().ssub_overflow(a, b),
                    _ => {
                        let untagged = self.b.ins().sshr_imm_s(a, 1);
                        self.b.ins().smul_overflow(untagged, b)
                    }
                };
                let ok = self.b.create_block();
                self.b.ins().brif(overflow, slow, &[], ok, &[]);
                self.switch(ok);
                finish(self, r);
                if !floats {
                    return;
                }
                self.switch(not_fixnums);
                let (x, y) = self.if_floats(a, b, slow);
                let f = match op {
                    PrimOp::Add => self.b.ins().fadd(x, y),
                    PrimOp::Sub => self.b.ins().fsub(x, y),
                    _ => self.b.ins().fmul(x, y),
                };
                let r = self.encode_float(f);
                finish(self, r);
            }
            PrimOp::Lt | PrimOp::Gt | PrimOp::Le | PrimOp::Ge | PrimOp::NumEq => {
                let (a, b) = (words[0], words[1]);
                let floats = floats && self.may_be_floats(a, b);
                let not_fixnums = if floats { self.b.create_block() } else { slow };
                self.if_fixnums(a, b, not_fixnums);
                let c = self.b.ins().icmp(int_cc(op), a, b);
                let r = self.bool_word(c);
                finish(self, r);
                if !floats {
                    return;
                }
                self.switch(not_fixnums);
                let (x, y) = self.if_floats(a, b, slow);
                let c = self.b.ins().fcmp(float_cc(op), x, y);
                let r = self.bool_word(c);
                finish(self, r);
            }
            PrimOp::Eq => {
                let c = self.b.ins().icmp(IntCC::Equal, words[0], words[1]);
                let r = self.bool_word(c);
                self.drop_if_owned_then(operands, done, r);
            }
            PrimOp::IsNull | PrimOp::Not => {
                let constant = if op == PrimOp::IsNull {
                    Value::NIL
                } else {
                    Value::FALSE
                };
                let c = self
                    .b
                    .ins()
                    .icmp_imm_s(IntCC::Equal, words[0], constant.raw() as i64);
                let r = self.bool_word(c);
                self.drop_if_owned_then(operands, done, r);
            }
            PrimOp::IsPair | PrimOp::IsSymbol | PrimOp::IsNumber => {
                let c = match op {
                    PrimOp::IsPair => self.is_pair(words[0]),
                    PrimOp::IsSymbol => self.is_symbol(words[0]),
                    _ => self.is_number(words[0]),
                };
                let r = self.bool_word(c);
                self.drop_if_owned_then(operands, done, r);
            }
            PrimOp::Cadr | PrimOp::Cddr | PrimOp::Caddr | PrimOp::VectorRef => {
                // `UNBOUND` when the runtime could not answer: the builtin
                // runs then, and raises the interpreter's error.
                let r = if op == PrimOp::VectorRef {
                    self.call(Intrinsic::VectorRef, &[words[0], words[1]])
                } else {
                    let which = crate::ir::PAIR_PATH_OPS
                        .iter()
                        .position(|&o| o == op)
                        .expect("a composition PairPath walks");
                    let which = self.iconst(which as u64);
                    self.call(Intrinsic::PairPath, &[words[0], which])
                };
                let missed = self
                    .b
                    .ins()
                    .icmp_imm_s(IntCC::Equal, r, Value::UNBOUND.raw() as i64);
                let hit = self.b.create_block();
                self.b.ins().brif(missed, slow, &[], hit, &[]);
                self.switch(hit);
                self.drop_if_owned_then(operands, done, r);
            }
            PrimOp::Car | PrimOp::Cdr => {
                // A pair test and a field; anything else is the builtin's
                // (and its error message's) business.
                let v = self.pair_fields(op, words[0], slow);
                let v = self.clone_value(v);
                self.drop_if_owned_then(operands, done, v);
            }
            PrimOp::List => {
                // `list` accepts anything too: the operands move into it.
                let items: Vec<Clif> = operands.iter().map(|&o| self.own(o)).collect();
                let argv = self.spill(&items);
                let n = self.iconst(items.len() as u64);
                let list = self.call(Intrinsic::List, &[argv, n]);
                self.b.ins().jump(done, &[BlockArg::Value(list)]);
            }
            PrimOp::Cons => {
                // `cons` accepts anything: the operands move into the pair.
                let car = self.own(operands[0]);
                let cdr = self.own(operands[1]);
                let pair = self.call(Intrinsic::Cons, &[car, cdr]);
                self.b.ins().jump(done, &[BlockArg::Value(pair)]);
            }
            PrimOp::VectorSet => {
                let stored = self.call(Intrinsic::VectorSet, &[words[0], words[1], words[2]]);
                let hit = self.b.create_block();
                self.b.ins().brif(stored, hit, &[], slow, &[]);
                self.switch(hit);
                let void = self.iconst(Value::VOID.raw());
                self.drop_if_owned_then(operands, done, void);
            }
        }
    }

    /// The word `op` (a car/cdr composition) reads from `w`, borrowed:
    /// a pair test and a load per step, to `slow` when one is not a pair.
    fn pair_fields(&mut self, op: PrimOp, w: Clif, slow: Block) -> Clif {
        let mut v = w;
        for &car in op.pair_path().expect("a car/cdr composition") {
            self.require_kind(v, self.layout.pair_kind, slow);
            let offset = if car {
                self.layout.car
            } else {
                self.layout.cdr
            };
            v = self.b.ins().load(
                types::I64,
                MemFlagsData::trusted(),
                v,
                offset - HEAP_TAG as i32,
            );
        }
        v
    }

    /// Drops the owned operands, then jumps to `done` with `r`.
    fn drop_if_owned_then(&mut self, operands: &[(Clif, bool)], done: Block, r: Clif) {
        for &(w, owned) in operands {
            if owned {
                self.drop_value(w);
            }
        }
        self.b.ins().jump(done, &[BlockArg::Value(r)]);
    }

    /// Whether `w` is a symbol (`symbol?`): an immediate of that kind.
    fn is_symbol(&mut self, w: Clif) -> Clif {
        let low = self.b.ins().band_imm_s(w, 0xff);
        self.b
            .ins()
            .icmp_imm_s(IntCC::Equal, low, immediate_low_byte(symbol_word()))
    }

    /// Whether `w` is a number (`number?`): a fixnum, an inline float
    /// (self-tagged, or a zero), or a big integer or boxed float.
    fn is_number(&mut self, w: Clif) -> Clif {
        let low_bit = self.b.ins().band_imm_s(w, FIXNUM_MASK as i64);
        let fixnum = self.b.ins().icmp_imm_s(IntCC::Equal, low_bit, 0);
        let tag2 = self.b.ins().band_imm_s(w, 0b11);
        let tagged = self
            .b
            .ins()
            .icmp_imm_s(IntCC::Equal, tag2, FLOAT_TAG as i64);
        let low = self.b.ins().band_imm_s(w, 0xff);
        let zero = self.b.ins().icmp_imm_s(
            IntCC::Equal,
            low,
            immediate_low_byte(Value::float(0.0).raw()),
        );
        let inline = self.b.ins().bor(fixnum, tagged);
        let inline = self.b.ins().bor(inline, zero);
        let (big, boxed) = (self.layout.bigint_kind, self.layout.float_kind);
        self.test_kind(w, inline, |l, kind| {
            let big = l.b.ins().icmp_imm_s(IntCC::Equal, kind, big as i64);
            let boxed = l.b.ins().icmp_imm_s(IntCC::Equal, kind, boxed as i64);
            l.b.ins().bor(big, boxed)
        })
    }

    /// `1` (an `I8`) when `w` is a pair, without reading a non-heap word.
    fn is_pair(&mut self, w: Clif) -> Clif {
        let no_pair = self.b.ins().iconst(types::I8, 0);
        let pair = self.layout.pair_kind;
        self.test_kind(w, no_pair, |l, kind| {
            l.b.ins().icmp_imm_s(IntCC::Equal, kind, pair as i64)
        })
    }

    /// An `I8`: `test` of the kind byte of `w` when it is a heap word,
    /// else `otherwise` (a non-heap word is not read).
    fn test_kind(
        &mut self,
        w: Clif,
        otherwise: Clif,
        test: impl FnOnce(&mut Self, Clif) -> Clif,
    ) -> Clif {
        let check_kind = self.b.create_block();
        let answer = self.b.create_block();
        self.b.append_block_param(answer, types::I8);
        let heap = self.is_heap(w);
        self.b
            .ins()
            .brif(heap, check_kind, &[], answer, &[BlockArg::Value(otherwise)]);
        self.switch(check_kind);
        let kind = self.kind_byte(w);
        let c = test(self, kind);
        self.b.ins().jump(answer, &[BlockArg::Value(c)]);
        self.switch(answer);
        self.b.block_params(answer)[0]
    }

    /// The word of `v` when it is a constant.
    fn const_word(&self, v: Clif) -> Option<i64> {
        use cranelift_codegen::ir::{InstructionData, Opcode, ValueDef};
        let ValueDef::Result(inst, 0) = self.b.func.dfg.value_def(v) else {
            return None;
        };
        match self.b.func.dfg.insts[inst] {
            InstructionData::UnaryImm {
                opcode: Opcode::Iconst,
                imm,
            } => Some(imm.bits()),
            _ => None,
        }
    }

    /// Whether float operands are worth an inline path at `p`: always,
    /// unless the lambda ran in the interpreter and `p` only ever saw
    /// fixnums there.
    fn expects_floats(&self, p: &PrimCall) -> bool {
        !self.specialized(p)
    }

    /// Whether `p` is compiled for fixnums only (it only saw fixnums in
    /// the interpreter); its slow path is then `Intrinsic::PrimMiss`.
    fn specialized(&self, p: &PrimCall) -> bool {
        // A site that never ran reads a variable proved to be a float.
        specialized_site(p, self.has_feedback)
            && !float_tree_of(p).is_some_and(|t| self.reads_known_float(&t))
            && !p.args.iter().any(|a| self.known_float(a))
    }

    /// Whether both words can be floats: a fixnum constant never is, so
    /// the inline float path would only ever fall to the slow path.
    fn may_be_floats(&self, a: Clif, b: Clif) -> bool {
        !self.fixnums.contains(&a) && !self.fixnums.contains(&b)
    }

    /// Continues in a fresh block when both words are fixnums, else jumps
    /// to `otherwise`.
    fn if_fixnums(&mut self, a: Clif, b: Clif, otherwise: Block) {
        let both = match (self.fixnums.contains(&a), self.fixnums.contains(&b)) {
            (true, true) => return,
            (true, false) => b,
            (false, true) => a,
            (false, false) => self.b.ins().bor(a, b),
        };
        let tag = self.b.ins().band_imm_s(both, FIXNUM_MASK as i64);
        let yes = self.b.create_block();
        self.b.ins().brif(tag, otherwise, &[], yes, &[]);
        self.switch(yes);
    }

    /// Decodes two immediate floats (self-tagged, or the float zeros), or
    /// jumps to `otherwise` (boxed floats take the builtin's path).
    fn if_floats(&mut self, a: Clif, b: Clif, otherwise: Block) -> (Clif, Clif) {
        let both = self.b.ins().band(a, b);
        let tag = self.b.ins().band_imm_s(both, FLOAT_TAG as i64);
        let is_float = self.b.ins().icmp_imm_s(IntCC::Equal, tag, FLOAT_TAG as i64);
        let tagged = self.b.create_block();
        let zeros = self.b.create_block();
        let mixed = self.b.create_block();
        let yes = self.b.create_block();
        self.b.append_block_param(yes, types::F64);
        self.b.append_block_param(yes, types::F64);
        self.b.ins().brif(is_float, tagged, &[], zeros, &[]);

        self.switch(tagged);
        let (x, y) = (self.decode_float(a), self.decode_float(b));
        self.b
            .ins()
            .jump(yes, &[BlockArg::Value(x), BlockArg::Value(y)]);

        // One or both operands may be a float zero, an immediate word.
        self.switch(zeros);
        let a_ok = self.is_inline_float(a);
        let b_ok = self.is_inline_float(b);
        let ok = self.b.ins().band(a_ok, b_ok);
        self.b.ins().brif(ok, mixed, &[], otherwise, &[]);
        self.switch(mixed);
        let (x, y) = (
            self.decode_immediate_float(a),
            self.decode_immediate_float(b),
        );
        self.b
            .ins()
            .jump(yes, &[BlockArg::Value(x), BlockArg::Value(y)]);

        self.switch(yes);
        let params = self.b.block_params(yes);
        (params[0], params[1])
    }

    /// Whether `w` is a self-tagged float or a float zero.
    pub(super) fn is_inline_float(&mut self, w: Clif) -> Clif {
        let tag = self.b.ins().band_imm_s(w, FLOAT_TAG as i64);
        let tagged = self.b.ins().icmp_imm_s(IntCC::Equal, tag, FLOAT_TAG as i64);
        let zero = self.is_float_zero(w);
        self.b.ins().bor(tagged, zero)
    }

    /// Whether `w` is the word of 0.0 or -0.0 (they differ in bit 8).
    fn is_float_zero(&mut self, w: Clif) -> Clif {
        let either = self.b.ins().bor_imm_s(w, float_zero_sign_bit());
        self.b
            .ins()
            .icmp_imm_s(IntCC::Equal, either, Value::float(-0.0).raw() as i64)
    }

    /// Decodes a word that `is_inline_float`: a self-tagged float, or a
    /// zero whose sign bit moves to the f64's.
    fn decode_immediate_float(&mut self, w: Clif) -> Clif {
        let tagged = self.decode_float_bits(w);
        let sign = self.b.ins().band_imm_s(w, float_zero_sign_bit());
        let shift = 63 - float_zero_sign_bit().trailing_zeros() as i64;
        let zero = self.b.ins().ishl_imm_s(sign, shift);
        let tag = self.b.ins().band_imm_s(w, FLOAT_TAG as i64);
        let is_tagged = self.b.ins().icmp_imm_s(IntCC::Equal, tag, FLOAT_TAG as i64);
        let bits = self.b.ins().select(is_tagged, tagged, zero);
        self.b.ins().bitcast(types::F64, MemFlagsData::new(), bits)
    }

    fn decode_float(&mut self, w: Clif) -> Clif {
        let bits = self.decode_float_bits(w);
        self.b.ins().bitcast(types::F64, MemFlagsData::new(), bits)
    }

    /// The f64 bits of a self-tagged float word.
    fn decode_float_bits(&mut self, w: Clif) -> Clif {
        let rotated = self.b.ins().rotr_imm_s(w, FLOAT_ROTATION as i64);
        self.b
            .ins()
            .iadd_imm_s(rotated, (FLOAT_OFFSET as i64).wrapping_neg())
    }

    /// Whether the float with these bits is self-taggable (its biased
    /// exponent in `768..1280`).
    fn is_taggable(&mut self, bits: Clif) -> Clif {
        let exponent = self.b.ins().ushr_imm_s(bits, 52);
        let exponent = self.b.ins().band_imm_s(exponent, 0x7ff);
        let offset = self.b.ins().iadd_imm_s(exponent, -FLOAT_EXPONENT_LOW);
        self.b
            .ins()
            .icmp_imm_s(IntCC::UnsignedLessThan, offset, FLOAT_EXPONENT_SPAN)
    }

    /// Encodes a float result: inline when self-taggable or a zero, else
    /// through `Intrinsic::Float` (subnormal, huge, infinite or NaN).
    fn encode_float(&mut self, f: Clif) -> Clif {
        let bits = self.b.ins().bitcast(types::I64, MemFlagsData::new(), f);
        let inline = self.is_taggable(bits);
        let tagged = self.b.create_block();
        let boxed = self.b.create_block();
        let done = self.b.create_block();
        self.b.append_block_param(done, types::I64);
        self.b.set_cold_block(boxed);
        self.b.ins().brif(inline, tagged, &[], boxed, &[]);
        self.switch(tagged);
        let biased = self.b.ins().iadd_imm_s(bits, FLOAT_OFFSET as i64);
        let w = self.b.ins().rotl_imm_s(biased, FLOAT_ROTATION as i64);
        self.b.ins().jump(done, &[BlockArg::Value(w)]);
        // Zeros are immediate words too; everything else is boxed.
        self.switch(boxed);
        let zero = self.b.create_block();
        let other = self.b.create_block();
        let magnitude = self.b.ins().ishl_imm_s(bits, 1);
        self.b.ins().brif(magnitude, other, &[], zero, &[]);
        self.switch(zero);
        let sign = self.b.ins().ushr_imm_s(bits, 63);
        let sign = self.b.ins().imul_imm_s(sign, float_zero_sign_bit());
        let w = self.b.ins().bor_imm_s(sign, Value::float(0.0).raw() as i64);
        self.b.ins().jump(done, &[BlockArg::Value(w)]);
        self.switch(other);
        let w = self.call(Intrinsic::Float, &[self.ctx, f]);
        self.b.ins().jump(done, &[BlockArg::Value(w)]);
        self.switch(done);
        self.b.block_params(done)[0]
    }

    /// Continues in a fresh block when `w` is a heap object of
    /// discriminant `kind`; branches to `other` otherwise.
    pub(super) fn require_kind(&mut self, w: Clif, kind: u8, other: Block) {
        let check_kind = self.b.create_block();
        let found = self.b.create_block();
        let heap = self.is_heap(w);
        self.b.ins().brif(heap, check_kind, &[], other, &[]);
        self.switch(check_kind);
        let c = self.is_kind(w, kind);
        self.b.ins().brif(c, found, &[], other, &[]);
        self.switch(found);
    }

    /// Whether heap word `w` points at an object of discriminant `kind`.
    pub(super) fn is_kind(&mut self, w: Clif, kind: u8) -> Clif {
        let k = self.kind_byte(w);
        self.b.ins().icmp_imm_s(IntCC::Equal, k, kind as i64)
    }

    /// The discriminant byte of the object heap word `w` points at.
    fn kind_byte(&mut self, w: Clif) -> Clif {
        self.b
            .ins()
            .uload8(types::I32, MemFlagsData::trusted(), w, -(HEAP_TAG as i32))
    }
}

/// The low byte of an immediate word: its tag and kind (the payload is
/// above).
fn immediate_low_byte(word: u64) -> i64 {
    (word & 0xff) as i64
}

/// A symbol's word.
fn symbol_word() -> u64 {
    Value::symbol(lisp_runtime::symbol::Symbol::intern("symbol?")).raw()
}

/// The bit in which the words of 0.0 and -0.0 differ.
fn float_zero_sign_bit() -> i64 {
    (Value::float(0.0).raw() ^ Value::float(-0.0).raw()) as i64
}

fn int_cc(op: PrimOp) -> IntCC {
    match op {
        PrimOp::Lt => IntCC::SignedLessThan,
        PrimOp::Gt => IntCC::SignedGreaterThan,
        PrimOp::Le => IntCC::SignedLessThanOrEqual,
        PrimOp::Ge => IntCC::SignedGreaterThanOrEqual,
        _ => IntCC::Equal,
    }
}

fn float_cc(op: PrimOp) -> FloatCC {
    match op {
        PrimOp::Lt => FloatCC::LessThan,
        PrimOp::Gt => FloatCC::GreaterThan,
        PrimOp::Le => FloatCC::LessThanOrEqual,
        PrimOp::Ge => FloatCC::GreaterThanOrEqual,
        _ => FloatCC::Equal,
    }
}

/// A primitive's operands (word, owned), its fast block and its slow block.
type PrimOperands = (Vec<(Clif, bool)>, Block, Block, Decided);

/// When a primitive's call was decided (see `Lower::prim_operands`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Decided {
    /// After the operands (they cannot run Lisp code): the guard as it is
    /// then.
    After,
    /// Before the operands, with the builtins known intact: the builtin.
    Builtin,
    /// Before the operands, by the `prims_redefined` byte read then.
    Before(Clif),
}

/// An arithmetic expression over floats that the fused fast path
/// (`fused_floats`) computes unboxed.
enum FloatTree<'e> {
    /// A variable (frame slot or captured value).
    Leaf(&'e Expr),
    /// An immediate float constant.
    Const(f64),
    /// `+`, `-` or `*` of two subtrees.
    Op(PrimOp, Box<FloatTree<'e>>, Box<FloatTree<'e>>),
}

impl FloatTree<'_> {
    fn ops(&self) -> usize {
        match self {
            FloatTree::Op(_, a, b) => 1 + a.ops() + b.ops(),
            _ => 0,
        }
    }

    fn has_const(&self) -> bool {
        match self {
            FloatTree::Const(_) => true,
            FloatTree::Leaf(_) => false,
            FloatTree::Op(_, a, b) => a.has_const() || b.has_const(),
        }
    }

    fn leaves<'a>(&'a self, out: &mut Vec<&'a Expr>) {
        match self {
            FloatTree::Leaf(e) => out.push(e),
            FloatTree::Const(_) => {}
            FloatTree::Op(_, a, b) => {
                a.leaves(out);
                b.leaves(out);
            }
        }
    }
}

/// The float tree of an expression, if it is one.
fn float_tree(e: &Expr) -> Option<FloatTree<'_>> {
    match e {
        Expr::Const(v) if v.is_immediate_float() => v.as_float().map(FloatTree::Const),
        Expr::Local(_) | Expr::Captured(_) => Some(FloatTree::Leaf(e)),
        Expr::Prim(p) => float_tree_of(p),
        _ => None,
    }
}

/// The float tree of a binary `+`, `-` or `*` whose operands are trees.
fn float_tree_of(p: &PrimCall) -> Option<FloatTree<'_>> {
    if !matches!(p.op, PrimOp::Add | PrimOp::Sub | PrimOp::Mul)
        || p.args.len() != 2
        || !lisp_runtime::globals::is_guarded(p.global)
    {
        return None;
    }
    Some(FloatTree::Op(
        p.op,
        Box::new(float_tree(&p.args[0])?),
        Box::new(float_tree(&p.args[1])?),
    ))
}
