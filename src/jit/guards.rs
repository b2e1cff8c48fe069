//! What the entry guard of a compiled lambda tests (see
//! `Lower::entry_guard`), and what a failed guard teaches the type
//! feedback.
//!
//! A parameter or captured value is guarded as a fixnum when arithmetic
//! sites that only saw fixnums read it directly and no site that saw
//! anything else does; as an inline float (self-tagged, or a zero) when
//! sites that saw only such floats read it and the rest never noted
//! anything. A site that never ran also "only saw fixnums": when such a
//! guess meets a float, the failed guard notes that on every site reading
//! the variable, so the next compilation leaves it unguarded; likewise a
//! float guess that meets a boxed float or anything else.

use crate::ir::{Expr, LambdaInfo, PrimCall};
use lisp_runtime::Value;

/// A variable a primitive reads directly.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Variable {
    Local(u32),
    Captured(u32),
}

/// What an entry guard tests: parameter slots and captured values that
/// must hold fixnums, and ones that must hold inline floats.
#[derive(Debug, Default)]
pub struct Plan {
    pub fixnum_slots: Vec<u32>,
    pub fixnum_captures: Vec<u32>,
    pub float_slots: Vec<u32>,
    pub float_captures: Vec<u32>,
}

/// The guard plan of a lambda. Fixnums: variables that fixnum-only sites
/// read and no other site does. Floats: variables that sites which saw
/// only non-fixnums read, with every other site reading them unseen, and
/// no guard ever finding something else in them. Parameters only if
/// neither boxed nor rebound in the body.
pub fn plan(info: &LambdaInfo, has_feedback: bool) -> Plan {
    let mut reads: Vec<(Variable, Kind)> = Vec::new();
    sites(&info.body, &mut |p, v| {
        let kind = if super::lower_prims::specialized_site(p, has_feedback) {
            if p.seen.unseen() {
                Kind::Unseen
            } else {
                Kind::Fixnum
            }
        } else if has_feedback && p.seen.saw_others_only() && p.seen.float_guardable() {
            Kind::Float
        } else {
            Kind::Other
        };
        reads.push((v, kind));
    });
    let mut vars: Vec<Variable> = reads.iter().map(|r| r.0).collect();
    vars.sort_unstable();
    vars.dedup();
    let mut plan = Plan::default();
    for v in vars {
        let kinds = || reads.iter().filter(move |r| r.0 == v).map(|r| r.1);
        let fixnum = kinds().all(|k| matches!(k, Kind::Fixnum | Kind::Unseen));
        let float = kinds().all(|k| matches!(k, Kind::Float | Kind::Unseen))
            && kinds().any(|k| k == Kind::Float);
        let (slots, captures) = match (fixnum, float) {
            (true, _) => (&mut plan.fixnum_slots, &mut plan.fixnum_captures),
            (_, true) => (&mut plan.float_slots, &mut plan.float_captures),
            _ => continue,
        };
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
    plan
}

/// What one site says about the variables it reads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Compiled for fixnums, and saw some (overflowing).
    Fixnum,
    /// Never noted anything: it only saw fixnums, or never ran.
    Unseen,
    /// Saw only non-fixnums (floats, presumably).
    Float,
    /// Anything else.
    Other,
}

/// After a failed entry guard on `args` and the closure's `captured`
/// values: notes on every arithmetic site that reads a guarded variable
/// what it held instead (not a fixnum; not an inline float). Returns
/// whether there was one (else the builtins were redefined).
pub fn note_miss(info: &LambdaInfo, args: &[Value], captured: &[Value]) -> bool {
    let plan = plan(info, true);
    let value = |v: Variable| match v {
        Variable::Local(s) => args.get(s as usize),
        Variable::Captured(i) => captured.get(i as usize),
    };
    let vars = |slots: &[u32], captures: &[u32]| -> Vec<Variable> {
        let slots = slots.iter().map(|&s| Variable::Local(s));
        slots
            .chain(captures.iter().map(|&i| Variable::Captured(i)))
            .collect()
    };
    let not_fixnum: Vec<Variable> = vars(&plan.fixnum_slots, &plan.fixnum_captures)
        .into_iter()
        .filter(|&v| value(v).is_some_and(|x| !x.is_fixnum()))
        .collect();
    let not_float: Vec<Variable> = vars(&plan.float_slots, &plan.float_captures)
        .into_iter()
        .filter(|&v| value(v).is_some_and(|x| !x.is_inline_float()))
        .collect();
    sites(&info.body, &mut |p, v| {
        if not_fixnum.contains(&v) {
            p.seen.note_others();
        }
        if not_float.contains(&v) {
            p.seen.note_not_inline_float();
        }
    });
    !not_fixnum.is_empty() || !not_float.is_empty()
}

/// Calls `f` with every arithmetic primitive site of `e` (not of nested
/// lambdas) and each variable it reads directly.
fn sites(e: &Expr, f: &mut impl FnMut(&PrimCall, Variable)) {
    if let Expr::Prim(p) = e {
        if super::lower_prims::is_arithmetic(p.op) {
            for a in &p.args {
                match a {
                    Expr::Local(s) => f(p, Variable::Local(*s)),
                    Expr::Captured(i) => f(p, Variable::Captured(*i)),
                    _ => {}
                }
            }
        }
    }
    e.children().for_each(|x| sites(x, f));
}
