//! The hygiene approximation of `syntax-rules`, and the conversion of an
//! instantiated template to a datum.
//!
//! Input: an [`Out`] tree, in which the symbols the template introduced
//! are told apart from the datums substituted from the macro use. Output:
//! the expansion datum, in which every template-introduced symbol that the
//! expansion binds is renamed to one fresh symbol per name.
//!
//! Binding positions are found syntactically, by the standard binding
//! forms' shapes (`lambda`, the `let` family, named `let`, `do`,
//! `let-syntax`, `let-values`, `receive`, `case-lambda`, `guard`, and
//! `define` inside a body the template itself built). Quoted data (`'x`, vector literals,
//! quasiquoted parts outside `unquote`) is neither searched for binders nor
//! renamed, so `'tmp` in a template still prints `tmp`. The substituted
//! datums are never walked: they hold no template symbols, and skipping
//! them keeps the pass proportional to the template, however large the
//! arguments.

use super::Shape;
use crate::syntax::{Datum, DatumKind};
use lisp_runtime::{Span, Symbol};
use std::collections::HashMap;

/// An instantiated template.
#[derive(Debug)]
pub(super) enum Out {
    /// A symbol the template introduced.
    Intro(Symbol),
    /// A datum substituted for a pattern variable (or a template constant).
    Input(Datum),
    /// A list (with an optional dotted tail), vector or map the template built.
    Seq(Shape, Vec<Out>, Option<Box<Out>>),
}

/// Renames the template-introduced binders of `out` and converts it to a
/// datum; the nodes the template built get `span`.
pub(super) fn finish(out: Out, span: Span) -> Datum {
    let mut binders = Vec::new();
    find_binders(&out, false, &mut binders);
    let renames: HashMap<Symbol, Symbol> = binders
        .into_iter()
        .map(|s| (s, Symbol::gensym(&format!("{}%", s.name()))))
        .collect();
    Converter { renames, span }.convert(out, Mode::Code)
}

/// The symbol `out` is, whether introduced or substituted.
fn symbol_of(out: &Out) -> Option<Symbol> {
    match out {
        Out::Intro(s) => Some(*s),
        Out::Input(d) => d.as_symbol(),
        Out::Seq(..) => None,
    }
}

fn keyword_of(items: &[Out]) -> Option<std::sync::Arc<str>> {
    items.first().and_then(symbol_of).map(|s| s.name())
}

/// Records `out` as a binder if it is a template-introduced symbol.
fn add(out: Option<&Out>, found: &mut Vec<Symbol>) {
    if let Some(Out::Intro(s)) = out {
        if !found.contains(s) {
            found.push(*s);
        }
    }
}

/// The variables of a formals list: `x`, `(a b)` or `(a b . rest)`.
fn add_formals(formals: Option<&Out>, found: &mut Vec<Symbol>) {
    match formals {
        Some(Out::Seq(Shape::List, items, tail)) => {
            for item in items {
                add(Some(item), found);
            }
            add(tail.as_deref(), found);
        }
        other => add(other, found),
    }
}

/// The elements of a list node, if `out` is one the template built.
fn list_items(out: Option<&Out>) -> &[Out] {
    match out {
        Some(Out::Seq(Shape::List, items, _)) => items,
        _ => &[],
    }
}

/// The names of `((name init ...) ...)`.
fn add_binding_names(bindings: Option<&Out>, found: &mut Vec<Symbol>) {
    for binding in list_items(bindings) {
        add(list_items(Some(binding)).first(), found);
    }
}

