//! The expander: macros and derived forms to core forms.
//!
//! Input: datums as read. Output: datums in the core language, whose
//! special forms are spelled with reserved `#%` symbols the reader cannot
//! produce (so a user variable named `if` never confuses the resolver):
//!
//! ```text
//! core ::= symbol | constant | (#%quote datum)
//!        | (#%if core core core) | (#%begin core ...) | (#%set! symbol core)
//!        | (#%define symbol core)                      ; top level only
//!        | (#%lambda name doc formals core)            ; name/doc may be #f
//!        | (#%let ((symbol core) ...) core)
//!        | (#%letrec ((symbol core) ...) core)         ; letrec* semantics
//!        | (core core ...)                             ; application
//! ```
//!
//! Derived forms (`let*`, `cond`, `case`, `do`, `guard`, ...) are rewritten
//! into surface forms and expanded again; see `derived.rs`. Procedures that
//! derived forms call are spliced in as values (`DatumKind::Value`), so a
//! user who rebinds `memv` or `list` does not break `case` or quasiquote.

mod derived;
pub use derived::guard_no_match;
mod quasi;
pub mod syntax_rules;

use crate::syntax::{Datum, DatumKind};
use lisp_runtime::{Ctx, Exception, Span, Symbol, Value};
use parking_lot::RwLock;
use std::collections::HashMap;
use std::sync::Arc;

/// A macro: a `defmacro` transformer procedure or `syntax-rules`.
#[derive(Clone)]
pub enum Macro {
    Procedure(Value),
    Rules(Arc<syntax_rules::SyntaxRules>),
}

/// The macro table shared by all threads of an engine.
pub type MacroTable = RwLock<HashMap<Symbol, Macro>>;

/// What the expander needs from the engine.
pub trait Environment {
    fn macros(&self) -> &MacroTable;
    /// The builtin procedure named `name` (for spliced references).
    fn prim(&self, name: &str) -> Option<Value>;
    /// Compiles and runs a core form (used to build `defmacro` transformers).
    fn eval_core(&self, ctx: &mut Ctx, core: Datum) -> Result<Value, Exception>;
}

/// Expands one datum in the given environment.
pub struct Expander<'a> {
    pub(crate) ctx: &'a mut Ctx,
    pub(crate) env: &'a dyn Environment,
    /// Locally bound names, innermost last.
    scope: Vec<Symbol>,
    /// Guards against runaway macro recursion.
    depth: usize,
}

const MAX_DEPTH: usize = 2_000;

/// The reserved core-form symbol `#%name`.
pub fn core_symbol(name: &str) -> Symbol {
    Symbol::intern(&format!("#%{name}"))
}

pub(crate) fn syntax_error(message: impl Into<String>, span: Span) -> Exception {
    Exception::error_of_kind("syntax-error", message).at(span)
}

