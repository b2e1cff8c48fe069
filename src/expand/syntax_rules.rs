//! `syntax-rules`: pattern matching and template instantiation
//! (R7RS 4.3.2): literals, `_`, ellipses at any depth (with patterns after
//! the ellipsis), dotted and vector patterns, custom ellipsis, `(... ...)`.
//!
//! Hygiene, approximated: identifiers the *template* introduces in a
//! binding position of the expansion (lambda parameters, `let`-family and
//! `do` variables, named-`let` names) are renamed to fresh symbols, so a
//! macro's temporaries cannot capture the user's variables (`swap!`'s
//! `tmp`, `my-or`'s `t`). Free identifiers of the template (`if`,
//! `display`, helper procedures) keep their names and refer to whatever is
//! bound where the macro is used.

use super::syntax_error;
use crate::syntax::{Datum, DatumKind};
use lisp_runtime::{Exception, Span, Symbol};
use std::collections::{HashMap, HashSet};

/// A parsed `syntax-rules` transformer.
pub struct SyntaxRules {
    ellipsis: Symbol,
    literals: Vec<Symbol>,
    rules: Vec<(Datum, Datum)>,
}

/// What a pattern variable matched.
#[derive(Clone, Debug)]
enum Binding {
    One(Datum),
    Many(Vec<Binding>),
}

type Bindings = HashMap<Symbol, Binding>;

