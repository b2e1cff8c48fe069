//! `syntax-rules` templates: compiled (and checked against the pattern's
//! variables) when the macro is defined, instantiated for each use.
//!
//! Input: a template datum and the pattern variables' ellipsis depths.
//! Output of instantiation: an [`Out`] tree that remembers which symbols
//! the template introduced, for the hygiene pass.

use super::hygiene::Out;
use super::pattern::{Binding, Bindings};
use super::{list_view, syntax_error, Shape, Spec, MAX_NESTING};
use crate::syntax::{Datum, DatumKind};
use lisp_runtime::{Exception, Span, Symbol};
use std::collections::HashMap;

/// A compiled template.
#[derive(Debug)]
pub(super) enum Template {
    /// A symbol that is not a pattern variable: copied into the output.
    Intro(Symbol),
    /// A pattern variable: replaced by what it matched.
    Var(Symbol),
    /// A constant (number, string, ...), copied with the use's span.
    Constant(DatumKind),
    /// A list, vector or map template.
    Seq(Box<SeqTemplate>),
}

/// The elements of a list, vector or map template.
#[derive(Debug)]
pub(super) struct SeqTemplate {
    shape: Shape,
    elements: Vec<Element>,
    /// The dotted tail (lists only); never itself a list.
    tail: Option<Template>,
}

/// One element of a sequence template and the ellipses that follow it.
#[derive(Debug)]
struct Element {
    template: Template,
    /// How many ellipses follow (`x ... ...` is 2, flattening one level).
    ellipses: usize,
    /// The pattern variables inside with an ellipsis depth of at least
    /// one: the candidates for driving the repetition.
    repeated: Vec<Symbol>,
}

/// Compiles the template of one rule.
pub(super) struct TemplateCompiler<'s> {
    spec: &'s Spec,
    depths: &'s HashMap<Symbol, usize>,
}

impl<'s> TemplateCompiler<'s> {
    pub(super) fn new(spec: &'s Spec, depths: &'s HashMap<Symbol, usize>) -> TemplateCompiler<'s> {
        TemplateCompiler { spec, depths }
    }

    pub(super) fn compile(&self, d: &Datum) -> Result<Template, Exception> {
        self.compile_at(d, 0, false, 0)
    }

    /// `level` is the number of ellipses applying to `d`; inside an
    /// `(... template)` escape (`escaped`) the ellipsis is an ordinary
    /// symbol.
    fn compile_at(
        &self,
        d: &Datum,
        level: usize,
        escaped: bool,
        nesting: usize,
    ) -> Result<Template, Exception> {
        let kind = match &d.kind {
            DatumKind::Symbol(s) => return self.compile_symbol(*s, d, level, escaped),
            DatumKind::List(..) | DatumKind::Vector(_) | DatumKind::Map(_)
                if nesting >= MAX_NESTING =>
            {
                return Err(syntax_error(
                    "syntax-rules: template nested too deeply",
                    d.span,
                ))
            }
            DatumKind::List(..) => {
                let (items, tail) = list_view(d).unwrap_or_default();
                if let [first, escaped_template] = items[..] {
                    if !escaped && tail.is_none() && self.spec.is_ellipsis(first) {
                        return self.compile_at(escaped_template, level, true, nesting + 1);
                    }
                }
                (items, tail, Shape::List)
            }
            DatumKind::Vector(items) => (items.iter().collect(), None, Shape::Vector),
            DatumKind::Map(items) => (items.iter().collect(), None, Shape::Map),
            other => return Ok(Template::Constant(other.clone())),
        };
        let (items, tail, shape) = kind;
        let mut elements = Vec::with_capacity(items.len());
        let mut i = 0;
        while i < items.len() {
            let mut ellipses = 0;
            while !escaped
                && items
                    .get(i + 1 + ellipses)
                    .is_some_and(|e| self.spec.is_ellipsis(e))
            {
                ellipses += 1;
            }
            let template = self.compile_at(items[i], level + ellipses, escaped, nesting + 1)?;
            let mut repeated = Vec::new();
            if ellipses > 0 {
                self.repeated_vars(&template, &mut repeated);
                // Some variable must be deep enough to drive the innermost
                // repetition, or the ellipsis would have nothing to repeat.
                if !repeated.iter().any(|v| self.depth(*v) >= level + ellipses) {
                    return Err(syntax_error(
                        "syntax-rules: an ellipsis in the template follows no pattern variable matched under as many ellipses",
                        items[i].span,
                    ));
                }
            }
            elements.push(Element {
                template,
                ellipses,
                repeated,
            });
            i += 1 + ellipses;
        }
        let tail = match tail {
            Some(t) => Some(self.compile_at(t, level, escaped, nesting + 1)?),
            None => None,
        };
        Ok(Template::Seq(Box::new(SeqTemplate {
            shape,
            elements,
            tail,
        })))
    }

    fn compile_symbol(
        &self,
        s: Symbol,
        d: &Datum,
        level: usize,
        escaped: bool,
    ) -> Result<Template, Exception> {
        if let Some(&depth) = self.depths.get(&s) {
            if depth > level {
                return Err(syntax_error(
                    format!(
                        "syntax-rules: pattern variable {s} is followed by fewer ellipses in the template ({level}) than in the pattern ({depth})"
                    ),
                    d.span,
                ));
            }
            return Ok(Template::Var(s));
        }
        if !escaped && self.spec.is_ellipsis(d) {
            return Err(syntax_error(
                "syntax-rules: an ellipsis in the template must follow a subtemplate",
                d.span,
            ));
        }
        Ok(Template::Intro(s))
    }

    fn depth(&self, var: Symbol) -> usize {
        self.depths.get(&var).copied().unwrap_or(0)
    }

    /// The pattern variables of ellipsis depth >= 1 in `t`, each once.
    fn repeated_vars(&self, t: &Template, out: &mut Vec<Symbol>) {
        match t {
            Template::Var(v) if self.depth(*v) > 0 && !out.contains(v) => out.push(*v),
            Template::Seq(seq) => {
                for e in &seq.elements {
                    self.repeated_vars(&e.template, out);
                }
                if let Some(tail) = &seq.tail {
                    self.repeated_vars(tail, out);
                }
            }
            _ => {}
        }
    }
}

