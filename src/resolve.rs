//! The resolver: core forms to core IR.
//!
//! Input: a core-form datum (see `expand`). Output: an `ir::Expr` in which
//! every variable is a lexical address: a frame slot, a captured-value
//! index, the running closure (`SelfRef`), or a global id.
//!
//! Boxing: a variable lives in a `Cell` when it is `set!` anywhere in its
//! scope (found by a conservative pre-scan by name), or when a `letrec`
//! initialiser may capture it before it is initialised. A `letrec` lambda
//! that refers to itself uses `SelfRef` instead of capturing itself, so
//! local recursive procedures create no reference cycle.

use crate::expand::core_symbol;
use crate::ir::{CaptureFrom, Expr, LambdaInfo, PrimCall, PrimOp, Slot};
use crate::syntax::{Datum, DatumKind};
use lisp_runtime::object::Template;
use lisp_runtime::{Arity, Exception, Span, Symbol, Value};
use parking_lot::Mutex;
use std::collections::HashSet;
use std::sync::Arc;

/// Looks up the builtin bound to a global name at startup (for `Prim`).
pub type PrimLookup<'a> = &'a dyn Fn(&str) -> Option<Value>;

/// Resolves a top-level core form into a zero-argument template.
pub fn resolve_toplevel(core: &Datum, prims: PrimLookup) -> Result<Arc<Template>, Exception> {
    let mut r = Resolver {
        fns: Vec::new(),
        prims,
        names: CoreNames::new(),
    };
    let assigned = assigned_names(core, &r.names);
    r.fns.push(FnScope::new(None, assigned));
    // Not a tail position: a top-level call keeps its backtrace frame.
    let body = r.expr(core, false)?;
    let scope = r.fns.pop().expect("toplevel scope");
    let info = LambdaInfo {
        name: None,
        doc: None,
        params: Vec::new(),
        required: 0,
        rest: false,
        boxed_params: Vec::new(),
        frame_size: scope.frame_size,
        captures: Vec::new(),
        body,
        span: core.span,
        guard_missed: Default::default(),
    };
    Ok(make_template(info))
}

fn make_template(info: LambdaInfo) -> Arc<Template> {
    // Capture indices are u32 throughout the IR.
    let captures = info.captures.len() as u32;
    let arity = Arity {
        required: info.required,
        optional: 0,
        rest: info.rest,
    };
    Arc::new(Template {
        name: Mutex::new(info.name),
        doc: info.doc.clone(),
        span: info.span,
        ..Template::new(arity, Arc::new(info), captures)
    })
}

struct CoreNames {
    quote: Symbol,
    if_: Symbol,
    begin: Symbol,
    set: Symbol,
    define: Symbol,
    lambda: Symbol,
    let_: Symbol,
    letrec: Symbol,
}

impl CoreNames {
    fn new() -> CoreNames {
        CoreNames {
            quote: core_symbol("quote"),
            if_: core_symbol("if"),
            begin: core_symbol("begin"),
            set: core_symbol("set!"),
            define: core_symbol("define"),
            lambda: core_symbol("lambda"),
            let_: core_symbol("let"),
            letrec: core_symbol("letrec"),
        }
    }
}

struct Var {
    name: Symbol,
    slot: Slot,
    boxed: bool,
}

/// The compile-time state of one procedure being resolved.
struct FnScope {
    vars: Vec<Var>,
    frame_size: u32,
    captures: Vec<CaptureFrom>,
    /// Whether each capture is a `Cell`.
    capture_boxed: Vec<bool>,
    /// The `letrec` name this lambda is bound to, resolved as `SelfRef`.
    self_name: Option<Symbol>,
    /// Names `set!` somewhere in this procedure's body.
    assigned: HashSet<Symbol>,
}

impl FnScope {
    fn new(self_name: Option<Symbol>, assigned: HashSet<Symbol>) -> FnScope {
        FnScope {
            vars: Vec::new(),
            frame_size: 0,
            captures: Vec::new(),
            capture_boxed: Vec::new(),
            self_name,
            assigned,
        }
    }

    fn bind(&mut self, name: Symbol, boxed: bool) -> Slot {
        let slot = self.frame_size;
        self.frame_size += 1;
        self.vars.push(Var { name, slot, boxed });
        slot
    }

    fn capture(&mut self, from: CaptureFrom, boxed: bool) -> u32 {
        let found = self.captures.iter().position(|c| match (c, &from) {
            (CaptureFrom::Local(a), CaptureFrom::Local(b)) => a == b,
            (CaptureFrom::Captured(a), CaptureFrom::Captured(b)) => a == b,
            (CaptureFrom::SelfRef, CaptureFrom::SelfRef) => true,
            _ => false,
        });
        if let Some(i) = found {
            return i as u32;
        }
        self.captures.push(from);
        self.capture_boxed.push(boxed);
        (self.captures.len() - 1) as u32
    }
}

