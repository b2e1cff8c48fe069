//! Builtins: mutable hash tables, shared safely between threads (a lock
//! around a `HashMap` keyed by `equal?`). Key and value lists come out in
//! the table's internal order, which is unspecified but stable while the
//! table is not modified.

use super::{args, doc, Registry};
use lisp_runtime::equality::EqualKey;
use lisp_runtime::list::{cons, list_from};
use lisp_runtime::{Arity, Ctx, Exception, Object, Value};
use parking_lot::Mutex;
use std::collections::HashMap;

type R = Result<Value, Exception>;
type Table = Mutex<HashMap<EqualKey, Value>>;

/// Registers the hash table builtins.
pub fn register(r: &mut Registry) {
    r.category("Hash tables");
    r.def("make-hash-table", Arity::at_least(0), make_hash_table, doc("(make-hash-table)", "A new, empty, mutable hash table whose keys are compared with equal?. Safe to share between threads.", "(hash-table-count (make-hash-table))", "0", "hash-table-set! hash-table-ref"));
    r.def(
        "hash-table?",
        Arity::exactly(1),
        is_hash_table,
        doc(
            "(hash-table? obj)",
            "True if OBJ is a hash table.",
            "(hash-table? (make-hash-table))",
            "#t",
            "make-hash-table",
        ),
    );
    r.def("hash-table-ref", Arity::between(2, 3), hash_table_ref, doc("(hash-table-ref table key [default])", "The value of KEY in TABLE. When absent: DEFAULT if given (called if it is a procedure, as SRFI 69's thunk), otherwise an error.", "(let ((h (make-hash-table))) (hash-table-set! h 'a 1) (hash-table-ref h 'a))", "1", "hash-table-ref/default hash-table-set!"));
    r.def(
        "hash-table-ref/default",
        Arity::exactly(3),
        hash_table_ref_default,
        doc(
            "(hash-table-ref/default table key default)",
            "The value of KEY in TABLE, or DEFAULT.",
            "(hash-table-ref/default (make-hash-table) 'x 0)",
            "0",
            "hash-table-ref",
        ),
    );
    r.def(
        "hash-table-set!",
        Arity::exactly(3),
        hash_table_set,
        doc(
            "(hash-table-set! table key value)",
            "Binds KEY to VALUE in TABLE.",
            "(let ((h (make-hash-table))) (hash-table-set! h \"k\" 2) (hash-table-ref h \"k\"))",
            "2",
            "hash-table-ref hash-table-delete!",
        ),
    );
    r.def("hash-table-delete!", Arity::exactly(2), hash_table_delete, doc("(hash-table-delete! table key)", "Removes KEY from TABLE (if present).", "(let ((h (make-hash-table))) (hash-table-set! h 1 1) (hash-table-delete! h 1) (hash-table-count h))", "0", "hash-table-set!"));
    r.def(
        "hash-table-contains?",
        Arity::exactly(2),
        hash_table_contains,
        doc(
            "(hash-table-contains? table key)",
            "True if TABLE has KEY.",
            "(hash-table-contains? (make-hash-table) 1)",
            "#f",
            "hash-table-ref",
        ),
    );
    r.alias("hash-table-exists?", "hash-table-contains?");
    r.def(
        "hash-table-keys",
        Arity::exactly(1),
        hash_table_keys,
        doc(
            "(hash-table-keys table)",
            "A list of the keys of TABLE (order unspecified).",
            "(let ((h (make-hash-table))) (hash-table-set! h 'a 1) (hash-table-keys h))",
            "(a)",
            "hash-table-values",
        ),
    );
    r.def(
        "hash-table-values",
        Arity::exactly(1),
        hash_table_values,
        doc(
            "(hash-table-values table)",
            "A list of the values of TABLE (order unspecified).",
            "(let ((h (make-hash-table))) (hash-table-set! h 'a 1) (hash-table-values h))",
            "(1)",
            "hash-table-keys",
        ),
    );
    r.def(
        "hash-table-count",
        Arity::exactly(1),
        hash_table_count,
        doc(
            "(hash-table-count table)",
            "The number of entries of TABLE.",
            "(hash-table-count (make-hash-table))",
            "0",
            "hash-table-keys",
        ),
    );
    r.alias("hash-table-size", "hash-table-count");
    r.def(
        "hash-table->alist",
        Arity::exactly(1),
        hash_table_to_alist,
        doc(
            "(hash-table->alist table)",
            "The entries of TABLE as (key . value) pairs (order unspecified).",
            "(let ((h (make-hash-table))) (hash-table-set! h 'a 1) (hash-table->alist h))",
            "((a . 1))",
            "hash-table-keys",
        ),
    );
    r.def("hash-table-update!", Arity::between(3, 4), hash_table_update, doc("(hash-table-update! table key f [default])", "Binds KEY to (f old), where old is its value, or DEFAULT (a thunk or value) when absent.", "(let ((h (make-hash-table))) (hash-table-update! h 'n (lambda (x) (+ x 1)) 0) (hash-table-ref h 'n))", "1", "hash-table-set!"));
    r.def("hash-table-clear!", Arity::exactly(1), hash_table_clear, doc("(hash-table-clear! table)", "Removes every entry of TABLE.", "(let ((h (make-hash-table))) (hash-table-set! h 1 1) (hash-table-clear! h) (hash-table-count h))", "0", "hash-table-delete!"));
    r.def(
        "hash-table-walk",
        Arity::exactly(2),
        hash_table_walk,
        doc(
            "(hash-table-walk table proc)",
            "Calls (proc key value) for every entry.",
            "(hash-table-walk (make-hash-table) list)",
            "#<void>",
            "hash-table->alist",
        ),
    );
    r.def(
        "hash-table-copy",
        Arity::between(1, 2),
        hash_table_copy,
        doc(
            "(hash-table-copy table)",
            "A new hash table with the same entries.",
            "(hash-table-count (hash-table-copy (make-hash-table)))",
            "0",
            "make-hash-table",
        ),
    );
}

