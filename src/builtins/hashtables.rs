//! Builtins: mutable hash tables, shared safely between threads (a lock
//! around a `HashMap` keyed by `equal?`).
//!
//! The lock is only ever held for one table operation and never while
//! Lisp code runs: defaults, update procedures and walkers are called on
//! values copied out first. Listing procedures (`hash-table-keys`,
//! `-values`, `->alist`, `-walk`) return entries in the table's internal
//! order: unspecified, the same for every listing while the table is not
//! modified, but not the same between runs or between equal tables.

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
    r.def(
        "make-hash-table",
        Arity::at_least(0),
        make_hash_table,
        doc(
            "(make-hash-table)",
            "A new, empty, mutable hash table whose keys are compared with equal?. Safe to \
             share between threads. Arguments (SRFI 69's equality and hash procedures) are \
             accepted and ignored: keys always compare with equal?.",
            "(hash-table-count (make-hash-table))",
            "0",
            "hash-table-set! hash-table-ref",
        ),
    );
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
    r.def(
        "hash-table-ref",
        Arity::between(2, 3),
        hash_table_ref,
        doc(
            "(hash-table-ref table key [default])",
            "The value of KEY in TABLE (keys compare with equal?). A missing KEY gives \
             DEFAULT; if DEFAULT is a procedure it is called with no arguments and its \
             result returned (SRFI 69's failure thunk, so a procedure cannot itself be the \
             default: use hash-table-ref/default). Without DEFAULT a missing KEY is an \
             error naming the key.",
            "(let ((h (make-hash-table))) (hash-table-set! h 'a 1) (hash-table-ref h 'a))",
            "1",
            "hash-table-ref/default hash-table-set!",
        ),
    );
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
    r.def("hash-table-delete!", Arity::exactly(2), hash_table_delete, doc("(hash-table-delete! table key)", "Removes KEY from TABLE; an absent KEY is not an error.", "(let ((h (make-hash-table))) (hash-table-set! h 1 1) (hash-table-delete! h 1) (hash-table-count h))", "0", "hash-table-set!"));
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
            "A list of the keys of TABLE, in the table's internal order (unspecified, but \
             the same as hash-table-values while TABLE is unchanged).",
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
            "A list of the values of TABLE, in the same order as hash-table-keys.",
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
            "A new list of TABLE's entries as (key . value) pairs, in the order of \
             hash-table-keys.",
            "(let ((h (make-hash-table))) (hash-table-set! h 'a 1) (hash-table->alist h))",
            "((a . 1))",
            "hash-table-keys",
        ),
    );
    r.def("hash-table-update!", Arity::between(3, 4), hash_table_update, doc("(hash-table-update! table key f [default])", "Binds KEY to (f old), where old is KEY's value; when KEY is absent, old is \
             DEFAULT (called if it is a procedure, as SRFI 69's thunk), and without DEFAULT \
             that is an error. Atomic with respect to other updates: if another thread \
             changes KEY while F runs, F is called again on the new value (as atom-swap! \
             retries), so F should have no side effects.", "(let ((h (make-hash-table))) (hash-table-update! h 'n (lambda (x) (+ x 1)) 0) (hash-table-ref h 'n))", "1", "hash-table-set!"));
    r.def(
        "hash-table-update!/default",
        Arity::exactly(4),
        hash_table_update_default,
        doc(
            "(hash-table-update!/default table key f default)",
            "SRFI 69: binds KEY to (f old), where old is KEY's value, or DEFAULT (never \
             called, even if a procedure) when absent.",
            "(let ((h (make-hash-table))) (hash-table-update!/default h 'n (lambda (x) (* x 2)) 5) (hash-table-ref h 'n))",
            "10",
            "hash-table-update!",
        ),
    );
    r.def(
        "alist->hash-table",
        Arity::at_least(1),
        alist_to_hash_table,
        doc(
            "(alist->hash-table alist)",
            "A new hash table of the (key . value) pairs of ALIST; for a repeated key the \
             first pair wins, as SRFI 69 says. Further arguments are ignored.",
            "(hash-table-ref (alist->hash-table '((a . 1) (a . 2))) 'a)",
            "1",
            "hash-table->alist make-hash-table",
        ),
    );
    r.def("hash-table-clear!", Arity::exactly(1), hash_table_clear, doc("(hash-table-clear! table)", "Removes every entry of TABLE.", "(let ((h (make-hash-table))) (hash-table-set! h 1 1) (hash-table-clear! h) (hash-table-count h))", "0", "hash-table-delete!"));
    r.def(
        "hash-table-walk",
        Arity::exactly(2),
        hash_table_walk,
        doc(
            "(hash-table-walk table proc)",
            "Calls (proc key value) for every entry, in the order of hash-table-keys, on \
             a snapshot: PROC may modify TABLE.",
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
            "(hash-table-copy table [mutable?])",
            "A new hash table with the same entries. MUTABLE? (from SRFI 69) is ignored: \
             every hash table is mutable.",
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
    Ok(Value::object(Object::HashTable(Box::new(Mutex::new(
        HashMap::new(),
    )))))
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
    let current = lookup("hash-table-ref", a)?;
    current_or_default(ctx, "hash-table-ref", current, &a[1], a.get(2), true)
}

fn hash_table_ref_default(_: &mut Ctx, a: &[Value]) -> R {
    Ok(lookup("hash-table-ref/default", a)?.unwrap_or_else(|| a[2].clone()))
}

fn hash_table_set(_: &mut Ctx, a: &[Value]) -> R {
    // The replaced value is freed after the lock is released (this `let`
    // ends the guard's life), so other threads never wait on a long free.
    let replaced = table("hash-table-set!", &a[0])?
        .lock()
        .insert(EqualKey(a[1].clone()), a[2].clone());
    drop(replaced);
    Ok(Value::VOID)
}

fn hash_table_delete(_: &mut Ctx, a: &[Value]) -> R {
    let removed = table("hash-table-delete!", &a[0])?
        .lock()
        .remove(&EqualKey(a[1].clone()));
    drop(removed);
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

/// KEY's value, or the value that stands for it when absent (`default`,
/// called if a procedure and `call_default` says so).
fn current_or_default(
    ctx: &mut Ctx,
    name: &str,
    current: Option<Value>,
    key: &Value,
    default: Option<&Value>,
    call_default: bool,
) -> R {
    match (current, default) {
        (Some(v), _) => Ok(v),
        (None, Some(d)) if call_default && args::is_procedure(d) => ctx.apply(d, &[]),
        (None, Some(d)) => Ok(d.clone()),
        (None, None) => Err(Exception::error(
            format!(
                "{name}: key not found: {}",
                lisp_runtime::printer::write_string_truncated(key, 60)
            ),
            vec![],
        )),
    }
}

/// Binds `a[1]` to `(f old)` by compare-and-set: F runs without the lock,
/// and the result is stored only if the entry is still the one F saw
/// (the same value, or still absent); otherwise F runs again.
fn update(ctx: &mut Ctx, name: &str, a: &[Value], call_default: bool) -> R {
    let t = table(name, &a[0])?;
    let f = args::procedure(name, 3, &a[2])?;
    let key = EqualKey(a[1].clone());
    loop {
        let seen = t.lock().get(&key).cloned();
        let old = current_or_default(ctx, name, seen.clone(), &a[1], a.get(3), call_default)?;
        let new = ctx.apply(f, &[old])?;
        let mut entries = t.lock();
        let unchanged = match (entries.get(&key), &seen) {
            (Some(now), Some(was)) => now.is(was),
            (None, None) => true,
            _ => false,
        };
        if unchanged {
            let replaced = entries.insert(key, new);
            drop(entries);
            drop(replaced);
            return Ok(Value::VOID);
        }
    }
}

fn hash_table_update(ctx: &mut Ctx, a: &[Value]) -> R {
    update(ctx, "hash-table-update!", a, true)
}

fn hash_table_update_default(ctx: &mut Ctx, a: &[Value]) -> R {
    update(ctx, "hash-table-update!/default", a, false)
}

fn alist_to_hash_table(_: &mut Ctx, a: &[Value]) -> R {
    let mut out = HashMap::new();
    for entry in args::list("alist->hash-table", 1, &a[0])? {
        let Some(p) = entry.as_pair() else {
            return Err(Exception::error(
                format!(
                    "alist->hash-table: association list element is not a pair: {}",
                    lisp_runtime::printer::write_string_truncated(&entry, 60)
                ),
                vec![],
            ));
        };
        out.entry(EqualKey(p.car.clone()))
            .or_insert_with(|| p.cdr.clone());
    }
    Ok(Value::object(Object::HashTable(Box::new(Mutex::new(out)))))
}

fn hash_table_clear(_: &mut Ctx, a: &[Value]) -> R {
    let old = std::mem::take(&mut *table("hash-table-clear!", &a[0])?.lock());
    drop(old);
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
    Ok(Value::object(Object::HashTable(Box::new(Mutex::new(copy)))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lisp_runtime::printer::write_string;

    fn v(text: &str) -> Value {
        crate::reader::read_all(text, 0).expect("datum")[0].to_value()
    }

    fn call(f: fn(&mut Ctx, &[Value]) -> R, args: &[Value]) -> String {
        match f(&mut Ctx::new(Vec::new(), 0, std::sync::Arc::new(())), args) {
            Ok(x) => write_string(&x),
            Err(e) => format!("error: {}", e.message()),
        }
    }

    fn new_table() -> Value {
        make_hash_table(&mut Ctx::new(Vec::new(), 0, std::sync::Arc::new(())), &[]).expect("table")
    }

    #[test]
    fn keys_compare_with_equal() {
        let h = new_table();
        call(hash_table_set, &[h.clone(), v("(1 2)"), v("list")]);
        call(hash_table_set, &[h.clone(), v("\"k\""), v("string")]);
        call(hash_table_set, &[h.clone(), v("#(1)"), v("vector")]);
        assert_eq!(call(hash_table_ref, &[h.clone(), v("(1 2)")]), "list");
        assert_eq!(call(hash_table_ref, &[h.clone(), v("\"k\"")]), "string");
        assert_eq!(call(hash_table_ref, &[h.clone(), v("#(1)")]), "vector");
        assert_eq!(call(hash_table_count, std::slice::from_ref(&h)), "3");
        call(hash_table_set, &[h.clone(), v("(1 2)"), v("again")]);
        assert_eq!(call(hash_table_count, std::slice::from_ref(&h)), "3");
        assert_eq!(call(hash_table_ref, &[h.clone(), v("(1 2)")]), "again");
        assert_eq!(call(hash_table_contains, &[h.clone(), v("\"k\"")]), "#t");
        call(hash_table_delete, &[h.clone(), v("\"k\"")]);
        call(hash_table_delete, &[h.clone(), v("absent")]);
        assert_eq!(call(hash_table_contains, &[h.clone(), v("\"k\"")]), "#f");
        call(hash_table_clear, std::slice::from_ref(&h));
        assert_eq!(call(hash_table_count, &[h]), "0");
    }

    #[test]
    fn missing_keys_use_the_default_or_name_the_key() {
        let h = new_table();
        assert_eq!(call(hash_table_ref, &[h.clone(), v("zz"), v("0")]), "0");
        assert_eq!(
            call(hash_table_ref_default, &[h.clone(), v("zz"), v("d")]),
            "d"
        );
        assert_eq!(
            call(hash_table_ref, &[h.clone(), v("(a b)")]),
            "error: hash-table-ref: key not found: (a b)"
        );
        assert_eq!(
            call(hash_table_update, &[h.clone(), v("k"), v("5")]),
            "error: bad argument #3 to 'hash-table-update!' (procedure expected, got 5)"
        );
        assert_eq!(
            call(hash_table_ref, &[v("(1)"), v("1")]),
            "error: bad argument #1 to 'hash-table-ref' (hash table expected, got (1))"
        );
    }

    #[test]
    fn listings_agree_in_order() {
        let h = new_table();
        for i in 0..50 {
            call(
                hash_table_set,
                &[h.clone(), Value::int(i), Value::int(i * 10)],
            );
        }
        let listing = |f: fn(&mut Ctx, &[Value]) -> R| {
            let ctx = &mut Ctx::new(Vec::new(), 0, std::sync::Arc::new(()));
            let list = f(ctx, std::slice::from_ref(&h)).expect("listing");
            lisp_runtime::list::list_to_vec(&list).expect("a list")
        };
        let (keys, values) = (listing(hash_table_keys), listing(hash_table_values));
        assert_eq!(keys.len(), 50);
        for (k, val) in keys.iter().zip(&values) {
            assert_eq!(k.as_fixnum().map(|k| k * 10), val.as_fixnum());
        }
        let alist = call(hash_table_to_alist, std::slice::from_ref(&h));
        assert!(alist.starts_with(&format!("(({} . ", write_string(&keys[0]))));
        let copy = call(hash_table_copy, &[h]);
        assert!(copy.starts_with("#<hash-table"), "{copy}");
    }

    #[test]
    fn alist_conversion_keeps_the_first_binding() {
        let h = alist_to_hash_table(
            &mut Ctx::new(Vec::new(), 0, std::sync::Arc::new(())),
            &[v("((a . 1) (b . 2) (a . 3))")],
        )
        .expect("table");
        assert_eq!(call(hash_table_ref, &[h.clone(), v("a")]), "1");
        assert_eq!(call(hash_table_count, &[h]), "2");
        assert_eq!(
            call(alist_to_hash_table, &[v("((a . 1) b)")]),
            "error: alist->hash-table: association list element is not a pair: b"
        );
    }
}
