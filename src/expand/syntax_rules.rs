//! `syntax-rules` (R7RS 4.3.2): pattern matching and template
//! instantiation.
//!
//! Input: a `(syntax-rules [ellipsis] (literal ...) (pattern template) ...)`
//! spec, compiled once by [`SyntaxRules::parse`] (so malformed patterns are
//! reported where the macro is defined), then each macro use (the whole
//! form, keyword first). Output: the expansion datum. Macro uses inside the
//! expansion (including recursive uses of the same macro) are returned
//! unexpanded; the expander re-expands the result.
//!
//! Supported: literals (matched by symbol identity), `_`, pattern
//! variables, an ellipsis after any subpattern with more subpatterns after
//! it (`(a ... b c)`), dotted tails (`(a b . rest)`), nested ellipses with
//! depth checking, vector patterns, constants; templates with nested
//! ellipses, `x ... ...` flattening, the `(... ...)` escape, dotted tails,
//! vectors and map literals; a custom ellipsis identifier.
//!
//! Spans: every node the template builds carries the span of the macro
//! use; datums substituted for pattern variables keep their own spans, so
//! an error inside a macro argument points at the argument.
//!
//! Hygiene is approximated (see `hygiene.rs`): a symbol the *template*
//! introduces that the expansion itself binds (lambda parameters, `let`,
//! `let*`, `letrec`, `letrec*`, named-`let` and `do` variables,
//! `let-syntax` keywords, `let-values`/`receive`/`case-lambda` formals,
//! `guard`'s variable, internal `define`s in a body the template built) is
//! renamed to a fresh symbol throughout the expansion, outside quoted
//! data. So `swap!`'s `tmp` cannot capture a user variable named `tmp`,
//! and `my-or`'s `t` cannot capture the user's `t`. Symbols the template
//! introduces but does not bind (`if`, `display`, helper procedures) keep
//! their names and mean whatever they mean where the macro is used.
//!
//! Known gaps compared with real hygiene: a user binding that shadows such
//! a free name at the use site (a local `if` or `list`) captures it; a
//! template-introduced name that is bound only by a *later* expansion (the
//! R7RS idiom of generating temporaries by passing a fresh name to a
//! recursive call that finally binds them all) is not renamed, so those
//! temporaries collide; and a renamed name is renamed everywhere in the
//! expansion, even where a same-named free reference of the template lies
//! outside the binding's scope.

mod hygiene;
mod pattern;
mod template;
#[cfg(test)]
mod tests;

use super::syntax_error;
use crate::syntax::{Datum, DatumKind};
use lisp_runtime::{Exception, Symbol};
use pattern::{Bindings, PatternCompiler, SeqPattern};
use template::{Instantiator, Template, TemplateCompiler};

/// Patterns and templates nested deeper than this are rejected when the
/// macro is defined, which bounds the recursion of matching, instantiation
/// and the hygiene pass (they recurse on the pattern or template, never on
/// the macro's arguments).
const MAX_NESTING: usize = 256;

/// A parsed `syntax-rules` transformer.
pub struct SyntaxRules {
    rules: Vec<Rule>,
}

/// The ellipsis identifier and the literals of one `syntax-rules`.
struct Spec {
    ellipsis: Symbol,
    literals: Vec<Symbol>,
}

impl Spec {
    /// True if `d` is the ellipsis. An ellipsis listed among the literals
    /// is a literal instead (R7RS 4.3.2).
    fn is_ellipsis(&self, d: &Datum) -> bool {
        d.as_symbol()
            .is_some_and(|s| s == self.ellipsis && !self.literals.contains(&s))
    }
}

/// One `(pattern template)` clause; the pattern without its keyword.
struct Rule {
    pattern: SeqPattern,
    template: Template,
}

/// The shape of a compound pattern, template or output node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    List,
    Vector,
    Map,
}

impl SyntaxRules {
    /// Parses `(syntax-rules (literal ...) (pattern template) ...)` or the
    /// R7RS custom-ellipsis form `(syntax-rules ellipsis (literal ...)
    /// rules...)`.
    pub fn parse(spec: &Datum) -> Result<SyntaxRules, Exception> {
        let usage = || {
            syntax_error(
                "syntax-rules: expected (syntax-rules (literal ...) (pattern template) ...)",
                spec.span,
            )
        };
        let items = spec.as_list().ok_or_else(usage)?;
        let mut rest = items.get(1..).unwrap_or(&[]);
        let mut ellipsis = Symbol::intern("...");
        if let Some(custom) = rest.first().and_then(Datum::as_symbol) {
            ellipsis = custom;
            rest = &rest[1..];
        }
        let (literal_list, clauses) = rest.split_first().ok_or_else(usage)?;
        let literals = literal_list
            .as_list()
            .ok_or_else(|| {
                syntax_error(
                    "syntax-rules: expected a list of literals",
                    literal_list.span,
                )
            })?
            .iter()
            .map(|l| {
                l.as_symbol()
                    .ok_or_else(|| syntax_error("syntax-rules: literals must be symbols", l.span))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let spec = Spec { ellipsis, literals };
        let rules = clauses
            .iter()
            .map(|clause| Rule::parse(clause, &spec))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SyntaxRules { rules })
    }

    /// Expands the macro use `form` (whole form, keyword first) with the
    /// first rule whose pattern matches.
    pub fn expand(&self, name: Symbol, form: &Datum) -> Result<Datum, Exception> {
        if let Some((items, tail)) = list_view(form) {
            if let Some((_keyword, args)) = items.split_first() {
                for rule in &self.rules {
                    let mut bindings = Bindings::new();
                    if rule.pattern.matches(args, tail, form.span, &mut bindings) {
                        let instantiator = Instantiator::new(&bindings, name, form.span);
                        let out = instantiator.instantiate(&rule.template)?;
                        return Ok(hygiene::finish(out, form.span));
                    }
                }
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
}

impl Rule {
    /// Compiles one `(pattern template)` clause.
    fn parse(clause: &Datum, spec: &Spec) -> Result<Rule, Exception> {
        let Some([pattern, template]) = clause.as_list() else {
            return Err(syntax_error(
                "syntax-rules: expected a rule (pattern template)",
                clause.span,
            ));
        };
        let (items, tail) = list_view(pattern)
            .filter(|(items, _)| !items.is_empty())
            .ok_or_else(|| {
                syntax_error(
                    "syntax-rules: a pattern must be a list starting with the keyword, like (_ arg ...)",
                    pattern.span,
                )
            })?;
        // The keyword position is ignored (it may be `_` or the macro name).
        let mut patterns = PatternCompiler::new(spec);
        let compiled = patterns.compile_seq(&items[1..], tail, Shape::List, 0, 1)?;
        let template = TemplateCompiler::new(spec, &patterns.depths).compile(template)?;
        Ok(Rule {
            pattern: compiled,
            template,
        })
    }
}

/// A list datum as its elements and final non-list tail, following tails
/// that are themselves lists (`(a . (b c))` is `(a b c)`); `None` if `d` is
/// not a list.
fn list_view(d: &Datum) -> Option<(Vec<&Datum>, Option<&Datum>)> {
    let DatumKind::List(items, tail) = &d.kind else {
        return None;
    };
    let mut out: Vec<&Datum> = items.iter().collect();
    let mut tail = tail.as_deref();
    while let Some(DatumKind::List(more, next)) = tail.map(|t| &t.kind) {
        out.extend(more.iter());
        tail = next.as_deref();
    }
    Some((out, tail))
}
