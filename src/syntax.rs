//! `Datum`: what the reader produces and the expander consumes. A datum is
//! an s-expression in which every node carries its source `Span`. Quoting
//! turns a datum into a runtime `Value`; `defmacro` expansion turns values
//! back into datums, borrowing the span of the macro call.

use lisp_runtime::list::{cons, list_from, string};
use lisp_runtime::{Object, Span, Symbol, Value};
use num_bigint::BigInt;

/// An s-expression with source positions.
#[derive(Clone, Debug)]
pub struct Datum {
    pub kind: DatumKind,
    pub span: Span,
}

/// The shapes a datum can take.
#[derive(Clone, Debug)]
pub enum DatumKind {
    Int(i64),
    BigInt(BigInt),
    Float(f64),
    Bool(bool),
    Char(char),
    Str(String),
    Symbol(Symbol),
    Keyword(Symbol),
    /// `(a b c)` or, with a tail, `(a b . c)`. The empty list is `List([], None)`.
    List(Vec<Datum>, Option<Box<Datum>>),
    /// `#(a b c)`.
    Vector(Vec<Datum>),
    /// `{k v ...}`: keys and values alternate, both evaluated.
    Map(Vec<Datum>),
    /// A runtime value spliced in by macro expansion (e.g. a procedure).
    Value(Value),
}

impl Datum {
    pub fn new(kind: DatumKind, span: Span) -> Datum {
        Datum { kind, span }
    }

    pub fn symbol(name: &str, span: Span) -> Datum {
        Datum::new(DatumKind::Symbol(Symbol::intern(name)), span)
    }

    pub fn list(items: Vec<Datum>, span: Span) -> Datum {
        Datum::new(DatumKind::List(items, None), span)
    }

    /// The symbol this datum is, if any.
    pub fn as_symbol(&self) -> Option<Symbol> {
        match self.kind {
            DatumKind::Symbol(s) => Some(s),
            _ => None,
        }
    }

    /// True if this datum is the symbol `name`.
    pub fn is_symbol(&self, name: &str) -> bool {
        self.as_symbol().is_some_and(|s| &*s.name() == name)
    }

    /// The items of a proper list, if this is one.
    pub fn as_list(&self) -> Option<&[Datum]> {
        match &self.kind {
            DatumKind::List(items, None) => Some(items),
            _ => None,
        }
    }

    /// Converts the datum to the runtime value it denotes when quoted.
    pub fn to_value(&self) -> Value {
        match &self.kind {
            DatumKind::Int(n) => Value::int(*n),
            DatumKind::BigInt(b) => lisp_runtime::number::big_to_value(b.clone()),
            DatumKind::Float(f) => Value::float(*f),
            DatumKind::Bool(b) => Value::bool(*b),
            DatumKind::Char(c) => Value::char(*c),
            DatumKind::Str(s) => string(s.as_str()),
            DatumKind::Symbol(s) => Value::symbol(*s),
            DatumKind::Keyword(s) => Value::keyword(*s),
            DatumKind::List(items, tail) => {
                let mut out = match tail {
                    Some(t) => t.to_value(),
                    None => Value::NIL,
                };
                for item in items.iter().rev() {
                    out = cons(item.to_value(), out);
                }
                out
            }
            DatumKind::Vector(items) => Value::object(Object::Vector(parking_lot::RwLock::new(
                items.iter().map(Datum::to_value).collect(),
            ))),
            DatumKind::Map(items) => {
                // A quoted map literal: keys and values taken as data.
                let mut m = lisp_runtime::map::LMap::new();
                for kv in items.chunks(2) {
                    if let [k, v] = kv {
                        m = m.set(k.to_value(), v.to_value());
                    }
                }
                Value::object(Object::Map(Box::new(m)))
            }
            DatumKind::Value(v) => v.clone(),
        }
    }

    /// Converts a runtime value (e.g. a macro's result) back to a datum,
    /// giving every node `span`.
    pub fn from_value(v: &Value, span: Span) -> Datum {
        let kind = if let Some(n) = v.as_fixnum() {
            DatumKind::Int(n)
        } else if let Some(s) = v.as_symbol() {
            DatumKind::Symbol(s)
        } else if let Some(s) = v.as_keyword() {
            DatumKind::Keyword(s)
        } else if v.is_bool() {
            DatumKind::Bool(v.is_true())
        } else if let Some(c) = v.as_char() {
            DatumKind::Char(c)
        } else if v.is_nil() {
            DatumKind::List(Vec::new(), None)
        } else if let Some(f) = v.as_float() {
            DatumKind::Float(f)
        } else {
            match v.as_object() {
                Some(Object::Pair(_)) => {
                    let mut items = Vec::new();
                    let mut cur = v.clone();
                    while let Some(p) = cur.as_pair() {
                        items.push(Datum::from_value(&p.car, span));
                        let next = p.cdr.clone();
                        cur = next;
                    }
                    let tail = if cur.is_nil() {
                        None
                    } else {
                        Some(Box::new(Datum::from_value(&cur, span)))
                    };
                    DatumKind::List(items, tail)
                }
                Some(Object::String(s)) => DatumKind::Str(s.text.to_string()),
                Some(Object::Vector(items)) => DatumKind::Vector(
                    items
                        .read()
                        .iter()
                        .map(|x| Datum::from_value(x, span))
                        .collect(),
                ),
                _ => DatumKind::Value(v.clone()),
            }
        };
        Datum::new(kind, span)
    }
}

/// Builds a list value from datums (used by quasiquote at expansion time).
pub fn values_list(items: &[Datum]) -> Value {
    list_from(items.iter().map(Datum::to_value).collect::<Vec<_>>())
}