/// Where a name resolves (`Running`: the closure being resolved itself).
enum Ref {
    Local(Slot, bool),
    Captured(u32, bool),
    Running,
    Global,
}

struct Resolver<'a> {
    fns: Vec<FnScope>,
    prims: PrimLookup<'a>,
    names: CoreNames,
}

fn bad(message: &str, span: Span) -> Exception {
    crate::expand::syntax_error(message.to_string(), span)
}

impl Resolver<'_> {
    fn lookup(&mut self, name: Symbol, level: usize) -> Ref {
        let scope = &self.fns[level];
        if let Some(v) = scope.vars.iter().rev().find(|v| v.name == name) {
            return Ref::Local(v.slot, v.boxed);
        }
        if scope.self_name == Some(name) {
            return Ref::Running;
        }
        if level == 0 {
            return Ref::Global;
        }
        let (from, boxed) = match self.lookup(name, level - 1) {
            Ref::Global => return Ref::Global,
            Ref::Local(slot, boxed) => (CaptureFrom::Local(slot), boxed),
            Ref::Captured(i, boxed) => (CaptureFrom::Captured(i), boxed),
            Ref::Running => (CaptureFrom::SelfRef, false),
        };
        let index = self.fns[level].capture(from, boxed);
        Ref::Captured(index, boxed)
    }

    fn current(&mut self) -> &mut FnScope {
        self.fns.last_mut().expect("a function scope")
    }

    fn variable(&mut self, name: Symbol, span: Span) -> Expr {
        let level = self.fns.len() - 1;
        match self.lookup(name, level) {
            Ref::Local(slot, false) => Expr::Local(slot),
            Ref::Local(slot, true) => Expr::LocalCell(slot, name),
            Ref::Captured(i, false) => Expr::Captured(i),
            Ref::Captured(i, true) => Expr::CapturedCell(i, name),
            Ref::Running => Expr::SelfRef,
            Ref::Global => Expr::Global(lisp_runtime::globals::global_id(name), span),
        }
    }

    fn expr(&mut self, d: &Datum, tail: bool) -> Result<Expr, Exception> {
        match &d.kind {
            DatumKind::Symbol(s) => Ok(self.variable(*s, d.span)),
            DatumKind::List(items, None) if !items.is_empty() => self.form(items, d.span, tail),
            DatumKind::List(_, _) => Err(bad("bad expression", d.span)),
            _ => Ok(Expr::Const(d.to_value())),
        }
    }

    fn form(&mut self, items: &[Datum], span: Span, tail: bool) -> Result<Expr, Exception> {
        let head = items[0].as_symbol();
        let n = &self.names;
        match head {
            Some(h) if h == n.quote => Ok(Expr::Const(items[1].to_value())),
            Some(h) if h == n.if_ => Ok(Expr::If(
                Box::new(self.expr(&items[1], false)?),
                Box::new(self.expr(&items[2], tail)?),
                Box::new(self.expr(&items[3], tail)?),
            )),
            Some(h) if h == n.begin => {
                let mut out = Vec::with_capacity(items.len() - 1);
                for (i, item) in items[1..].iter().enumerate() {
                    out.push(self.expr(item, tail && i == items.len() - 2)?);
                }
                Ok(Expr::Seq(out))
            }
            Some(h) if h == n.set => self.set(items, span),
            Some(h) if h == n.define => {
                let name = items[1]
                    .as_symbol()
                    .ok_or_else(|| bad("define: expected a name", span))?;
                let value = self.expr(&items[2], false)?;
                if self.fns.len() > 1 {
                    return Err(bad(
                        "define: only allowed at top level or at the start of a body",
                        span,
                    ));
                }
                Ok(Expr::DefineGlobal(
                    lisp_runtime::globals::global_id(name),
                    Box::new(value),
                ))
            }
            Some(h) if h == n.lambda => self.lambda(items, span, None),
            Some(h) if h == n.let_ => self.let_(items, tail),
            Some(h) if h == n.letrec => self.letrec(items, tail),
            _ => self.call(items, span, tail),
        }
    }

    /// `(#%set! name value)`
    fn set(&mut self, items: &[Datum], span: Span) -> Result<Expr, Exception> {
        let name = items[1]
            .as_symbol()
            .ok_or_else(|| bad("set!: expected a variable", span))?;
        let value = Box::new(self.expr(&items[2], false)?);
        let level = self.fns.len() - 1;
        match self.lookup(name, level) {
            Ref::Local(slot, true) => Ok(Expr::SetLocalCell(slot, value)),
            Ref::Captured(i, true) => Ok(Expr::SetCapturedCell(i, value)),
            Ref::Global => Ok(Expr::SetGlobal(
                lisp_runtime::globals::global_id(name),
                value,
                span,
            )),
            // The pre-scan boxes every assigned local, so these cannot occur.
            Ref::Local(..) | Ref::Captured(..) | Ref::Running => {
                Err(bad(&format!("set!: cannot assign {name} here"), span))
            }
        }
    }

    /// `(#%lambda name doc formals body)`
    fn lambda(
        &mut self,
        items: &[Datum],
        span: Span,
        self_name: Option<Symbol>,
    ) -> Result<Expr, Exception> {
        let name = items[1].as_symbol();
        let doc = match &items[2].kind {
            DatumKind::Str(s) => Some(Arc::from(s.as_str())),
            _ => None,
        };
        let (params, rest) = match &items[3].kind {
            DatumKind::Symbol(s) => (Vec::new(), Some(*s)),
            DatumKind::List(xs, tail) => (
                xs.iter().filter_map(Datum::as_symbol).collect::<Vec<_>>(),
                tail.as_ref().and_then(|t| t.as_symbol()),
            ),
            _ => return Err(bad("lambda: bad parameter list", span)),
        };
        let assigned = assigned_names(&items[4], &self.names);
        let mut scope = FnScope::new(self_name, assigned);
        let mut boxed_params = Vec::new();
        for p in params.iter().chain(rest.iter()) {
            let boxed = scope.assigned.contains(p);
            let slot = scope.bind(*p, boxed);
            if boxed {
                boxed_params.push(slot);
            }
        }
        self.fns.push(scope);
        let body = self.expr(&items[4], true);
        let scope = self.fns.pop().expect("lambda scope");
        let info = LambdaInfo {
            name: name.or(self_name),
            doc,
            params: params.iter().chain(rest.iter()).copied().collect(),
            required: params.len() as u16,
            rest: rest.is_some(),
            boxed_params,
            frame_size: scope.frame_size,
            captures: scope.captures,
            body: body?,
            span,
            guard_missed: Default::default(),
        };
        Ok(Expr::Lambda(make_template(info)))
    }

    /// `(#%let ((name init) ...) body)`
    fn let_(&mut self, items: &[Datum], tail: bool) -> Result<Expr, Exception> {
        let bindings = items[1].as_list().unwrap_or(&[]);
        let mut inits = Vec::new();
        for b in bindings {
            let pair = b.as_list().unwrap_or(&[]);
            inits.push((pair[0].as_symbol(), self.expr(&pair[1], false)?));
        }
        let mark = self.current().vars.len();
        let mut out = Vec::new();
        for (name, init) in inits {
            let Some(name) = name else { continue };
            let boxed = self.current().assigned.contains(&name);
            let slot = self.current().bind(name, boxed);
            out.push(Expr::Bind {
                slot,
                cell: boxed,
                init: Box::new(init),
            });
        }
        out.push(self.expr(&items[2], tail)?);
        self.current().vars.truncate(mark);
        Ok(Expr::Seq(out))
    }

    /// `(#%letrec ((name init) ...) body)` with `letrec*` semantics.
    fn letrec(&mut self, items: &[Datum], tail: bool) -> Result<Expr, Exception> {
        let bindings: Vec<(Symbol, &Datum)> = items[1]
            .as_list()
            .unwrap_or(&[])
            .iter()
            .filter_map(|b| {
                let pair = b.as_list()?;
                Some((pair[0].as_symbol()?, &pair[1]))
            })
            .collect();
        let mark = self.current().vars.len();
        let mut slots = Vec::new();
        let mut out = Vec::new();
        for (i, (name, init)) in bindings.iter().enumerate() {
            let is_lambda = is_lambda(init, &self.names);
            let forward = bindings[..i].iter().any(|(_, e)| mentions(e, *name))
                || (!is_lambda && mentions(init, *name));
            let boxed = self.current().assigned.contains(name) || forward;
            let slot = self.current().bind(*name, boxed);
            if boxed {
                out.push(Expr::MakeCell(slot));
            }
            slots.push((slot, boxed, is_lambda));
        }
        for ((name, init), (slot, boxed, is_lambda)) in bindings.iter().zip(slots) {
            let value = if is_lambda && !boxed {
                let parts = init.as_list().unwrap_or(&[]);
                self.lambda(parts, init.span, Some(*name))?
            } else {
                self.expr(init, false)?
            };
            out.push(if boxed {
                Expr::SetLocalCell(slot, Box::new(value))
            } else {
                Expr::Bind {
                    slot,
                    cell: false,
                    init: Box::new(value),
                }
            });
        }
        out.push(self.expr(&items[2], tail)?);
        self.current().vars.truncate(mark);
        Ok(Expr::Seq(out))
    }

    fn call(&mut self, items: &[Datum], span: Span, tail: bool) -> Result<Expr, Exception> {
        if let Some(prim) = self.prim_call(items, span, tail)? {
            return Ok(prim);
        }
        let func = self.expr(&items[0], false)?;
        let mut args = Vec::with_capacity(items.len() - 1);
        for a in &items[1..] {
            args.push(self.expr(a, false)?);
        }
        Ok(Expr::Call(Box::new(crate::ir::Call {
            func,
            args,
            tail,
            span,
        })))
    }

    /// A call of a global that names a primitive with an inline fast path.
    fn prim_call(
        &mut self,
        items: &[Datum],
        span: Span,
        tail: bool,
    ) -> Result<Option<Expr>, Exception> {
        let Some(name) = items[0].as_symbol() else {
            return Ok(None);
        };
        let argc = items.len() - 1;
        let op = match (&*name.name(), argc) {
            ("+", 2) => PrimOp::Add,
            ("-", 2) => PrimOp::Sub,
            ("*", 2) => PrimOp::Mul,
            ("<", 2) => PrimOp::Lt,
            (">", 2) => PrimOp::Gt,
            ("<=", 2) => PrimOp::Le,
            (">=", 2) => PrimOp::Ge,
            ("=", 2) => PrimOp::NumEq,
            ("car", 1) => PrimOp::Car,
            ("cdr", 1) => PrimOp::Cdr,
            ("cons", 2) => PrimOp::Cons,
            ("null?", 1) => PrimOp::IsNull,
            ("pair?", 1) => PrimOp::IsPair,
            ("symbol?", 1) => PrimOp::IsSymbol,
            ("number?", 1) => PrimOp::IsNumber,
            ("list", 1..=3) => PrimOp::List,
            ("cadr", 1) => PrimOp::Cadr,
            ("cddr", 1) => PrimOp::Cddr,
            ("caddr", 1) => PrimOp::Caddr,
            ("not", 1) => PrimOp::Not,
            ("eq?", 2) => PrimOp::Eq,
            ("vector-ref", 2) => PrimOp::VectorRef,
            ("vector-set!", 3) => PrimOp::VectorSet,
            _ => return Ok(None),
        };
        let level = self.fns.len() - 1;
        if !matches!(self.lookup(name, level), Ref::Global) {
            return Ok(None);
        }
        let Some(builtin) = (self.prims)(&name.name()) else {
            return Ok(None);
        };
        let mut args = Vec::with_capacity(argc);
        for a in &items[1..] {
            args.push(self.expr(a, false)?);
        }
        Ok(Some(Expr::Prim(Box::new(PrimCall {
            op,
            global: lisp_runtime::globals::global_id(name),
            builtin,
            args,
            tail,
            span,
            seen: Default::default(),
        }))))
    }
}

