//! Derived forms: each is rewritten into simpler surface syntax, which the
//! expander then expands again. Each handler's doc comment starts with the
//! grammar it accepts.

use super::{formal_names, syntax_error, Expander};
use crate::syntax::{Datum, DatumKind};
use lisp_runtime::{Exception, Span, Symbol, Value};

type Expansion = Result<Option<Datum>, Exception>;

impl Expander<'_> {
    /// Rewrites `form` if it is a derived form; `None` otherwise.
    pub(crate) fn derived(&mut self, form: &Datum) -> Expansion {
        let Some(keyword) = self.keyword(form) else {
            return Ok(None);
        };
        let items = match &form.kind {
            DatumKind::List(items, None) => items.as_slice(),
            _ => return Ok(None),
        };
        let span = form.span;
        match &*keyword.name() {
            "let*" => self.let_star(items, span),
            "cond" => self.cond(&items[1..], span).map(Some),
            "case" => self.case(items, span),
            "and" => Ok(Some(self.and(&items[1..], span))),
            "or" => Ok(Some(self.or(&items[1..], span))),
            "when" | "unless" => self.when_unless(items, span, &*keyword.name() == "when"),
            "do" => self.do_loop(items, span),
            "delay" | "delay-force" | "make-lazy" => {
                need(items, 2, "delay", span)?;
                Ok(Some(self.call(
                    "%make-promise",
                    vec![self.thunk(vec![items[1].clone()], span)],
                    span,
                )))
            }
            "cons-stream" => {
                need(items, 3, "cons-stream", span)?;
                let promise = self.call(
                    "%make-promise",
                    vec![self.thunk(vec![items[2].clone()], span)],
                    span,
                );
                Ok(Some(self.call(
                    "cons",
                    vec![items[1].clone(), promise],
                    span,
                )))
            }
            "parameterize" => self.parameterize(items, span),
            "guard" => self.guard(items, span),
            "case-lambda" => self.case_lambda(items, span),
            "let-values" | "let*-values" => self.let_values(items, span),
            "define-values" => self.define_values(items, span),
            "receive" => {
                if items.len() < 4 {
                    return Err(syntax_error(
                        "receive: expected (receive formals expr body ...)",
                        span,
                    ));
                }
                let mut consumer = vec![self.sym("lambda", span), items[1].clone()];
                consumer.extend_from_slice(&items[3..]);
                Ok(Some(self.call(
                    "call-with-values",
                    vec![
                        self.thunk(vec![items[2].clone()], span),
                        Datum::list(consumer, span),
                    ],
                    span,
                )))
            }
            "define-record-type" => self.define_record_type(items, span),
            "select" => self.select(items, span),
            "define-test" => {
                if items.len() < 2 {
                    return Err(syntax_error(
                        "define-test: expected (define-test \"name\" body ...)",
                        span,
                    ));
                }
                let body = if items.len() > 2 {
                    items[2..].to_vec()
                } else {
                    vec![self.void(span)]
                };
                Ok(Some(self.call(
                    "%define-test",
                    vec![items[1].clone(), self.thunk(body, span)],
                    span,
                )))
            }
            "assert-error" => {
                need(items, 2, "assert-error", span)?;
                let text = Datum::new(
                    DatumKind::Str(lisp_runtime::printer::write_string(&items[1].to_value())),
                    span,
                );
                let thunk = self.thunk(vec![items[1].clone()], span);
                Ok(Some(self.call("%assert-error", vec![thunk, text], span)))
            }
            "assert" => {
                need(items, 2, "assert", span)?;
                let text = crate::syntax::Datum::new(
                    DatumKind::Str(lisp_runtime::printer::write_string(&items[1].to_value())),
                    span,
                );
                Ok(Some(self.call(
                    "%assert",
                    vec![items[1].clone(), text],
                    span,
                )))
            }
            _ => Ok(None),
        }
    }

    /// A call of the builtin `name` that user bindings cannot shadow.
    fn call(&self, name: &str, args: Vec<Datum>, span: Span) -> Datum {
        let mut out = vec![self.prim(name, span)];
        out.extend(args);
        Datum::list(out, span)
    }

    /// `(lambda () body ...)`
    fn thunk(&self, body: Vec<Datum>, span: Span) -> Datum {
        let mut out = vec![self.sym("lambda", span), Datum::list(vec![], span)];
        out.extend(body);
        Datum::list(out, span)
    }

    fn form(&self, head: &str, rest: Vec<Datum>, span: Span) -> Datum {
        let mut out = vec![self.sym(head, span)];
        out.extend(rest);
        Datum::list(out, span)
    }

    fn temp(&self, hint: &str, span: Span) -> Datum {
        Datum::new(DatumKind::Symbol(Symbol::gensym(&format!("%{hint}"))), span)
    }

    /// `(let* ((name init) ...) body ...)`
    fn let_star(&mut self, items: &[Datum], span: Span) -> Expansion {
        if items.len() < 3 {
            return Err(syntax_error(
                "let*: expected (let* ((name value) ...) body ...)",
                span,
            ));
        }
        let bindings = items[1]
            .as_list()
            .ok_or_else(|| syntax_error("let*: expected a list of bindings", items[1].span))?;
        if bindings.len() <= 1 {
            let mut out = vec![self.sym("let", span), items[1].clone()];
            out.extend_from_slice(&items[2..]);
            return Ok(Some(Datum::list(out, span)));
        }
        let mut inner = vec![
            self.sym("let*", span),
            Datum::list(bindings[1..].to_vec(), span),
        ];
        inner.extend_from_slice(&items[2..]);
        Ok(Some(self.form(
            "let",
            vec![
                Datum::list(vec![bindings[0].clone()], span),
                Datum::list(inner, span),
            ],
            span,
        )))
    }

    /// `(cond (test expr ...) (test => proc) (else expr ...))`
    fn cond(&mut self, clauses: &[Datum], span: Span) -> Result<Datum, Exception> {
        let Some(clause) = clauses.first() else {
            return Ok(self.void(span));
        };
        let parts = clause
            .as_list()
            .filter(|p| !p.is_empty())
            .ok_or_else(|| syntax_error("cond: expected a clause (test expr ...)", clause.span))?;
        let cspan = clause.span;
        if parts[0].is_symbol("else") {
            return Ok(self.form("begin", parts[1..].to_vec(), cspan));
        }
        let rest = self.cond(&clauses[1..], span)?;
        if parts.len() == 3 && parts[1].is_symbol("=>") {
            let t = self.temp("test", cspan);
            let call = Datum::list(vec![parts[2].clone(), t.clone()], cspan);
            return Ok(self.form(
                "let",
                vec![
                    Datum::list(
                        vec![Datum::list(vec![t.clone(), parts[0].clone()], cspan)],
                        cspan,
                    ),
                    self.form("if", vec![t, call, rest], cspan),
                ],
                cspan,
            ));
        }
        if parts.len() == 1 {
            let t = self.temp("test", cspan);
            return Ok(self.form(
                "let",
                vec![
                    Datum::list(
                        vec![Datum::list(vec![t.clone(), parts[0].clone()], cspan)],
                        cspan,
                    ),
                    self.form("if", vec![t.clone(), t, rest], cspan),
                ],
                cspan,
            ));
        }
        let body = self.form("begin", parts[1..].to_vec(), cspan);
        Ok(self.form("if", vec![parts[0].clone(), body, rest], cspan))
    }

    /// `(case key ((datum ...) expr ...) ... (else expr ...))`, with `=>`.
    fn case(&mut self, items: &[Datum], span: Span) -> Expansion {
        if items.len() < 2 {
            return Err(syntax_error("case: expected (case key clause ...)", span));
        }
        let key = self.temp("key", span);
        let mut clauses = Vec::new();
        for clause in &items[2..] {
            let parts = clause.as_list().filter(|p| p.len() >= 2).ok_or_else(|| {
                syntax_error(
                    "case: expected a clause ((datum ...) expr ...)",
                    clause.span,
                )
            })?;
            let test = if parts[0].is_symbol("else") {
                self.sym("else", clause.span)
            } else {
                let data = parts[0]
                    .as_list()
                    .ok_or_else(|| syntax_error("case: expected a list of data", parts[0].span))?;
                let quoted = self.quote(Datum::list(data.to_vec(), parts[0].span));
                self.call("memv", vec![key.clone(), quoted], clause.span)
            };
            let mut out = vec![test];
            if parts.len() == 3 && parts[1].is_symbol("=>") {
                out.push(Datum::list(
                    vec![parts[2].clone(), key.clone()],
                    clause.span,
                ));
            } else {
                out.extend_from_slice(&parts[1..]);
            }
            clauses.push(Datum::list(out, clause.span));
        }
        let cond = self.form("cond", clauses, span);
        Ok(Some(self.form(
            "let",
            vec![
                Datum::list(vec![Datum::list(vec![key, items[1].clone()], span)], span),
                cond,
            ],
            span,
        )))
    }

    /// `(and expr ...)`
    fn and(&self, exprs: &[Datum], span: Span) -> Datum {
        match exprs {
            [] => Datum::new(DatumKind::Bool(true), span),
            [only] => only.clone(),
            [first, rest @ ..] => {
                let rest = self.and(rest, span);
                self.form(
                    "if",
                    vec![
                        first.clone(),
                        rest,
                        Datum::new(DatumKind::Bool(false), span),
                    ],
                    span,
                )
            }
        }
    }

    /// `(or expr ...)`
    fn or(&self, exprs: &[Datum], span: Span) -> Datum {
        match exprs {
            [] => Datum::new(DatumKind::Bool(false), span),
            [only] => only.clone(),
            [first, rest @ ..] => {
                let t = self.temp("or", span);
                let rest = self.or(rest, span);
                self.form(
                    "let",
                    vec![
                        Datum::list(
                            vec![Datum::list(vec![t.clone(), first.clone()], span)],
                            span,
                        ),
                        self.form("if", vec![t.clone(), t, rest], span),
                    ],
                    span,
                )
            }
        }
    }

    /// `(when test expr ...)` / `(unless test expr ...)`
    fn when_unless(&self, items: &[Datum], span: Span, when: bool) -> Expansion {
        if items.len() < 3 {
            return Err(syntax_error(
                "when/unless: expected (when test expr ...)",
                span,
            ));
        }
        let body = self.form("begin", items[2..].to_vec(), span);
        let (then, otherwise) = if when {
            (body, self.void(span))
        } else {
            (self.void(span), body)
        };
        Ok(Some(self.form(
            "if",
            vec![items[1].clone(), then, otherwise],
            span,
        )))
    }

    /// `(do ((var init [step]) ...) (test result ...) body ...)`
    fn do_loop(&self, items: &[Datum], span: Span) -> Expansion {
        if items.len() < 3 {
            return Err(syntax_error(
                "do: expected (do ((var init step) ...) (test result ...) body ...)",
                span,
            ));
        }
        let specs = items[1]
            .as_list()
            .ok_or_else(|| syntax_error("do: expected a list of (var init step)", items[1].span))?;
        let mut bindings = Vec::new();
        let mut steps = Vec::new();
        for spec in specs {
            let parts = spec
                .as_list()
                .filter(|p| (2..=3).contains(&p.len()) && p[0].as_symbol().is_some())
                .ok_or_else(|| syntax_error("do: expected (var init [step])", spec.span))?;
            bindings.push(Datum::list(
                vec![parts[0].clone(), parts[1].clone()],
                spec.span,
            ));
            steps.push(parts.get(2).unwrap_or(&parts[0]).clone());
        }
        let exit = items[2]
            .as_list()
            .filter(|p| !p.is_empty())
            .ok_or_else(|| syntax_error("do: expected (test result ...)", items[2].span))?;
        let loop_name = self.temp("do-loop", span);
        let result = if exit.len() > 1 {
            self.form("begin", exit[1..].to_vec(), span)
        } else {
            self.void(span)
        };
        let mut again = vec![loop_name.clone()];
        again.extend(steps);
        let mut body = items[3..].to_vec();
        body.push(Datum::list(again, span));
        let body = self.form("begin", body, span);
        Ok(Some(self.form(
            "let",
            vec![
                loop_name,
                Datum::list(bindings, items[1].span),
                self.form("if", vec![exit[0].clone(), result, body], span),
            ],
            span,
        )))
    }

    /// `(parameterize ((param value) ...) body ...)`
    fn parameterize(&self, items: &[Datum], span: Span) -> Expansion {
        if items.len() < 3 {
            return Err(syntax_error(
                "parameterize: expected (parameterize ((param value) ...) body ...)",
                span,
            ));
        }
        let bindings = items[1].as_list().ok_or_else(|| {
            syntax_error("parameterize: expected a list of bindings", items[1].span)
        })?;
        let mut params = vec![self.prim("list", span)];
        let mut values = vec![self.prim("list", span)];
        for b in bindings {
            let pair = b
                .as_list()
                .filter(|p| p.len() == 2)
                .ok_or_else(|| syntax_error("parameterize: expected (param value)", b.span))?;
            params.push(pair[0].clone());
            values.push(pair[1].clone());
        }
        Ok(Some(self.call(
            "%parameterize",
            vec![
                Datum::list(params, span),
                Datum::list(values, span),
                self.thunk(items[2..].to_vec(), span),
            ],
            span,
        )))
    }

    /// `(guard (var clause ...) body ...)`: the clauses are `cond` clauses;
    /// when none matches, the original exception is raised again.
    fn guard(&self, items: &[Datum], span: Span) -> Expansion {
        if items.len() < 3 {
            return Err(syntax_error(
                "guard: expected (guard (var clause ...) body ...)",
                span,
            ));
        }
        let spec = items[1]
            .as_list()
            .filter(|s| !s.is_empty() && s[0].as_symbol().is_some())
            .ok_or_else(|| syntax_error("guard: expected (var clause ...)", items[1].span))?;
        let mut clauses = spec[1..].to_vec();
        let has_else = clauses
            .last()
            .and_then(Datum::as_list)
            .is_some_and(|c| c.first().is_some_and(|h| h.is_symbol("else")));
        if !has_else {
            let no_match = Datum::new(DatumKind::Value(guard_no_match()), span);
            clauses.push(Datum::list(vec![self.sym("else", span), no_match], span));
        }
        let handler = self.form(
            "lambda",
            vec![
                Datum::list(vec![spec[0].clone()], span),
                self.form("cond", clauses, span),
            ],
            span,
        );
        Ok(Some(self.call(
            "%guard",
            vec![self.thunk(items[2..].to_vec(), span), handler],
            span,
        )))
    }

    /// `(case-lambda (formals body ...) ...)`
    fn case_lambda(&self, items: &[Datum], span: Span) -> Expansion {
        let args = self.temp("args", span);
        let n = self.temp("n", span);
        let mut bindings = Vec::new();
        let mut clauses = Vec::new();
        for clause in &items[1..] {
            let parts = clause.as_list().filter(|p| p.len() >= 2).ok_or_else(|| {
                syntax_error("case-lambda: expected (formals body ...)", clause.span)
            })?;
            let f = self.temp("clause", clause.span);
            let mut lambda = vec![self.sym("lambda", clause.span)];
            lambda.extend_from_slice(parts);
            bindings.push(Datum::list(
                vec![f.clone(), Datum::list(lambda, clause.span)],
                clause.span,
            ));
            let (required, rest) = match &parts[0].kind {
                DatumKind::Symbol(_) => (0, true),
                DatumKind::List(xs, tail) => (xs.len() as i64, tail.is_some()),
                _ => return Err(syntax_error("case-lambda: bad formals", parts[0].span)),
            };
            let count = Datum::new(DatumKind::Int(required), clause.span);
            let test = self.call(
                if rest { ">=" } else { "=" },
                vec![n.clone(), count],
                clause.span,
            );
            let apply = self.call("apply", vec![f, args.clone()], clause.span);
            clauses.push(Datum::list(vec![test, apply], clause.span));
        }
        let message = Datum::new(
            DatumKind::Str("case-lambda: no clause matches the arguments".into()),
            span,
        );
        clauses.push(Datum::list(
            vec![
                self.sym("else", span),
                self.call("error", vec![message, args.clone()], span),
            ],
            span,
        ));
        let dispatch = self.form(
            "lambda",
            vec![
                args.clone(),
                self.form(
                    "let",
                    vec![
                        Datum::list(
                            vec![Datum::list(
                                vec![n, self.call("length", vec![args], span)],
                                span,
                            )],
                            span,
                        ),
                        self.form("cond", clauses, span),
                    ],
                    span,
                ),
            ],
            span,
        );
        Ok(Some(self.form(
            "let",
            vec![Datum::list(bindings, span), dispatch],
            span,
        )))
    }

    /// `(let-values (((formals) expr) ...) body ...)` and `let*-values`
    /// (bound one after another in both cases).
    fn let_values(&self, items: &[Datum], span: Span) -> Expansion {
        if items.len() < 3 {
            return Err(syntax_error(
                "let-values: expected (let-values ((formals expr) ...) body ...)",
                span,
            ));
        }
        let bindings = items[1].as_list().ok_or_else(|| {
            syntax_error("let-values: expected a list of bindings", items[1].span)
        })?;
        let mut body = self.form(
            "let",
            vec![Datum::list(vec![], span)]
                .into_iter()
                .chain(items[2..].iter().cloned())
                .collect(),
            span,
        );
        for b in bindings.iter().rev() {
            let pair = b
                .as_list()
                .filter(|p| p.len() == 2)
                .ok_or_else(|| syntax_error("let-values: expected (formals expr)", b.span))?;
            formal_names(&pair[0])?;
            let consumer = self.form("lambda", vec![pair[0].clone(), body], b.span);
            body = self.call(
                "call-with-values",
                vec![self.thunk(vec![pair[1].clone()], b.span), consumer],
                b.span,
            );
        }
        Ok(Some(body))
    }

    /// `(define-values formals expr)`
    fn define_values(&self, items: &[Datum], span: Span) -> Expansion {
        if items.len() != 3 {
            return Err(syntax_error(
                "define-values: expected (define-values formals expr)",
                span,
            ));
        }
        let names = formal_names(&items[1])?;
        let temps: Vec<Datum> = names.iter().map(|n| self.temp(&n.name(), span)).collect();
        let temp_formals = match &items[1].kind {
            DatumKind::Symbol(_) => temps[0].clone(),
            DatumKind::List(xs, Some(_)) => Datum::new(
                DatumKind::List(
                    temps[..xs.len()].to_vec(),
                    Some(Box::new(temps[xs.len()].clone())),
                ),
                span,
            ),
            _ => Datum::list(temps.clone(), span),
        };
        let mut out = vec![self.sym("begin", span)];
        for n in &names {
            out.push(self.form(
                "define",
                vec![Datum::new(DatumKind::Symbol(*n), span), self.void(span)],
                span,
            ));
        }
        let sets: Vec<Datum> = names
            .iter()
            .zip(&temps)
            .map(|(n, t)| {
                self.form(
                    "set!",
                    vec![Datum::new(DatumKind::Symbol(*n), span), t.clone()],
                    span,
                )
            })
            .collect();
        let mut consumer = vec![self.sym("lambda", span), temp_formals];
        consumer.extend(sets);
        consumer.push(self.void(span));
        out.push(self.call(
            "call-with-values",
            vec![
                self.thunk(vec![items[2].clone()], span),
                Datum::list(consumer, span),
            ],
            span,
        ));
        Ok(Some(Datum::list(out, span)))
    }

    /// `(define-record-type name (constructor field ...) predicate
    /// (field accessor [modifier]) ...)`
    fn define_record_type(&self, items: &[Datum], span: Span) -> Expansion {
        if items.len() < 4 {
            return Err(syntax_error("define-record-type: expected (define-record-type name (constructor field ...) predicate (field accessor [modifier]) ...)", span));
        }
        let type_name = match &items[1].kind {
            DatumKind::Symbol(s) => *s,
            DatumKind::List(xs, _) if !xs.is_empty() && xs[0].as_symbol().is_some() => {
                xs[0].as_symbol().unwrap_or(Symbol::intern("record"))
            }
            _ => {
                return Err(syntax_error(
                    "define-record-type: expected a type name",
                    items[1].span,
                ))
            }
        };
        let type_var = Datum::new(DatumKind::Symbol(type_name), span);
        let specs = &items[4..];
        let mut fields = Vec::new();
        for spec in specs {
            let parts = spec
                .as_list()
                .filter(|p| !p.is_empty() && p.iter().all(|x| x.as_symbol().is_some()))
                .ok_or_else(|| {
                    syntax_error(
                        "define-record-type: expected (field accessor [modifier])",
                        spec.span,
                    )
                })?;
            fields.push(parts[0].clone());
        }
        let field_index = |name: &Datum| {
            fields
                .iter()
                .position(|f| f.as_symbol() == name.as_symbol())
        };
        let quoted = |name: Symbol| self.quote(Datum::new(DatumKind::Symbol(name), span));
        let mut out = vec![self.sym("begin", span)];
        out.push(self.form(
            "define",
            vec![
                type_var.clone(),
                self.call(
                    "%make-record-type",
                    vec![
                        quoted(type_name),
                        self.quote(Datum::list(fields.clone(), span)),
                    ],
                    span,
                ),
            ],
            span,
        ));
        // Constructor: (define (make-point x y) (%make-record point <fields in order>)).
        match &items[2].kind {
            DatumKind::List(ctor, None) if !ctor.is_empty() => {
                let mut args = Vec::new();
                for f in &fields {
                    let given = ctor[1..].iter().any(|c| c.as_symbol() == f.as_symbol());
                    args.push(if given {
                        f.clone()
                    } else {
                        Datum::new(DatumKind::Bool(false), span)
                    });
                }
                for c in &ctor[1..] {
                    if field_index(c).is_none() {
                        return Err(syntax_error(
                            format!(
                                "define-record-type: constructor field {} is not a field",
                                c.to_value()
                                    .as_symbol()
                                    .map(|s| s.name().to_string())
                                    .unwrap_or_default()
                            ),
                            c.span,
                        ));
                    }
                }
                let mut call_args = vec![type_var.clone()];
                call_args.extend(args);
                let mut sig = vec![ctor[0].clone()];
                sig.extend_from_slice(&ctor[1..]);
                out.push(self.form(
                    "define",
                    vec![
                        Datum::list(sig, span),
                        self.call("%make-record", call_args, span),
                    ],
                    span,
                ));
            }
            DatumKind::Symbol(_) => {
                let mut sig = vec![items[2].clone()];
                sig.extend(fields.iter().cloned());
                let mut call_args = vec![type_var.clone()];
                call_args.extend(fields.iter().cloned());
                out.push(self.form(
                    "define",
                    vec![
                        Datum::list(sig, span),
                        self.call("%make-record", call_args, span),
                    ],
                    span,
                ));
            }
            _ => {}
        }
        Ok(Some(self.record_procs(out, items, type_var, span)))
    }

    /// The predicate, accessors and modifiers of a record type; `items` is
    /// the whole `(define-record-type name ctor pred field-spec ...)`.
    fn record_procs(
        &self,
        mut out: Vec<Datum>,
        items: &[Datum],
        type_var: Datum,
        span: Span,
    ) -> Datum {
        let obj = self.temp("obj", span);
        let val = self.temp("val", span);
        let pred = &items[3];
        let field_specs = &items[4..];
        if pred.as_symbol().is_some() {
            out.push(self.form(
                "define",
                vec![
                    Datum::list(vec![pred.clone(), obj.clone()], span),
                    self.call("%record?", vec![obj.clone(), type_var.clone()], span),
                ],
                span,
            ));
        }
        for (i, spec) in field_specs.iter().enumerate() {
            let parts = spec.as_list().unwrap_or(&[]);
            let int = Datum::new(DatumKind::Int(i as i64), span);
            if let Some(acc) = parts.get(1) {
                let name = Datum::new(
                    DatumKind::Str(
                        acc.as_symbol()
                            .map(|s| s.name().to_string())
                            .unwrap_or_default(),
                    ),
                    span,
                );
                out.push(self.form(
                    "define",
                    vec![
                        Datum::list(vec![acc.clone(), obj.clone()], span),
                        self.call(
                            "%record-ref",
                            vec![obj.clone(), type_var.clone(), int.clone(), name],
                            span,
                        ),
                    ],
                    span,
                ));
            }
            if let Some(modifier) = parts.get(2) {
                let name = Datum::new(
                    DatumKind::Str(
                        modifier
                            .as_symbol()
                            .map(|s| s.name().to_string())
                            .unwrap_or_default(),
                    ),
                    span,
                );
                out.push(self.form(
                    "define",
                    vec![
                        Datum::list(vec![modifier.clone(), obj.clone(), val.clone()], span),
                        self.call(
                            "%record-set!",
                            vec![obj.clone(), type_var.clone(), int, val.clone(), name],
                            span,
                        ),
                    ],
                    span,
                ));
            }
        }
        Datum::list(out, span)
    }

    /// `(select (channel var => body ...) ... (timeout ms body ...))`
    fn select(&self, items: &[Datum], span: Span) -> Expansion {
        let mut branches = vec![self.prim("list", span)];
        let mut timeout_ms = Datum::new(DatumKind::Bool(false), span);
        let mut timeout_body = self.thunk(vec![self.void(span)], span);
        for clause in &items[1..] {
            let parts = clause.as_list().ok_or_else(|| {
                syntax_error(
                    "select: expected (channel var => body ...) or (timeout ms body ...)",
                    clause.span,
                )
            })?;
            if parts.len() >= 2 && parts[0].is_symbol("timeout") {
                timeout_ms = parts[1].clone();
                let body = if parts.len() > 2 {
                    parts[2..].to_vec()
                } else {
                    vec![self.void(span)]
                };
                timeout_body = self.thunk(body, clause.span);
                continue;
            }
            if parts.len() < 4 || !parts[2].is_symbol("=>") || parts[1].as_symbol().is_none() {
                return Err(syntax_error(
                    "select: expected (channel var => body ...)",
                    clause.span,
                ));
            }
            let mut lambda = vec![
                self.sym("lambda", clause.span),
                Datum::list(vec![parts[1].clone()], clause.span),
            ];
            lambda.extend_from_slice(&parts[3..]);
            branches.push(self.call(
                "cons",
                vec![parts[0].clone(), Datum::list(lambda, clause.span)],
                clause.span,
            ));
        }
        // %select returns (procedure . arguments) rather than calling the
        // branch itself, so that the branch runs as a proper tail call of
        // `apply`: a loop through select then runs in constant stack.
        let chosen = self.temp("select", span);
        let select = self.call(
            "%select",
            vec![Datum::list(branches, span), timeout_ms, timeout_body],
            span,
        );
        let run = self.call(
            "apply",
            vec![
                self.call("car", vec![chosen.clone()], span),
                self.call("cdr", vec![chosen.clone()], span),
            ],
            span,
        );
        let bindings = Datum::list(vec![Datum::list(vec![chosen, select], span)], span);
        Ok(Some(self.form("let", vec![bindings, run], span)))
    }
}

fn need(items: &[Datum], n: usize, form: &str, span: Span) -> Result<(), Exception> {
    if items.len() == n {
        Ok(())
    } else {
        Err(syntax_error(
            format!(
                "{form}: expected {} operand(s), got {}",
                n - 1,
                items.len() - 1
            ),
            span,
        ))
    }
}

/// The value a `guard` handler returns when no clause matched: `%guard`
/// then re-raises the original exception.
pub fn guard_no_match() -> Value {
    static MARKER: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    MARKER
        .get_or_init(|| lisp_runtime::list::string("#<guard-no-match>"))
        .clone()
}
