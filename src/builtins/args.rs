//! Argument checking shared by the builtins: each accessor returns the
//! argument in its Rust form or the standard wrong-type error,
//! `bad argument #N to 'proc' (TYPE expected, got VALUE)`.

use lisp_runtime::object::LString;
use lisp_runtime::{Exception, Object, Symbol, Value};

pub type R<T> = Result<T, Exception>;

/// A fixnum argument (big integers are rejected as out of range).
pub fn int(proc_name: &str, pos: usize, v: &Value) -> R<i64> {
    v.as_fixnum()
        .ok_or_else(|| Exception::wrong_type(proc_name, pos, "integer", v))
}

/// A non-negative fixnum used as an index or count.
pub fn index(proc_name: &str, pos: usize, v: &Value) -> R<usize> {
    match v.as_fixnum() {
        Some(n) if n >= 0 => Ok(n as usize),
        _ => Err(Exception::wrong_type(
            proc_name,
            pos,
            "non-negative integer",
            v,
        )),
    }
}

/// Any real number as an f64.
pub fn float(proc_name: &str, pos: usize, v: &Value) -> R<f64> {
    lisp_runtime::number::arg(proc_name, pos, v).map(|n| n.to_f64())
}

/// A string argument.
pub fn string<'a>(proc_name: &str, pos: usize, v: &'a Value) -> R<&'a LString> {
    match v.as_object() {
        Some(Object::String(s)) => Ok(s),
        _ => Err(Exception::wrong_type(proc_name, pos, "string", v)),
    }
}

/// A string argument as `&str`.
pub fn str<'a>(proc_name: &str, pos: usize, v: &'a Value) -> R<&'a str> {
    string(proc_name, pos, v).map(|s| &*s.text)
}

/// A character argument.
pub fn char(proc_name: &str, pos: usize, v: &Value) -> R<char> {
    v.as_char()
        .ok_or_else(|| Exception::wrong_type(proc_name, pos, "character", v))
}

/// A symbol argument.
pub fn symbol(proc_name: &str, pos: usize, v: &Value) -> R<Symbol> {
    v.as_symbol()
        .ok_or_else(|| Exception::wrong_type(proc_name, pos, "symbol", v))
}

/// A proper list argument, as a vector of its elements.
pub fn list(proc_name: &str, pos: usize, v: &Value) -> R<Vec<Value>> {
    lisp_runtime::list::list_to_vec(v)
        .ok_or_else(|| Exception::wrong_type(proc_name, pos, "list", v))
}

/// Whether `v` is a proper list (walked without cloning anything).
pub fn is_proper_list(v: &Value) -> bool {
    let mut cur = v;
    while let Some(p) = cur.as_pair() {
        cur = &p.cdr;
    }
    cur.is_nil()
}

/// A procedure argument (closure, builtin, parameter or record accessor).
pub fn procedure<'a>(proc_name: &str, pos: usize, v: &'a Value) -> R<&'a Value> {
    if is_procedure(v) {
        Ok(v)
    } else {
        Err(Exception::wrong_type(proc_name, pos, "procedure", v))
    }
}

/// Whether `v` can be called.
pub fn is_procedure(v: &Value) -> bool {
    matches!(
        v.as_object(),
        Some(
            Object::Closure(_)
                | Object::Builtin(_)
                | Object::Parameter(_)
                | Object::Continuation(_)
                | Object::Foreign(_)
        )
    )
}
