//! What the entry guard of a compiled lambda tests (see
//! `Lower::entry_guard`), and what a failed guard teaches the type
//! feedback.
//!
//! A parameter or captured value is guarded as a fixnum when arithmetic
//! sites that only saw fixnums read it directly and no site that saw
//! anything else does. A site that never ran also "only saw fixnums": when
//! such a guess meets a float, the failed guard notes that on every site
//! reading the variable, so the next compilation leaves it unguarded.

use crate::ir::{Expr, LambdaInfo, PrimCall};
use lisp_runtime::Value;

/// A variable a primitive reads directly.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Variable {
    Local(u32),
    Captured(u32),
}

/// The parameter slots and captured values an entry guard tests for
/// fixnums (parameters only if neither boxed nor rebound in the body).
pub fn fixnum_variables(info: &LambdaInfo, has_feedback: bool) -> (Vec<u32>, Vec<u32>) {
    let (mut fixnum, mut other) = (Vec::new(), Vec::new());
    sites(&info.body, &mut |p, v| {
        if super::lower_prims::specialized_site(p, has_feedback) {
            fixnum.push(v);
        } else {
            other.push(v);
        }
    });
    fixnum.sort_unstable();
    fixnum.dedup();
    let mut slots = Vec::new();
    let mut captures = Vec::new();
    for v in fixnum.into_iter().filter(|v| !other.contains(v)) {
        match v {
            Variable::Local(s)
                if s < info.required as u32
                    && !info.boxed_params.contains(&s)
                    && !super::lower_calls::rebinds(&info.body, s) =>
            {
                slots.push(s)
            }
            Variable::Captured(i) => captures.push(i),
            Variable::Local(_) => {}
        }
    }
    (slots, captures)
}

/// After a failed entry guard on `args` and the closure's `captured`
/// values: notes on every arithmetic site that reads a guarded variable
/// holding something other than a fixnum that it does. Returns whether
/// there was one (else the builtins were redefined).
pub fn note_miss(info: &LambdaInfo, args: &[Value], captured: &[Value]) -> bool {
    let (slots, captures) = fixnum_variables(info, true);
    let mut missed: Vec<Variable> = slots
        .into_iter()
        .filter(|&s| args.get(s as usize).is_some_and(|v| !v.is_fixnum()))
        .map(Variable::Local)
        .collect();
    missed.extend(
        captures
            .into_iter()
            .filter(|&i| captured.get(i as usize).is_some_and(|v| !v.is_fixnum()))
            .map(Variable::Captured),
    );
    sites(&info.body, &mut |p, v| {
        if missed.contains(&v) {
            p.seen.note_others();
        }
    });
    !missed.is_empty()
}

/// Calls `f` with every arithmetic primitive site of `e` (not of nested
/// lambdas) and each variable it reads directly.
fn sites(e: &Expr, f: &mut impl FnMut(&PrimCall, Variable)) {
    match e {
        Expr::Prim(p) => {
            if super::lower_prims::is_arithmetic(p.op) {
                for a in &p.args {
                    match a {
                        Expr::Local(s) => f(p, Variable::Local(*s)),
                        Expr::Captured(i) => f(p, Variable::Captured(*i)),
                        _ => {}
                    }
                }
            }
            p.args.iter().for_each(|a| sites(a, f));
        }
        Expr::If(a, b, c) => {
            for x in [a, b, c] {
                sites(x, f);
            }
        }
        Expr::Seq(items) => items.iter().for_each(|x| sites(x, f)),
        Expr::Call(c) => {
            sites(&c.func, f);
            c.args.iter().for_each(|a| sites(a, f));
        }
        Expr::Bind { init: v, .. }
        | Expr::SetLocalCell(_, v)
        | Expr::SetCapturedCell(_, v)
        | Expr::SetGlobal(_, v, _)
        | Expr::DefineGlobal(_, v) => sites(v, f),
        Expr::Const(_)
        | Expr::Local(_)
        | Expr::LocalCell(..)
        | Expr::Captured(_)
        | Expr::CapturedCell(..)
        | Expr::SelfRef
        | Expr::Global(..)
        | Expr::MakeCell(_)
        | Expr::Lambda(_) => {}
    }
}