/// Instantiates templates with the bindings of one macro use.
pub(super) struct Instantiator<'b, 'a> {
    bindings: &'b Bindings<'a>,
    name: Symbol,
    span: Span,
}

/// The bindings of the variables being repeated, innermost last; they
/// shadow the use's bindings.
type Overlay<'b, 'a> = Vec<(Symbol, &'b Binding<'a>)>;

impl<'b, 'a> Instantiator<'b, 'a> {
    pub(super) fn new(bindings: &'b Bindings<'a>, name: Symbol, span: Span) -> Self {
        Instantiator {
            bindings,
            name,
            span,
        }
    }

    pub(super) fn instantiate(&self, t: &Template) -> Result<Out, Exception> {
        self.instantiate_in(t, &mut Vec::new())
    }

    fn lookup(&self, var: Symbol, overlay: &Overlay<'b, 'a>) -> Option<&'b Binding<'a>> {
        match overlay.iter().rev().find(|(v, _)| *v == var) {
            Some((_, b)) => Some(b),
            None => self.bindings.get(&var),
        }
    }

    fn instantiate_in(
        &self,
        t: &Template,
        overlay: &mut Overlay<'b, 'a>,
    ) -> Result<Out, Exception> {
        match t {
            Template::Intro(s) => Ok(Out::Intro(*s)),
            Template::Constant(kind) => Ok(Out::Input(Datum::new(kind.clone(), self.span))),
            Template::Var(v) => match self.lookup(*v, overlay) {
                Some(Binding::One(d)) => Ok(Out::Input(d.as_ref().clone())),
                // The compile-time depth check rules both out; report
                // rather than panic should they ever happen.
                Some(Binding::Many(_)) | None => Err(syntax_error(
                    format!(
                        "{}: pattern variable {v} used at the wrong ellipsis depth",
                        self.name
                    ),
                    self.span,
                )),
            },
            Template::Seq(seq) => {
                let mut items = Vec::with_capacity(seq.elements.len());
                for e in &seq.elements {
                    if e.ellipses == 0 {
                        items.push(self.instantiate_in(&e.template, overlay)?);
                    } else {
                        self.repeat(e, e.ellipses, overlay, &mut items)?;
                    }
                }
                let tail = match &seq.tail {
                    Some(t) => Some(Box::new(self.instantiate_in(t, overlay)?)),
                    None => None,
                };
                Ok(Out::Seq(seq.shape, items, tail))
            }
        }
    }

    /// Instantiates `e` once per element of the sequences its repeated
    /// variables are bound to, `levels` ellipses deep (`x ... ...` splices
    /// the inner repetitions into one sequence).
    fn repeat(
        &self,
        e: &Element,
        levels: usize,
        overlay: &mut Overlay<'b, 'a>,
        out: &mut Vec<Out>,
    ) -> Result<(), Exception> {
        // The drivers are the repeated variables still bound to sequences
        // here; variables bound to one datum are copied into every
        // repetition.
        let mut drivers: Vec<(Symbol, &'b [Binding<'a>])> = Vec::new();
        for v in &e.repeated {
            if let Some(Binding::Many(items)) = self.lookup(*v, overlay) {
                drivers.push((*v, items.as_slice()));
            }
        }
        let Some(&(first, first_items)) = drivers.first() else {
            return Err(syntax_error(
                format!("{}: ellipsis with no pattern variable to repeat", self.name),
                self.span,
            ));
        };
        if let Some((other, _)) = drivers.iter().find(|(_, s)| s.len() != first_items.len()) {
            return Err(syntax_error(
                format!(
                    "{}: pattern variables {first} and {other} matched different numbers of forms",
                    self.name
                ),
                self.span,
            ));
        }
        for i in 0..first_items.len() {
            let mark = overlay.len();
            for (v, items) in &drivers {
                overlay.push((*v, &items[i]));
            }
            if levels > 1 {
                self.repeat(e, levels - 1, overlay, out)?;
            } else {
                out.push(self.instantiate_in(&e.template, overlay)?);
            }
            overlay.truncate(mark);
        }
        Ok(())
    }
}