/// Collects the template-introduced symbols in binding positions of `out`.
/// `in_body` is true for the forms of a body the template built, where a
/// `define` binds a local name.
fn find_binders(out: &Out, in_body: bool, found: &mut Vec<Symbol>) {
    let Out::Seq(shape, items, tail) = out else {
        return;
    };
    match shape {
        Shape::Vector => return, // a literal
        Shape::Map => {
            items.iter().for_each(|i| find_binders(i, false, found));
            return;
        }
        Shape::List => {}
    }
    // Where the body starts, for forms whose body may hold definitions.
    let body = match keyword_of(items).as_deref() {
        Some("quote") => return,
        Some("quasiquote") => {
            items[1..].iter().for_each(|i| find_in_quasi(i, 1, found));
            return;
        }
        Some("lambda") => {
            add_formals(items.get(1), found);
            Some(2)
        }
        Some("let") if items.get(1).and_then(symbol_of).is_some() => {
            add(items.get(1), found);
            add_binding_names(items.get(2), found);
            Some(3)
        }
        Some("let" | "let*" | "letrec" | "letrec*" | "let-syntax" | "letrec-syntax") => {
            add_binding_names(items.get(1), found);
            Some(2)
        }
        Some("let-values" | "let*-values") => {
            for binding in list_items(items.get(1)) {
                add_formals(list_items(Some(binding)).first(), found);
            }
            Some(2)
        }
        Some("receive") => {
            add_formals(items.get(1), found);
            Some(3)
        }
        Some("do") => {
            add_binding_names(items.get(1), found);
            None
        }
        Some("case-lambda") => {
            for clause in &items[1..] {
                let parts = list_items(Some(clause));
                add_formals(parts.first(), found);
                parts
                    .iter()
                    .skip(1)
                    .for_each(|form| find_binders(form, true, found));
            }
            return;
        }
        Some("guard") => {
            add(list_items(items.get(1)).first(), found);
            None
        }
        Some("define") => match items.get(1) {
            // `(define (name . formals) body ...)`
            Some(Out::Seq(Shape::List, signature, signature_tail)) => {
                if in_body {
                    add(signature.first(), found);
                }
                for formal in signature.iter().skip(1) {
                    add(Some(formal), found);
                }
                add(signature_tail.as_deref(), found);
                Some(2)
            }
            name => {
                if in_body {
                    add(name, found);
                }
                None
            }
        },
        Some("define-values") => {
            if in_body {
                add_formals(items.get(1), found);
            }
            None
        }
        Some("begin") if in_body => Some(1),
        _ => None,
    };
    for (i, item) in items.iter().enumerate() {
        find_binders(item, body.is_some_and(|start| i >= start), found);
    }
    if let Some(tail) = tail {
        find_binders(tail, false, found);
    }
}

/// Searches the unquoted parts of a quasiquoted template, `depth` levels
/// of quasiquote deep.
fn find_in_quasi(out: &Out, depth: usize, found: &mut Vec<Symbol>) {
    let Out::Seq(shape, items, tail) = out else {
        return;
    };
    let depth = match (shape, keyword_of(items).as_deref()) {
        (Shape::List, Some("unquote" | "unquote-splicing")) if depth == 1 => {
            items[1..]
                .iter()
                .for_each(|i| find_binders(i, false, found));
            return;
        }
        (Shape::List, Some("unquote" | "unquote-splicing")) => depth - 1,
        (Shape::List, Some("quasiquote")) => depth + 1,
        _ => depth,
    };
    items.iter().for_each(|i| find_in_quasi(i, depth, found));
    if let Some(tail) = tail {
        find_in_quasi(tail, depth, found);
    }
}

/// Whether template symbols at a point of the output are code or data.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Code,
    Quoted,
    /// Inside this many quasiquotes, outside their unquotes.
    Quasi(usize),
}

impl Mode {
    /// The mode of the elements of a list whose first element is `keyword`.
    fn inside(self, shape: Shape, keyword: Option<&str>) -> Mode {
        match (self, shape, keyword) {
            (Mode::Quoted, ..) => Mode::Quoted,
            (Mode::Code, Shape::Vector, _) => Mode::Quoted,
            (Mode::Code, Shape::List, Some("quote")) => Mode::Quoted,
            (Mode::Code, Shape::List, Some("quasiquote")) => Mode::Quasi(1),
            (Mode::Code, ..) => Mode::Code,
            (Mode::Quasi(1), Shape::List, Some("unquote" | "unquote-splicing")) => Mode::Code,
            (Mode::Quasi(n), Shape::List, Some("unquote" | "unquote-splicing")) => {
                Mode::Quasi(n - 1)
            }
            (Mode::Quasi(n), Shape::List, Some("quasiquote")) => Mode::Quasi(n + 1),
            (Mode::Quasi(n), ..) => Mode::Quasi(n),
        }
    }
}

struct Converter {
    renames: HashMap<Symbol, Symbol>,
    span: Span,
}

impl Converter {
    fn convert(&self, out: Out, mode: Mode) -> Datum {
        let kind = match out {
            Out::Input(d) => return d,
            Out::Intro(s) if mode == Mode::Code => {
                DatumKind::Symbol(self.renames.get(&s).copied().unwrap_or(s))
            }
            Out::Intro(s) => DatumKind::Symbol(s),
            Out::Seq(shape, items, tail) => {
                let keyword = keyword_of(&items);
                let inner = mode.inside(shape, keyword.as_deref());
                let mut items: Vec<Datum> =
                    items.into_iter().map(|i| self.convert(i, inner)).collect();
                match shape {
                    Shape::Vector => DatumKind::Vector(items),
                    Shape::Map => DatumKind::Map(items),
                    Shape::List => {
                        let tail = tail.map(|t| self.convert(*t, inner));
                        // A list substituted into the tail continues the
                        // list: `(a . rest)` with rest = (b c) is (a b c).
                        let tail = match tail {
                            Some(Datum {
                                kind: DatumKind::List(more, more_tail),
                                ..
                            }) => {
                                items.extend(more);
                                more_tail
                            }
                            other => other.map(Box::new),
                        };
                        DatumKind::List(items, tail)
                    }
                }
            }
        };
        Datum::new(kind, self.span)
    }
}
