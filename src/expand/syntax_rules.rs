//! `syntax-rules` (placeholder until the syntax-rules module lands).

use crate::syntax::Datum;
use lisp_runtime::{Exception, Symbol};

/// A parsed `syntax-rules` transformer.
pub struct SyntaxRules;

impl SyntaxRules {
    pub fn parse(spec: &Datum) -> Result<SyntaxRules, Exception> {
        Err(Exception::error("syntax-rules is not available yet", vec![]).at(spec.span))
    }

    pub fn expand(&self, _name: Symbol, form: &Datum) -> Result<Datum, Exception> {
        Err(Exception::error("syntax-rules is not available yet", vec![]).at(form.span))
    }
}
