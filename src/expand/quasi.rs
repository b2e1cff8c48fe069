//! Quasiquote: `` `(a ,b ,@c) `` to calls of `list`, `append`, `cons` and
//! `list->vector`, honouring nesting depth as R7RS 4.2.8 specifies.

use super::{syntax_error, Expander};
use crate::syntax::{Datum, DatumKind};
use lisp_runtime::Exception;

impl Expander<'_> {
    /// The surface expression that builds `template` at quasiquote `depth`.
    pub(crate) fn quasiquote(
        &mut self,
        template: &Datum,
        depth: usize,
    ) -> Result<Datum, Exception> {
        if !has_unquote(template) {
            return Ok(self.quote(template.clone()));
        }
        let span = template.span;
        match &template.kind {
            DatumKind::List(items, tail) => {
                if let Some((head, arg)) = unquote_form(template) {
                    return match head {
                        "unquote" if depth == 1 => Ok(arg.clone()),
                        "unquote" | "unquote-splicing" => {
                            let inner = self.quasiquote(arg, depth - 1)?;
                            Ok(self.tagged(head, inner, span))
                        }
                        _ => {
                            let inner = self.quasiquote(arg, depth + 1)?;
                            Ok(self.tagged(head, inner, span))
                        }
                    };
                }
                let mut segments = Vec::new();
                let mut run = Vec::new();
                for item in items {
                    match unquote_form(item) {
                        Some(("unquote-splicing", arg)) if depth == 1 => {
                            if !run.is_empty() {
                                segments.push(self.list_call(std::mem::take(&mut run), span));
                            }
                            segments.push(arg.clone());
                        }
                        _ => run.push(self.quasiquote(item, depth)?),
                    }
                }
                if !run.is_empty() {
                    segments.push(self.list_call(run, span));
                }
                let tail = match tail {
                    Some(t) => self.quasiquote(t, depth)?,
                    None => self.quote(Datum::list(vec![], span)),
                };
                segments.push(tail);
                let mut call = vec![self.prim("append", span)];
                call.extend(segments);
                Ok(Datum::list(call, span))
            }
            DatumKind::Vector(items) => {
                let as_list = Datum::list(items.clone(), span);
                let built = self.quasiquote(&as_list, depth)?;
                Ok(Datum::list(
                    vec![self.prim("list->vector", span), built],
                    span,
                ))
            }
            _ => Err(syntax_error("quasiquote: unexpected template", span)),
        }
    }

    fn list_call(&self, items: Vec<Datum>, span: lisp_runtime::Span) -> Datum {
        let mut call = vec![self.prim("list", span)];
        call.extend(items);
        Datum::list(call, span)
    }

    /// `(list 'head inner)`
    fn tagged(&self, head: &str, inner: Datum, span: lisp_runtime::Span) -> Datum {
        let quoted = self.quote(Datum::symbol(head, span));
        self.list_call(vec![quoted, inner], span)
    }
}

/// `(unquote x)`, `(unquote-splicing x)` or `(quasiquote x)`: the head's
/// name and `x`.
fn unquote_form(d: &Datum) -> Option<(&'static str, &Datum)> {
    let items = d.as_list()?;
    if items.len() != 2 {
        return None;
    }
    let name = items[0].as_symbol()?.name();
    let head = match &*name {
        "unquote" => "unquote",
        "unquote-splicing" => "unquote-splicing",
        "quasiquote" => "quasiquote",
        _ => return None,
    };
    Some((head, &items[1]))
}

fn has_unquote(d: &Datum) -> bool {
    match &d.kind {
        DatumKind::List(items, tail) => {
            unquote_form(d).is_some_and(|(h, _)| h != "quasiquote")
                || items.iter().any(has_unquote)
                || tail.as_deref().is_some_and(has_unquote)
        }
        DatumKind::Vector(items) => items.iter().any(has_unquote),
        _ => false,
    }
}