fn is_lambda(d: &Datum, names: &CoreNames) -> bool {
    d.as_list()
        .and_then(|items| items.first())
        .and_then(Datum::as_symbol)
        .is_some_and(|h| h == names.lambda)
}

/// Whether `name` occurs anywhere in `d` (conservative: ignores shadowing).
fn mentions(d: &Datum, name: Symbol) -> bool {
    match &d.kind {
        DatumKind::Symbol(s) => *s == name,
        DatumKind::List(items, tail) => {
            items.iter().any(|x| mentions(x, name))
                || tail.as_deref().is_some_and(|t| mentions(t, name))
        }
        _ => false,
    }
}

/// Every name that is the target of a `#%set!` inside `d`.
fn assigned_names(d: &Datum, names: &CoreNames) -> HashSet<Symbol> {
    let mut out = HashSet::new();
    let mut stack = vec![d];
    while let Some(d) = stack.pop() {
        if let DatumKind::List(items, _) = &d.kind {
            if let (Some(h), Some(target)) =
                (items.first().and_then(Datum::as_symbol), items.get(1))
            {
                if h == names.set {
                    if let Some(t) = target.as_symbol() {
                        out.insert(t);
                    }
                }
                if h == names.quote {
                    continue;
                }
            }
            stack.extend(items.iter());
        }
    }
    out
}
