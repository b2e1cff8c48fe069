//! `syntax-rules` patterns: compiled once when the macro is defined, then
//! matched against each use.
//!
//! Input: pattern datums (without the keyword position). Output: a
//! [`SeqPattern`] per rule plus each pattern variable's ellipsis depth;
//! matching a use yields [`Bindings`].

use super::{list_view, Shape, Spec, MAX_NESTING};
use crate::expand::syntax_error;
use crate::syntax::{Datum, DatumKind};
use lisp_runtime::{Exception, Span, Symbol};
use std::borrow::Cow;
use std::collections::HashMap;

/// A compiled pattern.
#[derive(Debug)]
pub(super) enum Pattern {
    /// `_`: matches anything and binds nothing.
    Any,
    /// A literal identifier: matches that very symbol.
    Literal(Symbol),
    /// A pattern variable: matches anything and binds it.
    Var(Symbol),
    /// A constant (number, string, character, boolean, keyword, map):
    /// matches an `equal?` datum.
    Constant(Datum),
    /// A list or vector pattern.
    Seq(Box<SeqPattern>),
}

/// `(before ... each <ellipsis> after ... . tail)` or the vector form.
#[derive(Debug)]
pub(super) struct SeqPattern {
    shape: Shape,
    /// The subpatterns before the ellipsis (all of them if there is none).
    before: Vec<Pattern>,
    repeat: Option<Repeat>,
    /// The pattern for the final cdr (lists only). Never a list pattern:
    /// `(a . (b c))` is compiled as `(a b c)`.
    tail: Option<Pattern>,
}

/// The `each <ellipsis> after ...` part of a sequence pattern.
#[derive(Debug)]
struct Repeat {
    each: Pattern,
    /// The variables `each` binds; each becomes a sequence of bindings.
    vars: Vec<Symbol>,
    after: Vec<Pattern>,
}

/// What a pattern variable matched: one datum, or (for a variable under
/// n ellipses) a sequence of bindings n-1 deep.
#[derive(Clone, Debug)]
pub(super) enum Binding<'a> {
    One(Cow<'a, Datum>),
    Many(Vec<Binding<'a>>),
}

/// Pattern variable -> what it matched in one use.
pub(super) type Bindings<'a> = HashMap<Symbol, Binding<'a>>;

/// Compiles the patterns of one rule, recording each variable's depth.
pub(super) struct PatternCompiler<'s> {
    spec: &'s Spec,
    /// Each pattern variable's ellipsis depth, for checking templates.
    pub(super) depths: HashMap<Symbol, usize>,
    /// The variables in the order they were found (so a repeat can list
    /// the ones its subpattern introduced).
    order: Vec<Symbol>,
}

