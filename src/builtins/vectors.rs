//! Builtins: vectors. A vector is a lock around a `Vec<Value>`: threads may
//! read and write one concurrently without tearing values. Locks are never
//! held while Lisp code runs (items are cloned out first).

use super::{args, doc, Registry};
use lisp_runtime::list::list_from;
use lisp_runtime::{Arity, Ctx, Exception, Object, Value};
use parking_lot::RwLock;

type R = Result<Value, Exception>;

/// Registers the vector builtins.
pub fn register(r: &mut Registry) {
    r.category("Vectors");
    r.def(
        "vector",
        Arity::at_least(0),
        vector,
        doc(
            "(vector obj ...)",
            "A new vector of the arguments.",
            "(vector 1 2 3)",
            "#(1 2 3)",
            "make-vector list->vector",
        ),
    );
    r.def(
        "make-vector",
        Arity::between(1, 2),
        make_vector,
        doc(
            "(make-vector k [fill])",
            "A new vector of K elements, each FILL (default 0).",
            "(make-vector 3 'x)",
            "#(x x x)",
            "vector",
        ),
    );
    r.def(
        "vector?",
        Arity::exactly(1),
        is_vector,
        doc(
            "(vector? obj)",
            "True if OBJ is a vector.",
            "(vector? #(1))",
            "#t",
            "vector",
        ),
    );
    r.def(
        "vector-length",
        Arity::exactly(1),
        vector_length,
        doc(
            "(vector-length vector)",
            "The number of elements of VECTOR.",
            "(vector-length #(1 2 3))",
            "3",
            "vector-ref",
        ),
    );
    r.def(
        "vector-ref",
        Arity::exactly(2),
        vector_ref,
        doc(
            "(vector-ref vector k)",
            "The element of VECTOR at index K (from 0).",
            "(vector-ref #(a b c) 1)",
            "b",
            "vector-set!",
        ),
    );
    r.def(
        "vector-set!",
        Arity::exactly(3),
        vector_set,
        doc(
            "(vector-set! vector k obj)",
            "Stores OBJ at index K of VECTOR.",
            "(let ((v (vector 1 2))) (vector-set! v 0 9) v)",
            "#(9 2)",
            "vector-ref",
        ),
    );
    r.def(
        "vector->list",
        Arity::between(1, 3),
        vector_to_list,
        doc(
            "(vector->list vector [start [end]])",
            "A list of the elements of VECTOR (from START to END).",
            "(vector->list #(1 2 3) 1)",
            "(2 3)",
            "list->vector",
        ),
    );
    r.def(
        "list->vector",
        Arity::exactly(1),
        list_to_vector,
        doc(
            "(list->vector list)",
            "A new vector of the elements of LIST.",
            "(list->vector '(1 2))",
            "#(1 2)",
            "vector->list",
        ),
    );
    r.def(
        "vector-fill!",
        Arity::between(2, 4),
        vector_fill,
        doc(
            "(vector-fill! vector obj [start [end]])",
            "Stores OBJ in every element of VECTOR (from START to END).",
            "(let ((v (vector 1 2 3))) (vector-fill! v 0) v)",
            "#(0 0 0)",
            "make-vector",
        ),
    );
    r.def(
        "vector-map",
        Arity::at_least(2),
        vector_map,
        doc(
            "(vector-map proc vector ...)",
            "A new vector of the results of PROC on the elements, stopping at the shortest.",
            "(vector-map (lambda (x) (* x x)) #(1 2 3))",
            "#(1 4 9)",
            "vector-for-each map",
        ),
    );
    r.def(
        "vector-for-each",
        Arity::at_least(2),
        vector_for_each,
        doc(
            "(vector-for-each proc vector ...)",
            "Applies PROC to the elements in order, for its effects.",
            "(vector-for-each display #())",
            "#<void>",
            "vector-map",
        ),
    );
    r.def(
        "vector-copy",
        Arity::between(1, 3),
        vector_copy,
        doc(
            "(vector-copy vector [start [end]])",
            "A new vector with the elements of VECTOR (from START to END).",
            "(vector-copy #(1 2 3) 1)",
            "#(2 3)",
            "subvector",
        ),
    );
    r.alias("subvector", "vector-copy");
    r.def(
        "vector-append",
        Arity::at_least(0),
        vector_append,
        doc(
            "(vector-append vector ...)",
            "A new vector of the elements of every argument.",
            "(vector-append #(1) #(2 3))",
            "#(1 2 3)",
            "append",
        ),
    );
    r.def(
        "vector-grow",
        Arity::exactly(2),
        vector_grow,
        doc(
            "(vector-grow vector k)",
            "A new vector of length K starting with the elements of VECTOR (the rest are 0).",
            "(vector-grow #(1 2) 3)",
            "#(1 2 0)",
            "vector-copy",
        ),
    );
}

fn vector_obj<'a>(
    name: &str,
    pos: usize,
    v: &'a Value,
) -> Result<&'a RwLock<Vec<Value>>, Exception> {
    match v.as_object() {
        Some(Object::Vector(items)) => Ok(items),
        _ => Err(Exception::wrong_type(name, pos, "vector", v)),
    }
}

/// A new vector value.
pub fn make(items: Vec<Value>) -> Value {
    Value::object(Object::Vector(RwLock::new(items)))
}

fn index_error(name: &str, k: &Value, len: usize) -> Exception {
    Exception::error(
        format!(
            "{name}: index {} out of range for vector of length {len}",
            lisp_runtime::printer::write_string(k)
        ),
        vec![],
    )
}