fn table<'a>(name: &str, v: &'a Value) -> Result<&'a Table, Exception> {
    match v.as_object() {
        Some(Object::HashTable(t)) => Ok(t),
        _ => Err(Exception::wrong_type(name, 1, "hash table", v)),
    }
}

fn make_hash_table(_: &mut Ctx, _: &[Value]) -> R {
    Ok(Value::object(Object::HashTable(Mutex::new(HashMap::new()))))
}

fn is_hash_table(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(matches!(
        a[0].as_object(),
        Some(Object::HashTable(_))
    )))
}

fn lookup(name: &str, a: &[Value]) -> Result<Option<Value>, Exception> {
    Ok(table(name, &a[0])?
        .lock()
        .get(&EqualKey(a[1].clone()))
        .cloned())
}

fn hash_table_ref(ctx: &mut Ctx, a: &[Value]) -> R {
    if let Some(v) = lookup("hash-table-ref", a)? {
        return Ok(v);
    }
    match a.get(2) {
        Some(d) if args::is_procedure(d) => ctx.apply(d, &[]),
        Some(d) => Ok(d.clone()),
        None => Err(Exception::error(
            format!(
                "hash-table-ref: key not found: {}",
                lisp_runtime::printer::write_string_truncated(&a[1], 60)
            ),
            vec![],
        )),
    }
}

fn hash_table_ref_default(_: &mut Ctx, a: &[Value]) -> R {
    Ok(lookup("hash-table-ref/default", a)?.unwrap_or_else(|| a[2].clone()))
}

fn hash_table_set(_: &mut Ctx, a: &[Value]) -> R {
    table("hash-table-set!", &a[0])?
        .lock()
        .insert(EqualKey(a[1].clone()), a[2].clone());
    Ok(Value::VOID)
}

fn hash_table_delete(_: &mut Ctx, a: &[Value]) -> R {
    table("hash-table-delete!", &a[0])?
        .lock()
        .remove(&EqualKey(a[1].clone()));
    Ok(Value::VOID)
}

fn hash_table_contains(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(lookup("hash-table-contains?", a)?.is_some()))
}

fn hash_table_keys(_: &mut Ctx, a: &[Value]) -> R {
    let keys: Vec<Value> = table("hash-table-keys", &a[0])?
        .lock()
        .keys()
        .map(|k| k.0.clone())
        .collect();
    Ok(list_from(keys))
}

fn hash_table_values(_: &mut Ctx, a: &[Value]) -> R {
    let values: Vec<Value> = table("hash-table-values", &a[0])?
        .lock()
        .values()
        .cloned()
        .collect();
    Ok(list_from(values))
}

fn hash_table_count(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::int(
        table("hash-table-count", &a[0])?.lock().len() as i64
    ))
}

fn entries(name: &str, v: &Value) -> Result<Vec<(Value, Value)>, Exception> {
    Ok(table(name, v)?
        .lock()
        .iter()
        .map(|(k, v)| (k.0.clone(), v.clone()))
        .collect())
}

fn hash_table_to_alist(_: &mut Ctx, a: &[Value]) -> R {
    let pairs = entries("hash-table->alist", &a[0])?;
    Ok(list_from(
        pairs
            .into_iter()
            .map(|(k, v)| cons(k, v))
            .collect::<Vec<_>>(),
    ))
}

fn hash_table_update(ctx: &mut Ctx, a: &[Value]) -> R {
    let f = args::procedure("hash-table-update!", 3, &a[2])?;
    let old = match lookup("hash-table-update!", a)? {
        Some(v) => v,
        None => match a.get(3) {
            Some(d) if args::is_procedure(d) => ctx.apply(d, &[])?,
            Some(d) => d.clone(),
            None => {
                return Err(Exception::error(
                    format!(
                        "hash-table-update!: key not found: {}",
                        lisp_runtime::printer::write_string_truncated(&a[1], 60)
                    ),
                    vec![],
                ))
            }
        },
    };
    let new = ctx.apply(f, &[old])?;
    table("hash-table-update!", &a[0])?
        .lock()
        .insert(EqualKey(a[1].clone()), new);
    Ok(Value::VOID)
}

fn hash_table_clear(_: &mut Ctx, a: &[Value]) -> R {
    table("hash-table-clear!", &a[0])?.lock().clear();
    Ok(Value::VOID)
}

fn hash_table_walk(ctx: &mut Ctx, a: &[Value]) -> R {
    let f = args::procedure("hash-table-walk", 2, &a[1])?;
    for (k, v) in entries("hash-table-walk", &a[0])? {
        ctx.apply(f, &[k, v])?;
    }
    Ok(Value::VOID)
}

fn hash_table_copy(_: &mut Ctx, a: &[Value]) -> R {
    let copy = table("hash-table-copy", &a[0])?.lock().clone();
    Ok(Value::object(Object::HashTable(Mutex::new(copy))))
}