impl<'s> PatternCompiler<'s> {
    pub(super) fn new(spec: &'s Spec) -> PatternCompiler<'s> {
        PatternCompiler {
            spec,
            depths: HashMap::new(),
            order: Vec::new(),
        }
    }

    /// Compiles the elements `items` (and dotted `tail`) of a list or
    /// vector pattern whose variables sit under `depth` ellipses.
    pub(super) fn compile_seq(
        &mut self,
        items: &[&Datum],
        tail: Option<&Datum>,
        shape: Shape,
        depth: usize,
        nesting: usize,
    ) -> Result<SeqPattern, Exception> {
        let mut ellipses = items
            .iter()
            .enumerate()
            .filter(|(_, d)| self.spec.is_ellipsis(d));
        let first = ellipses.next();
        if let Some((_, extra)) = ellipses.next() {
            return Err(syntax_error(
                "syntax-rules: a list pattern may contain only one ellipsis",
                extra.span,
            ));
        }
        let Some((at, ellipsis)) = first else {
            return Ok(SeqPattern {
                shape,
                before: self.compile_all(items, depth, nesting)?,
                repeat: None,
                tail: self.compile_tail(tail, depth, nesting)?,
            });
        };
        if at == 0 {
            return Err(syntax_error(
                "syntax-rules: an ellipsis must follow a subpattern",
                ellipsis.span,
            ));
        }
        let before = self.compile_all(&items[..at - 1], depth, nesting)?;
        let first_var = self.order.len();
        let each = self.compile(items[at - 1], depth + 1, nesting)?;
        let vars = self.order[first_var..].to_vec();
        let after = self.compile_all(&items[at + 1..], depth, nesting)?;
        Ok(SeqPattern {
            shape,
            before,
            repeat: Some(Repeat { each, vars, after }),
            tail: self.compile_tail(tail, depth, nesting)?,
        })
    }

    fn compile_all(
        &mut self,
        items: &[&Datum],
        depth: usize,
        nesting: usize,
    ) -> Result<Vec<Pattern>, Exception> {
        items
            .iter()
            .map(|d| self.compile(d, depth, nesting))
            .collect()
    }

    fn compile_tail(
        &mut self,
        tail: Option<&Datum>,
        depth: usize,
        nesting: usize,
    ) -> Result<Option<Pattern>, Exception> {
        tail.map(|t| self.compile(t, depth, nesting)).transpose()
    }

    fn compile(&mut self, d: &Datum, depth: usize, nesting: usize) -> Result<Pattern, Exception> {
        match &d.kind {
            DatumKind::Symbol(s) => self.compile_symbol(*s, d, depth),
            DatumKind::List(..) | DatumKind::Vector(_) if nesting >= MAX_NESTING => Err(
                syntax_error("syntax-rules: pattern nested too deeply", d.span),
            ),
            DatumKind::List(..) => {
                let (items, tail) = list_view(d).unwrap_or_default();
                let seq = self.compile_seq(&items, tail, Shape::List, depth, nesting + 1)?;
                Ok(Pattern::Seq(Box::new(seq)))
            }
            DatumKind::Vector(items) => {
                let items: Vec<&Datum> = items.iter().collect();
                let seq = self.compile_seq(&items, None, Shape::Vector, depth, nesting + 1)?;
                Ok(Pattern::Seq(Box::new(seq)))
            }
            _ => Ok(Pattern::Constant(d.clone())),
        }
    }

    fn compile_symbol(&mut self, s: Symbol, d: &Datum, depth: usize) -> Result<Pattern, Exception> {
        if self.spec.literals.contains(&s) {
            return Ok(Pattern::Literal(s));
        }
        if s == self.spec.ellipsis {
            return Err(syntax_error(
                "syntax-rules: an ellipsis must follow a subpattern",
                d.span,
            ));
        }
        if &*s.name() == "_" {
            return Ok(Pattern::Any);
        }
        if self.depths.insert(s, depth).is_some() {
            return Err(syntax_error(
                format!("syntax-rules: pattern variable {s} appears twice in one pattern"),
                d.span,
            ));
        }
        self.order.push(s);
        Ok(Pattern::Var(s))
    }
}

impl Pattern {
    /// Matches `d`, adding to `b`. On failure `b` may hold partial
    /// bindings; the caller discards it.
    fn matches<'a>(&self, d: &'a Datum, b: &mut Bindings<'a>) -> bool {
        match self {
            Pattern::Seq(seq) => match (&d.kind, seq.shape) {
                (DatumKind::List(..), Shape::List) => match list_view(d) {
                    Some((items, tail)) => seq.matches(&items, tail, d.span, b),
                    None => false,
                },
                (DatumKind::Vector(items), Shape::Vector) => {
                    let items: Vec<&Datum> = items.iter().collect();
                    seq.matches(&items, None, d.span, b)
                }
                _ => false,
            },
            _ => self.matches_datum(Cow::Borrowed(d), b),
        }
    }

    /// Matches a datum that may have been built during matching (the rest
    /// of a list under a dotted tail pattern).
    fn matches_datum<'a>(&self, d: Cow<'a, Datum>, b: &mut Bindings<'a>) -> bool {
        match self {
            Pattern::Any => true,
            Pattern::Literal(s) => d.as_symbol() == Some(*s),
            Pattern::Var(s) => {
                b.insert(*s, Binding::One(d));
                true
            }
            Pattern::Constant(c) => constant_equal(c, &d),
            Pattern::Seq(_) => match d {
                Cow::Borrowed(d) => self.matches(d, b),
                // A built datum is a non-empty list, or the empty list of a
                // proper tail; tail patterns are never list patterns.
                Cow::Owned(_) => false,
            },
        }
    }
}