/// `[start, end)` from optional arguments at `a[from]` and `a[from + 1]`.
fn bounds(name: &str, a: &[Value], from: usize, len: usize) -> Result<(usize, usize), Exception> {
    let start = match a.get(from) {
        Some(v) => args::index(name, from + 1, v)?,
        None => 0,
    };
    let end = match a.get(from + 1) {
        Some(v) => args::index(name, from + 2, v)?,
        None => len,
    };
    if start > end || end > len {
        return Err(Exception::error(
            format!("{name}: range {start}..{end} out of bounds for length {len}"),
            vec![],
        ));
    }
    Ok((start, end))
}

fn vector(_: &mut Ctx, a: &[Value]) -> R {
    Ok(make(a.to_vec()))
}

fn make_vector(_: &mut Ctx, a: &[Value]) -> R {
    let k = args::index("make-vector", 1, &a[0])?;
    if k > 1 << 32 {
        return Err(Exception::error(
            format!("make-vector: size {k} too large"),
            vec![],
        ));
    }
    let fill = a.get(1).cloned().unwrap_or(Value::fixnum(0));
    Ok(make(vec![fill; k]))
}

fn is_vector(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(matches!(
        a[0].as_object(),
        Some(Object::Vector(_))
    )))
}

fn vector_length(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::int(
        vector_obj("vector-length", 1, &a[0])?.read().len() as i64,
    ))
}

fn vector_ref(_: &mut Ctx, a: &[Value]) -> R {
    let items = vector_obj("vector-ref", 1, &a[0])?.read();
    let k = args::int("vector-ref", 2, &a[1])?;
    usize::try_from(k)
        .ok()
        .and_then(|k| items.get(k).cloned())
        .ok_or_else(|| index_error("vector-ref", &a[1], items.len()))
}

fn vector_set(_: &mut Ctx, a: &[Value]) -> R {
    let mut items = vector_obj("vector-set!", 1, &a[0])?.write();
    let k = args::int("vector-set!", 2, &a[1])?;
    let len = items.len();
    let slot = usize::try_from(k)
        .ok()
        .and_then(|k| items.get_mut(k))
        .ok_or_else(|| index_error("vector-set!", &a[1], len))?;
    *slot = a[2].clone();
    Ok(Value::VOID)
}

fn vector_to_list(_: &mut Ctx, a: &[Value]) -> R {
    let items = vector_obj("vector->list", 1, &a[0])?.read().clone();
    let (start, end) = bounds("vector->list", a, 1, items.len())?;
    Ok(list_from(items[start..end].to_vec()))
}

fn list_to_vector(_: &mut Ctx, a: &[Value]) -> R {
    Ok(make(args::list("list->vector", 1, &a[0])?))
}

fn vector_fill(_: &mut Ctx, a: &[Value]) -> R {
    let mut items = vector_obj("vector-fill!", 1, &a[0])?.write();
    let (start, end) = bounds("vector-fill!", a, 2, items.len())?;
    for slot in &mut items[start..end] {
        *slot = a[1].clone();
    }
    Ok(Value::VOID)
}

fn columns(name: &str, vs: &[Value]) -> Result<(Vec<Vec<Value>>, usize), Exception> {
    let mut out = Vec::new();
    for (i, v) in vs.iter().enumerate() {
        out.push(vector_obj(name, i + 2, v)?.read().clone());
    }
    let n = out.iter().map(Vec::len).min().unwrap_or(0);
    Ok((out, n))
}

fn vector_map(ctx: &mut Ctx, a: &[Value]) -> R {
    let f = args::procedure("vector-map", 1, &a[0])?;
    let (cols, n) = columns("vector-map", &a[1..])?;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let row: Vec<Value> = cols.iter().map(|c| c[i].clone()).collect();
        out.push(ctx.apply(f, &row)?);
    }
    Ok(make(out))
}

fn vector_for_each(ctx: &mut Ctx, a: &[Value]) -> R {
    let f = args::procedure("vector-for-each", 1, &a[0])?;
    let (cols, n) = columns("vector-for-each", &a[1..])?;
    for i in 0..n {
        let row: Vec<Value> = cols.iter().map(|c| c[i].clone()).collect();
        ctx.apply(f, &row)?;
    }
    Ok(Value::VOID)
}

fn vector_copy(_: &mut Ctx, a: &[Value]) -> R {
    let items = vector_obj("vector-copy", 1, &a[0])?.read().clone();
    let (start, end) = bounds("vector-copy", a, 1, items.len())?;
    Ok(make(items[start..end].to_vec()))
}

fn vector_append(_: &mut Ctx, a: &[Value]) -> R {
    let mut out = Vec::new();
    for (i, v) in a.iter().enumerate() {
        out.extend(
            vector_obj("vector-append", i + 1, v)?
                .read()
                .iter()
                .cloned(),
        );
    }
    Ok(make(out))
}

fn vector_grow(_: &mut Ctx, a: &[Value]) -> R {
    let mut items = vector_obj("vector-grow", 1, &a[0])?.read().clone();
    let k = args::index("vector-grow", 2, &a[1])?;
    if k < items.len() || k > 1 << 32 {
        return Err(Exception::error(
            format!(
                "vector-grow: cannot grow a vector of length {} to {k}",
                items.len()
            ),
            vec![],
        ));
    }
    items.resize(k, Value::fixnum(0));
    Ok(make(items))
}