impl SyntaxRules {
    /// Parses `(syntax-rules (literal ...) (pattern template) ...)` or
    /// `(syntax-rules ellipsis (literal ...) (pattern template) ...)`.
    pub fn parse(spec: &Datum) -> Result<SyntaxRules, Exception> {
        let items = spec.as_list().ok_or_else(|| {
            syntax_error(
                "syntax-rules: expected (syntax-rules (literal ...) rule ...)",
                spec.span,
            )
        })?;
        let mut rest = &items[1..];
        let mut ellipsis = Symbol::intern("...");
        if let Some(custom) = rest.first().and_then(Datum::as_symbol) {
            ellipsis = custom;
            rest = &rest[1..];
        }
        let literals = rest
            .first()
            .and_then(Datum::as_list)
            .ok_or_else(|| syntax_error("syntax-rules: expected a list of literals", spec.span))?
            .iter()
            .map(|l| {
                l.as_symbol()
                    .ok_or_else(|| syntax_error("syntax-rules: literals must be symbols", l.span))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut rules = Vec::new();
        for rule in &rest[1..] {
            match rule.as_list() {
                Some([pattern, template]) => rules.push((pattern.clone(), template.clone())),
                _ => {
                    return Err(syntax_error(
                        "syntax-rules: expected a rule (pattern template)",
                        rule.span,
                    ))
                }
            }
        }
        Ok(SyntaxRules {
            ellipsis,
            literals,
            rules,
        })
    }

    /// Expands the macro use `form` with the first matching rule.
    pub fn expand(&self, name: Symbol, form: &Datum) -> Result<Datum, Exception> {
        for (pattern, template) in &self.rules {
            let mut b = Bindings::new();
            // The keyword position is ignored.
            let (DatumKind::List(p, pt), DatumKind::List(f, ft)) = (&pattern.kind, &form.kind)
            else {
                continue;
            };
            if p.is_empty() || f.is_empty() {
                continue;
            }
            let p_rest = Datum::new(DatumKind::List(p[1..].to_vec(), pt.clone()), pattern.span);
            let f_rest = Datum::new(DatumKind::List(f[1..].to_vec(), ft.clone()), form.span);
            if self.matches(&p_rest, &f_rest, &mut b) {
                let mut renamer = Renamer::default();
                let out = self.instantiate(template, &b, form.span, &mut renamer)?;
                return Ok(renamer.finish(out));
            }
        }
        Err(syntax_error(
            format!(
                "no syntax-rules pattern of '{name}' matches {}",
                lisp_runtime::printer::write_string_truncated(&form.to_value(), 80)
            ),
            form.span,
        ))
    }

    fn is_ellipsis(&self, d: &Datum) -> bool {
        d.as_symbol() == Some(self.ellipsis)
    }

    fn matches(&self, pattern: &Datum, form: &Datum, b: &mut Bindings) -> bool {
        match &pattern.kind {
            DatumKind::Symbol(s) => {
                if &*s.name() == "_" {
                    return true;
                }
                if self.literals.contains(s) {
                    return form.as_symbol() == Some(*s);
                }
                b.insert(*s, Binding::One(form.clone()));
                true
            }
            DatumKind::List(ps, ptail) => {
                let (fs, ftail): (&[Datum], Option<&Datum>) = match &form.kind {
                    DatumKind::List(fs, ft) => (fs, ft.as_deref()),
                    _ => return false,
                };
                self.match_sequence(ps, ptail.as_deref(), fs, ftail, form.span, b)
            }
            DatumKind::Vector(ps) => match &form.kind {
                DatumKind::Vector(fs) => self.match_sequence(ps, None, fs, None, form.span, b),
                _ => false,
            },
            _ => lisp_runtime::equality::equal(&pattern.to_value(), &form.to_value()),
        }
    }

    /// Matches a list (or vector) pattern with at most one ellipsis.
    fn match_sequence(
        &self,
        ps: &[Datum],
        ptail: Option<&Datum>,
        fs: &[Datum],
        ftail: Option<&Datum>,
        span: Span,
        b: &mut Bindings,
    ) -> bool {
        let ellipsis_at = ps.iter().position(|p| self.is_ellipsis(p));
        match ellipsis_at {
            None => {
                if ptail.is_none() && (fs.len() != ps.len() || ftail.is_some()) {
                    return false;
                }
                if fs.len() < ps.len() {
                    return false;
                }
                for (p, f) in ps.iter().zip(fs) {
                    if !self.matches(p, f, b) {
                        return false;
                    }
                }
                match ptail {
                    None => true,
                    Some(t) => {
                        let rest = Datum::new(
                            DatumKind::List(fs[ps.len()..].to_vec(), ftail.cloned().map(Box::new)),
                            span,
                        );
                        let rest = if fs.len() == ps.len() {
                            ftail
                                .cloned()
                                .unwrap_or_else(|| Datum::new(DatumKind::List(vec![], None), span))
                        } else {
                            rest
                        };
                        self.matches(t, &rest, b)
                    }
                }
            }
            Some(i) if i >= 1 => {
                let before = &ps[..i - 1];
                let repeated = &ps[i - 1];
                let after = &ps[i + 1..];
                if fs.len() < before.len() + after.len() || (ptail.is_none() && ftail.is_some()) {
                    return false;
                }
                for (p, f) in before.iter().zip(fs) {
                    if !self.matches(p, f, b) {
                        return false;
                    }
                }
                let n = fs.len() - before.len() - after.len();
                let mut reps = Vec::with_capacity(n);
                for f in &fs[before.len()..before.len() + n] {
                    let mut inner = Bindings::new();
                    if !self.matches(repeated, f, &mut inner) {
                        return false;
                    }
                    reps.push(inner);
                }
                for var in self.pattern_vars(repeated) {
                    let seq = reps
                        .iter()
                        .map(|r| r.get(&var).cloned().unwrap_or(Binding::Many(vec![])))
                        .collect();
                    b.insert(var, Binding::Many(seq));
                }
                for (p, f) in after.iter().zip(&fs[before.len() + n..]) {
                    if !self.matches(p, f, b) {
                        return false;
                    }
                }
                match ptail {
                    None => true,
                    Some(t) => {
                        let rest = ftail
                            .cloned()
                            .unwrap_or_else(|| Datum::new(DatumKind::List(vec![], None), span));
                        self.matches(t, &rest, b)
                    }
                }
            }
            Some(_) => false,
        }
    }

    /// The pattern variables of a pattern.
    fn pattern_vars(&self, p: &Datum) -> Vec<Symbol> {
        let mut out = Vec::new();
        self.collect_vars(p, &mut out);
        out
    }

    fn collect_vars(&self, p: &Datum, out: &mut Vec<Symbol>) {
        match &p.kind {
            DatumKind::Symbol(s)
                if !self.literals.contains(s) && *s != self.ellipsis && &*s.name() != "_" =>
            {
                out.push(*s)
            }
            DatumKind::List(items, tail) => {
                for i in items {
                    self.collect_vars(i, out);
                }
                if let Some(t) = tail {
                    self.collect_vars(t, out);
                }
            }
            DatumKind::Vector(items) => {
                for i in items {
                    self.collect_vars(i, out);
                }
            }
            _ => {}
        }
    }

    fn instantiate(
        &self,
        t: &Datum,
        b: &Bindings,
        span: Span,
        r: &mut Renamer,
    ) -> Result<Datum, Exception> {
        match &t.kind {
            DatumKind::Symbol(s) => match b.get(s) {
                Some(Binding::One(d)) => Ok(d.clone()),
                Some(Binding::Many(_)) => Err(syntax_error(
                    format!("syntax-rules: pattern variable {s} used without an ellipsis"),
                    t.span,
                )),
                None => Ok(Datum::new(DatumKind::Symbol(r.alias(*s)), span)),
            },
            DatumKind::List(items, tail) => {
                // (... ...) escapes the ellipsis.
                if items.len() == 2 && self.is_ellipsis(&items[0]) && tail.is_none() {
                    return self.instantiate_escaped(&items[1], b, span, r);
                }
                let out = self.instantiate_items(items, b, span, r)?;
                let tail = match tail {
                    Some(t) => Some(Box::new(self.instantiate(t, b, span, r)?)),
                    None => None,
                };
                Ok(Datum::new(DatumKind::List(out, tail), span))
            }
            DatumKind::Vector(items) => Ok(Datum::new(
                DatumKind::Vector(self.instantiate_items(items, b, span, r)?),
                span,
            )),
            _ => Ok(Datum::new(t.kind.clone(), span)),
        }
    }

    fn instantiate_escaped(
        &self,
        t: &Datum,
        b: &Bindings,
        span: Span,
        r: &mut Renamer,
    ) -> Result<Datum, Exception> {
        let plain = SyntaxRules {
            ellipsis: Symbol::gensym("%no-ellipsis"),
            literals: self.literals.clone(),
            rules: vec![],
        };
        plain.instantiate(t, b, span, r)
    }

    fn instantiate_items(
        &self,
        items: &[Datum],
        b: &Bindings,
        span: Span,
        r: &mut Renamer,
    ) -> Result<Vec<Datum>, Exception> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < items.len() {
            let element = &items[i];
            let mut depth = 0;
            while items
                .get(i + 1 + depth)
                .is_some_and(|d| self.is_ellipsis(d))
            {
                depth += 1;
            }
            if depth == 0 {
                out.push(self.instantiate(element, b, span, r)?);
            } else {
                let mut results = vec![];
                self.repeat(element, b, depth, span, r, &mut results)?;
                out.extend(results);
            }
            i += 1 + depth;
        }
        Ok(out)
    }

    /// Instantiates `element` once per iteration of the ellipsis variables
    /// it contains, `depth` levels deep (flattening `x ... ...`).
    fn repeat(
        &self,
        element: &Datum,
        b: &Bindings,
        depth: usize,
        span: Span,
        r: &mut Renamer,
        out: &mut Vec<Datum>,
    ) -> Result<(), Exception> {
        let vars: Vec<Symbol> = self
            .pattern_vars(element)
            .into_iter()
            .filter(|v| matches!(b.get(v), Some(Binding::Many(_))))
            .collect();
        if vars.is_empty() {
            return Err(syntax_error(
                "syntax-rules: ellipsis after a template with no repeated pattern variable",
                element.span,
            ));
        }
        let len = vars
            .iter()
            .filter_map(|v| match b.get(v) {
                Some(Binding::Many(items)) => Some(items.len()),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        for k in 0..len {
            let mut inner = b.clone();
            for v in &vars {
                if let Some(Binding::Many(items)) = b.get(v) {
                    match items.get(k) {
                        Some(item) => {
                            inner.insert(*v, item.clone());
                        }
                        None => {
                            return Err(syntax_error(
                                "syntax-rules: ellipsis variables of different lengths",
                                element.span,
                            ))
                        }
                    }
                }
            }
            if depth > 1 {
                self.repeat(element, &inner, depth - 1, span, r, out)?;
            } else {
                out.push(self.instantiate(element, &inner, span, r)?);
            }
        }
        Ok(())
    }
}

/// Tracks the symbols a template introduced, to rename those it binds.
#[derive(Default)]
struct Renamer {
    aliases: HashMap<Symbol, Symbol>,
    originals: HashMap<Symbol, Symbol>,
}

impl Renamer {
    fn alias(&mut self, s: Symbol) -> Symbol {
        if let Some(a) = self.aliases.get(&s) {
            return *a;
        }
        let a = Symbol::gensym(&format!("{}%", s.name()));
        self.aliases.insert(s, a);
        self.originals.insert(a, s);
        a
    }

    /// Keeps the fresh name of every alias in a binding position and puts
    /// the original name back everywhere else.
    fn finish(self, d: Datum) -> Datum {
        let mut binders = HashSet::new();
        self.find_binders(&d, &mut binders);
        self.restore(d, &binders)
    }

    fn original(&self, s: Symbol) -> Symbol {
        self.originals.get(&s).copied().unwrap_or(s)
    }

    fn find_binders(&self, d: &Datum, out: &mut HashSet<Symbol>) {
        let DatumKind::List(items, tail) = &d.kind else {
            if let DatumKind::Vector(items) = &d.kind {
                items.iter().for_each(|i| self.find_binders(i, out));
            }
            return;
        };
        if let Some(head) = items.first().and_then(Datum::as_symbol) {
            let mut add = |x: &Datum| {
                if let Some(s) = x.as_symbol() {
                    if self.originals.contains_key(&s) {
                        out.insert(s);
                    }
                }
            };
            match &*self.original(head).name() {
                "lambda" => {
                    if let Some(formals) = items.get(1) {
                        match &formals.kind {
                            DatumKind::List(fs, ft) => {
                                fs.iter().for_each(&mut add);
                                if let Some(t) = ft {
                                    add(t);
                                }
                            }
                            _ => add(formals),
                        }
                    }
                }
                "let" | "let*" | "letrec" | "letrec*" | "do" => {
                    let mut bindings = items.get(1);
                    if let Some(name) = bindings.filter(|b| b.as_symbol().is_some()) {
                        add(name);
                        bindings = items.get(2);
                    }
                    for b in bindings.and_then(Datum::as_list).unwrap_or(&[]) {
                        if let Some(first) = b.as_list().and_then(|p| p.first()) {
                            add(first);
                        }
                    }
                }
                _ => {}
            }
        }
        for i in items {
            self.find_binders(i, out);
        }
        if let Some(t) = tail {
            self.find_binders(t, out);
        }
    }

    fn restore(&self, d: Datum, binders: &HashSet<Symbol>) -> Datum {
        let span = d.span;
        let kind = match d.kind {
            DatumKind::Symbol(s) if self.originals.contains_key(&s) && !binders.contains(&s) => {
                DatumKind::Symbol(self.original(s))
            }
            DatumKind::List(items, tail) => DatumKind::List(
                items
                    .into_iter()
                    .map(|i| self.restore(i, binders))
                    .collect(),
                tail.map(|t| Box::new(self.restore(*t, binders))),
            ),
            DatumKind::Vector(items) => DatumKind::Vector(
                items
                    .into_iter()
                    .map(|i| self.restore(i, binders))
                    .collect(),
            ),
            other => other,
        };
        Datum::new(kind, span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(text: &str) -> SyntaxRules {
        SyntaxRules::parse(&crate::reader::read_all(text, 0).unwrap()[0]).unwrap()
    }

    fn expand(r: &SyntaxRules, text: &str) -> String {
        let form = &crate::reader::read_all(text, 0).unwrap()[0];
        lisp_runtime::printer::write_string(
            &r.expand(Symbol::intern("m"), form).unwrap().to_value(),
        )
    }

    #[test]
    fn ellipses_literals_and_tails() {
        let r = rules("(syntax-rules (=>) ((_ a => b ...) (list a b ...)) ((_ (x y) ...) (quote ((y x) ...))))");
        assert_eq!(expand(&r, "(m 1 => 2 3)"), "(list 1 2 3)");
        assert_eq!(expand(&r, "(m (1 2) (3 4))"), "'((2 1) (4 3))");
        let r = rules("(syntax-rules () ((_ a ... z) (quote (z a ...))))");
        assert_eq!(expand(&r, "(m 1 2 3)"), "'(3 1 2)");
        let r = rules("(syntax-rules () ((_ a . rest) (quote rest)))");
        assert_eq!(expand(&r, "(m 1 2 3)"), "'(2 3)");
        let r = rules("(syntax-rules () ((_ (a b ...) ...) (quote (a ... b ... ...))))");
        assert_eq!(expand(&r, "(m (1 2 3) (4 5))"), "'(1 4 2 3 5)");
    }

    #[test]
    fn no_match_is_an_error_naming_the_macro() {
        let r = rules("(syntax-rules () ((_ a) a))");
        let form = &crate::reader::read_all("(m 1 2)", 0).unwrap()[0];
        let e = r.expand(Symbol::intern("m"), form).unwrap_err();
        assert!(e.message().contains("no syntax-rules pattern of 'm'"));
    }

    #[test]
    fn template_binders_are_renamed_free_names_are_not() {
        let r = rules("(syntax-rules () ((_ a b) (let ((tmp a)) (set! a b) (set! b tmp))))");
        let out = expand(&r, "(m tmp x)");
        assert!(out.starts_with("(let ((tmp%"), "{out}");
        assert!(out.contains("(set! tmp x)"), "{out}");
    }
}