impl<'a> Expander<'a> {
    pub fn new(ctx: &'a mut Ctx, env: &'a dyn Environment) -> Expander<'a> {
        Expander {
            ctx,
            env,
            scope: Vec::new(),
            depth: 0,
        }
    }

    // ----- datum builders -----

    pub(crate) fn sym(&self, name: &str, span: Span) -> Datum {
        Datum::symbol(name, span)
    }

    pub(crate) fn core(&self, name: &str, span: Span) -> Datum {
        Datum::new(DatumKind::Symbol(core_symbol(name)), span)
    }

    /// A reference to the builtin `name` that local bindings cannot shadow.
    pub(crate) fn prim(&self, name: &str, span: Span) -> Datum {
        match self.env.prim(name) {
            Some(v) => Datum::new(DatumKind::Value(v), span),
            None => self.sym(name, span),
        }
    }

    pub(crate) fn quote(&self, d: Datum) -> Datum {
        let span = d.span;
        Datum::list(vec![self.core("quote", span), d], span)
    }

    pub(crate) fn void(&self, span: Span) -> Datum {
        Datum::new(DatumKind::Value(Value::VOID), span)
    }

    fn is_local(&self, s: Symbol) -> bool {
        self.scope.contains(&s)
    }

    /// The macro named by the head of `form`, unless the head is shadowed.
    fn macro_for(&self, form: &Datum) -> Option<(Symbol, Macro)> {
        let DatumKind::List(items, _) = &form.kind else {
            return None;
        };
        let head = items.first()?.as_symbol()?;
        if self.is_local(head) {
            return None;
        }
        let m = self.env.macros().read().get(&head).cloned()?;
        Some((head, m))
    }

    /// Applies one macro to a use.
    fn apply_macro(&mut self, name: Symbol, m: Macro, form: &Datum) -> Result<Datum, Exception> {
        match m {
            Macro::Rules(rules) => rules.expand(name, form),
            Macro::Procedure(transformer) => {
                let DatumKind::List(items, tail) = &form.kind else {
                    return Err(syntax_error("bad macro use", form.span));
                };
                if tail.is_some() {
                    return Err(syntax_error(
                        format!("{name}: improper macro call"),
                        form.span,
                    ));
                }
                let args: Vec<Value> = items[1..].iter().map(Datum::to_value).collect();
                let result = self
                    .ctx
                    .apply(&transformer, &args)
                    .map_err(|e| e.at(form.span))?;
                Ok(Datum::from_value(&result, form.span))
            }
        }
    }

    /// Expands macro uses and derived forms at the head of `form` until it
    /// is a core special form, a definition, `begin`, or an application.
    pub fn expand_head(&mut self, mut form: Datum) -> Result<Datum, Exception> {
        for _ in 0..MAX_DEPTH {
            if let Some((name, m)) = self.macro_for(&form) {
                form = self.apply_macro(name, m, &form)?;
                continue;
            }
            match self.derived(&form)? {
                Some(next) => form = next,
                None => return Ok(form),
            }
        }
        Err(syntax_error(
            "macro expansion did not terminate (2000 steps)",
            form.span,
        ))
    }

    /// The head keyword of a form, if it is an unshadowed symbol.
    pub(crate) fn keyword(&self, form: &Datum) -> Option<Symbol> {
        let DatumKind::List(items, _) = &form.kind else {
            return None;
        };
        let head = items.first()?.as_symbol()?;
        (!self.is_local(head)).then_some(head)
    }

    /// Expands a top-level form that is not a `begin` (the engine splices
    /// top-level `begin`s itself so that each form runs before the next is
    /// expanded).
    pub fn expand_toplevel(&mut self, form: Datum) -> Result<Datum, Exception> {
        let form = self.expand_head(form)?;
        match self.keyword(&form).map(|s| s.name()) {
            Some(k) if &*k == "define" => {
                let (name, value) = self.parse_define(&form)?;
                let value = self.expand_named(value, Some(name))?;
                let span = form.span;
                Ok(Datum::list(
                    vec![
                        self.core("define", span),
                        Datum::new(DatumKind::Symbol(name), span),
                        value,
                    ],
                    span,
                ))
            }
            _ => self.expand(form),
        }
    }

    /// Expands an expression.
    pub fn expand(&mut self, form: Datum) -> Result<Datum, Exception> {
        self.depth += 1;
        if self.depth > MAX_DEPTH || self.ctx.stack_exhausted() {
            self.depth -= 1;
            return Err(syntax_error("expression nested too deeply", form.span));
        }
        let result = self.expand_inner(form);
        self.depth -= 1;
        result
    }

    fn expand_inner(&mut self, form: Datum) -> Result<Datum, Exception> {
        let span = form.span;
        match &form.kind {
            DatumKind::Symbol(_) => return Ok(form),
            DatumKind::Map(items) => {
                let mut out = vec![self.prim("hash-map", span)];
                for item in items.clone() {
                    out.push(self.expand(item)?);
                }
                return Ok(Datum::list(out, span));
            }
            DatumKind::List(items, _) if items.is_empty() => {
                return Ok(self.quote(form));
            }
            DatumKind::List(..) => {}
            _ => return Ok(form),
        }
        let form = self.expand_head(form)?;
        let DatumKind::List(items, tail) = &form.kind else {
            return self.expand(form);
        };
        if tail.is_some() {
            return Err(syntax_error("improper list in expression", span));
        }
        let Some(keyword) = self.keyword(&form) else {
            return self.expand_application(items, span);
        };
        if keyword == core_symbol("quote") {
            return Ok(form); // already expanded by a derived form
        }
        match &*keyword.name() {
            "quote" => {
                check_len(items, 2, "quote", span)?;
                Ok(self.quote(items[1].clone()))
            }
            "quasiquote" => {
                check_len(items, 2, "quasiquote", span)?;
                let expanded = self.quasiquote(&items[1], 1)?;
                self.expand(expanded)
            }
            "if" => self.expand_if(items, span),
            "begin" => self.expand_begin(&items[1..], span),
            "set!" => {
                check_len(items, 3, "set!", span)?;
                let name = items[1]
                    .as_symbol()
                    .ok_or_else(|| syntax_error("set!: expected a variable name", items[1].span))?;
                let value = self.expand_named(items[2].clone(), Some(name))?;
                Ok(Datum::list(
                    vec![self.core("set!", span), items[1].clone(), value],
                    span,
                ))
            }
            "lambda" => self.expand_lambda(items, None, span),
            "let" => self.expand_let(items, span),
            "letrec" | "letrec*" => self.expand_letrec(items, span),
            "define" => Err(syntax_error(
                "define: not allowed in an expression context",
                span,
            )),
            "define-syntax" | "defmacro" | "define-macro" => {
                self.define_macro(&form)?;
                Ok(self.void(span))
            }
            "let-syntax" | "letrec-syntax" => self.expand_let_syntax(items, span),
            _ => self.expand_application(items, span),
        }
    }

    fn expand_application(&mut self, items: &[Datum], span: Span) -> Result<Datum, Exception> {
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            out.push(self.expand(item.clone())?);
        }
        Ok(Datum::list(out, span))
    }

    /// `(if test then [else])`
    fn expand_if(&mut self, items: &[Datum], span: Span) -> Result<Datum, Exception> {
        if items.len() != 3 && items.len() != 4 {
            return Err(syntax_error("if: expected (if test then [else])", span));
        }
        let test = self.expand(items[1].clone())?;
        let then = self.expand(items[2].clone())?;
        let otherwise = match items.get(3) {
            Some(e) => self.expand(e.clone())?,
            None => self.void(span),
        };
        Ok(Datum::list(
            vec![self.core("if", span), test, then, otherwise],
            span,
        ))
    }

    /// `(begin expr ...)` in expression context.
    fn expand_begin(&mut self, body: &[Datum], span: Span) -> Result<Datum, Exception> {
        if body.is_empty() {
            return Ok(self.void(span));
        }
        let mut out = vec![self.core("begin", span)];
        for form in body {
            out.push(self.expand(form.clone())?);
        }
        Ok(Datum::list(out, span))
    }

    /// Expands `value`, naming it `name` if it is a lambda.
    pub(crate) fn expand_named(
        &mut self,
        value: Datum,
        name: Option<Symbol>,
    ) -> Result<Datum, Exception> {
        let value = self.expand_head(value)?;
        if let (Some(k), DatumKind::List(items, None)) = (self.keyword(&value), &value.kind) {
            if &*k.name() == "lambda" {
                return self.expand_lambda(items, name, value.span);
            }
        }
        self.expand(value)
    }

    /// `(lambda formals [docstring] body ...)`
    fn expand_lambda(
        &mut self,
        items: &[Datum],
        name: Option<Symbol>,
        span: Span,
    ) -> Result<Datum, Exception> {
        if items.len() < 3 {
            return Err(syntax_error(
                "lambda: expected (lambda formals body ...)",
                span,
            ));
        }
        let formals = &items[1];
        let params = formal_names(formals)?;
        let mut body = &items[2..];
        let mut doc = Datum::new(DatumKind::Bool(false), span);
        if body.len() > 1 {
            if let DatumKind::Str(_) = body[0].kind {
                doc = body[0].clone();
                body = &body[1..];
            }
        }
        let mark = self.scope.len();
        self.scope.extend(params);
        let body = self.expand_body(body, span);
        self.scope.truncate(mark);
        let name = match name {
            Some(n) => Datum::new(DatumKind::Symbol(n), span),
            None => Datum::new(DatumKind::Bool(false), span),
        };
        Ok(Datum::list(
            vec![self.core("lambda", span), name, doc, formals.clone(), body?],
            span,
        ))
    }

    /// `(let ((name init) ...) body ...)` and named `let`.
    fn expand_let(&mut self, items: &[Datum], span: Span) -> Result<Datum, Exception> {
        if items.len() >= 3 && items[1].as_symbol().is_some() {
            return self.expand_named_let(items, span);
        }
        if items.len() < 3 {
            return Err(syntax_error(
                "let: expected (let ((name value) ...) body ...)",
                span,
            ));
        }
        let bindings = parse_bindings(&items[1], "let")?;
        let mut out = Vec::new();
        for (name, init, bspan) in &bindings {
            let init = self.expand_named(init.clone(), Some(*name))?;
            out.push(Datum::list(
                vec![Datum::new(DatumKind::Symbol(*name), *bspan), init],
                *bspan,
            ));
        }
        let mark = self.scope.len();
        self.scope.extend(bindings.iter().map(|b| b.0));
        let body = self.expand_body(&items[2..], span);
        self.scope.truncate(mark);
        Ok(Datum::list(
            vec![
                self.core("let", span),
                Datum::list(out, items[1].span),
                body?,
            ],
            span,
        ))
    }

    /// `(let name ((var init) ...) body ...)` is
    /// `((letrec ((name (lambda (var ...) body ...))) name) init ...)`,
    /// written so the loop's calls are self tail calls.
    fn expand_named_let(&mut self, items: &[Datum], span: Span) -> Result<Datum, Exception> {
        if items.len() < 4 {
            return Err(syntax_error(
                "let: expected (let name ((var init) ...) body ...)",
                span,
            ));
        }
        let name = items[1].clone();
        let bindings = parse_bindings(&items[2], "let")?;
        let vars: Vec<Datum> = bindings
            .iter()
            .map(|(n, _, s)| Datum::new(DatumKind::Symbol(*n), *s))
            .collect();
        let mut lambda = vec![self.sym("lambda", span), Datum::list(vars, items[2].span)];
        lambda.extend_from_slice(&items[3..]);
        let mut call = vec![name.clone()];
        call.extend(bindings.iter().map(|(_, init, _)| init.clone()));
        let letrec = Datum::list(
            vec![
                self.sym("letrec", span),
                Datum::list(
                    vec![Datum::list(vec![name, Datum::list(lambda, span)], span)],
                    span,
                ),
                Datum::list(call, span),
            ],
            span,
        );
        // Initial values are evaluated outside the loop's scope: bind them
        // first when any could see the loop name.
        self.expand(letrec)
    }

    /// `(letrec ((name init) ...) body ...)` (and `letrec*`).
    fn expand_letrec(&mut self, items: &[Datum], span: Span) -> Result<Datum, Exception> {
        if items.len() < 3 {
            return Err(syntax_error(
                "letrec: expected (letrec ((name value) ...) body ...)",
                span,
            ));
        }
        let bindings = parse_bindings(&items[1], "letrec")?;
        let mark = self.scope.len();
        self.scope.extend(bindings.iter().map(|b| b.0));
        let result = self.letrec_core(bindings, &items[2..], span);
        self.scope.truncate(mark);
        result
    }

    /// Builds `(#%letrec ...)`; the names must already be in scope.
    fn letrec_core(
        &mut self,
        bindings: Vec<(Symbol, Datum, Span)>,
        body: &[Datum],
        span: Span,
    ) -> Result<Datum, Exception> {
        let mut out = Vec::new();
        for (name, init, bspan) in bindings {
            let init = self.expand_named(init, Some(name))?;
            out.push(Datum::list(
                vec![Datum::new(DatumKind::Symbol(name), bspan), init],
                bspan,
            ));
        }
        let body = self.expand_body(body, span)?;
        Ok(Datum::list(
            vec![self.core("letrec", span), Datum::list(out, span), body],
            span,
        ))
    }

    /// A lambda or let body: internal definitions (possibly produced by
    /// macros or inside `begin`) become one `letrec*`; expressions before
    /// the last definition are kept in order as dummy bindings.
    pub(crate) fn expand_body(&mut self, forms: &[Datum], span: Span) -> Result<Datum, Exception> {
        let mut pending: std::collections::VecDeque<Datum> = forms.iter().cloned().collect();
        let mut items: Vec<(Option<Symbol>, Datum)> = Vec::new();
        while let Some(form) = pending.pop_front() {
            let form = self.expand_head(form)?;
            match self.keyword(&form).map(|k| k.name()) {
                Some(k) if &*k == "begin" => {
                    if let DatumKind::List(inner, _) = &form.kind {
                        for f in inner[1..].iter().rev() {
                            pending.push_front(f.clone());
                        }
                    }
                }
                Some(k) if &*k == "define" => {
                    let (name, value) = self.parse_define(&form)?;
                    items.push((Some(name), value));
                }
                Some(k) if matches!(&*k, "define-syntax" | "defmacro" | "define-macro") => {
                    self.define_macro(&form)?;
                }
                _ => items.push((None, form)),
            }
        }
        let last_define = items.iter().rposition(|(name, _)| name.is_some());
        let Some(last_define) = last_define else {
            let exprs: Vec<Datum> = items.into_iter().map(|(_, f)| f).collect();
            if exprs.is_empty() {
                return Err(syntax_error("empty body", span));
            }
            return self.expand_begin(&exprs, span);
        };
        let rest: Vec<Datum> = items[last_define + 1..]
            .iter()
            .map(|(_, f)| f.clone())
            .collect();
        let bindings: Vec<(Symbol, Datum, Span)> = items[..=last_define]
            .iter()
            .map(|(name, form)| {
                let name = name.unwrap_or_else(|| Symbol::gensym("%body"));
                (name, form.clone(), form.span)
            })
            .collect();
        let rest = if rest.is_empty() {
            vec![self.void(span)]
        } else {
            rest
        };
        let mark = self.scope.len();
        self.scope.extend(bindings.iter().map(|b| b.0));
        let result = self.letrec_core(bindings, &rest, span);
        self.scope.truncate(mark);
        result
    }

    /// `(define name value)`, `(define name)`, `(define (name . formals)
    /// body ...)`, and curried `(define ((name a) b) ...)`.
    pub(crate) fn parse_define(&self, form: &Datum) -> Result<(Symbol, Datum), Exception> {
        let span = form.span;
        let items = form.as_list().unwrap_or(&[]);
        let bad = || {
            syntax_error(
                "define: expected (define name value) or (define (name args ...) body ...)",
                span,
            )
        };
        let target = items.get(1).ok_or_else(bad)?;
        match &target.kind {
            DatumKind::Symbol(name) => {
                let value = match items.len() {
                    2 => self.void(span),
                    3 => items[2].clone(),
                    _ => return Err(bad()),
                };
                Ok((*name, value))
            }
            DatumKind::List(head, tail) if !head.is_empty() => {
                if items.len() < 3 {
                    return Err(bad());
                }
                let formals = Datum::new(
                    DatumKind::List(head[1..].to_vec(), tail.clone()),
                    target.span,
                );
                let mut lambda = vec![self.sym("lambda", span), formals];
                lambda.extend_from_slice(&items[2..]);
                let lambda = Datum::list(lambda, span);
                // Curried define: the head is itself a call pattern.
                let inner = &head[0];
                match inner.kind {
                    DatumKind::Symbol(name) => Ok((name, lambda)),
                    DatumKind::List(..) => {
                        let nested = Datum::list(
                            vec![self.sym("define", span), inner.clone(), lambda],
                            span,
                        );
                        self.parse_define(&nested)
                    }
                    _ => Err(bad()),
                }
            }
            _ => Err(bad()),
        }
    }

    /// `(define-syntax name (syntax-rules ...))`, `(defmacro name (params)
    /// body ...)` and `(define-macro (name . params) body ...)`.
    fn define_macro(&mut self, form: &Datum) -> Result<(), Exception> {
        let span = form.span;
        let items = form.as_list().unwrap_or(&[]);
        let keyword = items.first().and_then(Datum::as_symbol).map(|s| s.name());
        let (name, m) = match keyword.as_deref() {
            Some("define-syntax") => {
                if items.len() != 3 {
                    return Err(syntax_error(
                        "define-syntax: expected (define-syntax name (syntax-rules ...))",
                        span,
                    ));
                }
                let name = items[1]
                    .as_symbol()
                    .ok_or_else(|| syntax_error("define-syntax: expected a name", span))?;
                (name, self.transformer(&items[2], name)?)
            }
            Some("defmacro") => {
                if items.len() < 4 {
                    return Err(syntax_error(
                        "defmacro: expected (defmacro name (params ...) body ...)",
                        span,
                    ));
                }
                let name = items[1]
                    .as_symbol()
                    .ok_or_else(|| syntax_error("defmacro: expected a name", span))?;
                let mut lambda = vec![self.sym("lambda", span), items[2].clone()];
                lambda.extend_from_slice(&items[3..]);
                (name, self.procedure_macro(Datum::list(lambda, span), name)?)
            }
            _ => {
                let target = items.get(1).ok_or_else(|| {
                    syntax_error(
                        "define-macro: expected (define-macro (name . params) body ...)",
                        span,
                    )
                })?;
                let DatumKind::List(head, tail) = &target.kind else {
                    return Err(syntax_error(
                        "define-macro: expected (define-macro (name . params) body ...)",
                        span,
                    ));
                };
                let name = head
                    .first()
                    .and_then(Datum::as_symbol)
                    .ok_or_else(|| syntax_error("define-macro: expected a name", span))?;
                let formals = Datum::new(
                    DatumKind::List(head[1..].to_vec(), tail.clone()),
                    target.span,
                );
                let mut lambda = vec![self.sym("lambda", span), formals];
                lambda.extend_from_slice(&items[2..]);
                (name, self.procedure_macro(Datum::list(lambda, span), name)?)
            }
        };
        self.env.macros().write().insert(name, m);
        Ok(())
    }

    /// A `syntax-rules` (or `er-macro`-less) transformer spec.
    fn transformer(&mut self, spec: &Datum, name: Symbol) -> Result<Macro, Exception> {
        match self.keyword(spec).map(|k| k.name()).as_deref() {
            Some("syntax-rules") => Ok(Macro::Rules(Arc::new(syntax_rules::SyntaxRules::parse(
                spec,
            )?))),
            _ => Err(syntax_error(
                format!("define-syntax {name}: only syntax-rules transformers are supported"),
                spec.span,
            )),
        }
    }

    fn procedure_macro(&mut self, lambda: Datum, name: Symbol) -> Result<Macro, Exception> {
        let saved = std::mem::take(&mut self.scope);
        let core = self.expand_named(lambda, Some(name));
        self.scope = saved;
        let transformer = self.env.eval_core(self.ctx, core?)?;
        Ok(Macro::Procedure(transformer))
    }

    /// `(let-syntax ((name (syntax-rules ...)) ...) body ...)`: the macros
    /// are registered globally (a documented simplification).
    fn expand_let_syntax(&mut self, items: &[Datum], span: Span) -> Result<Datum, Exception> {
        if items.len() < 3 {
            return Err(syntax_error(
                "let-syntax: expected (let-syntax ((name transformer) ...) body ...)",
                span,
            ));
        }
        for binding in items[1].as_list().unwrap_or(&[]) {
            let pair = binding.as_list().unwrap_or(&[]);
            let name = pair.first().and_then(Datum::as_symbol).ok_or_else(|| {
                syntax_error("let-syntax: expected (name transformer)", binding.span)
            })?;
            let spec = pair.get(1).ok_or_else(|| {
                syntax_error("let-syntax: expected (name transformer)", binding.span)
            })?;
            let m = self.transformer(spec, name)?;
            self.env.macros().write().insert(name, m);
        }
        self.expand_body(&items[2..], span)
    }
}