impl SeqPattern {
    /// Matches the elements `items` and final cdr `tail` of a list (or the
    /// elements of a vector). `span` is the span of the matched list, for
    /// the rest-of-list datums a dotted pattern binds.
    pub(super) fn matches<'a>(
        &self,
        items: &[&'a Datum],
        tail: Option<&'a Datum>,
        span: Span,
        b: &mut Bindings<'a>,
    ) -> bool {
        let after_len = self.repeat.as_ref().map_or(0, |r| r.after.len());
        if items.len() < self.before.len() + after_len {
            return false;
        }
        let (before, rest) = items.split_at(self.before.len());
        if !matches_each(&self.before, before, b) {
            return false;
        }
        let Some(repeat) = &self.repeat else {
            return match &self.tail {
                None => rest.is_empty() && tail.is_none(),
                Some(t) => t.matches_datum(rest_of_list(rest, tail, span), b),
            };
        };
        let (middle, after) = rest.split_at(rest.len() - after_len);
        if !repeat.matches(middle, b) || !matches_each(&repeat.after, after, b) {
            return false;
        }
        // The ellipsis is greedy: a dotted tail pattern after it matches
        // the list's final cdr, `()` for a proper list.
        match (&self.tail, tail) {
            (None, None) => true,
            (None, Some(_)) => false,
            (Some(t), Some(tail)) => t.matches(tail, b),
            (Some(t), None) => t.matches_datum(Cow::Owned(empty_list(span)), b),
        }
    }
}

impl Repeat {
    /// Matches every datum of `items` against `each`, binding each of its
    /// variables to the sequence of what it matched.
    fn matches<'a>(&self, items: &[&'a Datum], b: &mut Bindings<'a>) -> bool {
        let mut sequences: Vec<Vec<Binding<'a>>> = self
            .vars
            .iter()
            .map(|_| Vec::with_capacity(items.len()))
            .collect();
        for item in items {
            let mut inner = Bindings::new();
            if !self.each.matches(item, &mut inner) {
                return false;
            }
            for (var, sequence) in self.vars.iter().zip(&mut sequences) {
                // A successful match binds every variable of the pattern.
                sequence.push(inner.remove(var).unwrap_or(Binding::Many(Vec::new())));
            }
        }
        for (var, sequence) in self.vars.iter().zip(sequences) {
            b.insert(*var, Binding::Many(sequence));
        }
        true
    }
}

fn matches_each<'a>(patterns: &[Pattern], items: &[&'a Datum], b: &mut Bindings<'a>) -> bool {
    patterns.iter().zip(items).all(|(p, d)| p.matches(d, b))
}

/// The part of a list after its first elements: the remaining `items`
/// ending in `tail`, `tail` itself, or `()`.
fn rest_of_list<'a>(items: &[&'a Datum], tail: Option<&'a Datum>, span: Span) -> Cow<'a, Datum> {
    match (items.first(), tail) {
        (None, Some(tail)) => Cow::Borrowed(tail),
        (None, None) => Cow::Owned(empty_list(span)),
        (Some(first), _) => Cow::Owned(Datum::new(
            DatumKind::List(
                items.iter().map(|d| (*d).clone()).collect(),
                tail.map(|t| Box::new(t.clone())),
            ),
            first.span,
        )),
    }
}

fn empty_list(span: Span) -> Datum {
    Datum::new(DatumKind::List(Vec::new(), None), span)
}

/// `equal?` for a pattern constant. Compares the datums directly rather
/// than converting both to values, so a large argument compared with a
/// number is not copied first.
fn constant_equal(constant: &Datum, d: &Datum) -> bool {
    match (&constant.kind, &d.kind) {
        (DatumKind::Int(a), DatumKind::Int(b)) => a == b,
        (DatumKind::BigInt(a), DatumKind::BigInt(b)) => a == b,
        // eqv? on floats compares representations (0.0 and -0.0 differ).
        (DatumKind::Float(a), DatumKind::Float(b)) => a.to_bits() == b.to_bits(),
        (DatumKind::Bool(a), DatumKind::Bool(b)) => a == b,
        (DatumKind::Char(a), DatumKind::Char(b)) => a == b,
        (DatumKind::Str(a), DatumKind::Str(b)) => a == b,
        (DatumKind::Keyword(a), DatumKind::Keyword(b)) => a == b,
        (DatumKind::Map(_), DatumKind::Map(_)) | (DatumKind::Value(_), DatumKind::Value(_)) => {
            lisp_runtime::equality::equal(&constant.to_value(), &d.to_value())
        }
        _ => false,
    }
}