fn check_len(items: &[Datum], n: usize, form: &str, span: Span) -> Result<(), Exception> {
    if items.len() == n {
        Ok(())
    } else {
        Err(syntax_error(
            format!(
                "{form}: expected {} operand{}, got {}",
                n - 1,
                if n == 2 { "" } else { "s" },
                items.len() - 1
            ),
            span,
        ))
    }
}

/// The variables a formals list binds: `(a b)`, `(a . rest)` or `args`.
pub(crate) fn formal_names(formals: &Datum) -> Result<Vec<Symbol>, Exception> {
    let bad = |d: &Datum| syntax_error("lambda: parameters must be symbols", d.span);
    match &formals.kind {
        DatumKind::Symbol(s) => Ok(vec![*s]),
        DatumKind::List(items, tail) => {
            let mut out = Vec::new();
            for item in items {
                out.push(item.as_symbol().ok_or_else(|| bad(item))?);
            }
            if let Some(t) = tail {
                out.push(t.as_symbol().ok_or_else(|| bad(t))?);
            }
            for (i, s) in out.iter().enumerate() {
                if out[..i].contains(s) {
                    return Err(syntax_error(
                        format!("lambda: duplicate parameter {s}"),
                        formals.span,
                    ));
                }
            }
            Ok(out)
        }
        _ => Err(bad(formals)),
    }
}

/// `((name init) ...)` of let-like forms; `(name)` binds the unspecified value.
pub(crate) fn parse_bindings(
    d: &Datum,
    form: &str,
) -> Result<Vec<(Symbol, Datum, Span)>, Exception> {
    let items = d
        .as_list()
        .ok_or_else(|| syntax_error(format!("{form}: expected a list of bindings"), d.span))?;
    let mut out = Vec::new();
    for b in items {
        let bad = || syntax_error(format!("{form}: expected a binding (name value)"), b.span);
        let pair = b.as_list().ok_or_else(bad)?;
        let name = pair.first().and_then(Datum::as_symbol).ok_or_else(bad)?;
        let init = match pair.len() {
            1 => Datum::new(DatumKind::Value(Value::VOID), b.span),
            2 => pair[1].clone(),
            _ => return Err(bad()),
        };
        out.push((name, init, b.span));
    }
    Ok(out)
}
