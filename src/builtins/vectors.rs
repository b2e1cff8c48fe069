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
    r.def(
        "subvector",
        Arity::exactly(3),
        subvector,
        doc(
            "(subvector vector start end)",
            "A new vector of the elements of VECTOR from index START up to but excluding END.",
            "(subvector #(a b c d) 1 3)",
            "#(b c)",
            "vector-copy",
        ),
    );
    r.def(
        "vector-copy!",
        Arity::between(3, 5),
        vector_copy_into,
        doc(
            "(vector-copy! to at from [start [end]])",
            "Copies the elements of FROM (from START to END) into TO starting at index AT, \
             as R7RS does; TO and FROM may be the same vector.",
            "(let ((v (vector 1 2 3 4))) (vector-copy! v 1 #(a b)) v)",
            "#(1 a b 4)",
            "vector-copy vector-fill!",
        ),
    );
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
) -> Result<&'a RwLock<Box<[Value]>>, Exception> {
    match v.as_object() {
        Some(Object::Vector(items)) => Ok(items),
        _ => Err(Exception::wrong_type(name, pos, "vector", v)),
    }
}

/// A new vector value.
pub fn make(items: Vec<Value>) -> Value {
    Value::object(Object::Vector(RwLock::new(items.into_boxed_slice())))
}

/// `NAME: index K out of range for vector of length N`.
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
    if end > len {
        return Err(Exception::error(
            format!("{name}: end index {end} out of range for vector of length {len}"),
            vec![],
        ));
    }
    if start > end {
        return Err(Exception::error(
            format!("{name}: start index {start} is past end index {end}"),
            vec![],
        ));
    }
    Ok((start, end))
}

fn vector(_: &mut Ctx, a: &[Value]) -> R {
    Ok(make(a.to_vec()))
}

/// `items` grown to `len` elements of `fill`, or a catchable error if
/// that many cannot fit in memory (see `memory.rs`).
fn filled(name: &str, mut items: Vec<Value>, len: usize, fill: Value) -> R {
    super::memory::ensure_room(name, "vector", len, super::memory::VECTOR_SLOT)?;
    items.resize(len, fill);
    Ok(make(items))
}

fn make_vector(_: &mut Ctx, a: &[Value]) -> R {
    let k = args::index("make-vector", 1, &a[0])?;
    let fill = a.get(1).cloned().unwrap_or(Value::fixnum(0));
    filled("make-vector", Vec::new(), k, fill)
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

/// An index argument: any exact integer (a big or negative one is simply
/// out of range), `None` standing for "out of range".
fn index_arg(name: &str, pos: usize, k: &Value) -> Result<Option<usize>, Exception> {
    if let Some(n) = k.as_fixnum() {
        return Ok(usize::try_from(n).ok());
    }
    match k.as_object() {
        Some(Object::BigInt(_)) => Ok(None),
        _ => Err(Exception::wrong_type(name, pos, "integer", k)),
    }
}

fn vector_ref(_: &mut Ctx, a: &[Value]) -> R {
    let lock = vector_obj("vector-ref", 1, &a[0])?;
    let k = index_arg("vector-ref", 2, &a[1])?;
    let items = lock.read();
    k.and_then(|k| items.get(k).cloned())
        .ok_or_else(|| index_error("vector-ref", &a[1], items.len()))
}

fn vector_set(_: &mut Ctx, a: &[Value]) -> R {
    let lock = vector_obj("vector-set!", 1, &a[0])?;
    let k = index_arg("vector-set!", 2, &a[1])?;
    // The old element is freed after the lock is released: freeing a long
    // list takes a while, and other threads should not wait for it.
    let old = {
        let mut items = lock.write();
        let len = items.len();
        let slot = k
            .and_then(|k| items.get_mut(k))
            .ok_or_else(|| index_error("vector-set!", &a[1], len))?;
        std::mem::replace(slot, a[2].clone())
    };
    drop(old);
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
        out.push(vector_obj(name, i + 2, v)?.read().to_vec());
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

/// The elements of vector `a[0]` between the optional bounds `a[1]`, `a[2]`.
fn copy_range(name: &str, a: &[Value]) -> R {
    let items = vector_obj(name, 1, &a[0])?.read();
    let (start, end) = bounds(name, a, 1, items.len())?;
    Ok(make(items[start..end].to_vec()))
}

fn vector_copy(_: &mut Ctx, a: &[Value]) -> R {
    copy_range("vector-copy", a)
}

fn subvector(_: &mut Ctx, a: &[Value]) -> R {
    copy_range("subvector", a)
}

fn vector_copy_into(_: &mut Ctx, a: &[Value]) -> R {
    let to = vector_obj("vector-copy!", 1, &a[0])?;
    let at = args::index("vector-copy!", 2, &a[1])?;
    // Copy the source out first: FROM may be TO itself, and holding its
    // read lock while taking TO's write lock would deadlock.
    let source = {
        let from = vector_obj("vector-copy!", 3, &a[2])?.read();
        let (start, end) = bounds("vector-copy!", a, 3, from.len())?;
        from[start..end].to_vec()
    };
    let mut target = to.write();
    let fits = at
        .checked_add(source.len())
        .is_some_and(|end| end <= target.len());
    if !fits {
        return Err(Exception::error(
            format!(
                "vector-copy!: {} elements do not fit at index {at} of a vector of length {}",
                source.len(),
                target.len()
            ),
            vec![],
        ));
    }
    // As in vector-set!, the replaced elements are freed after unlocking.
    let replaced: Vec<Value> = target[at..at + source.len()]
        .iter_mut()
        .zip(source)
        .map(|(slot, new)| std::mem::replace(slot, new))
        .collect();
    drop(target);
    drop(replaced);
    Ok(Value::VOID)
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
    let items = vector_obj("vector-grow", 1, &a[0])?.read().to_vec();
    let k = args::index("vector-grow", 2, &a[1])?;
    if k < items.len() {
        return Err(Exception::error(
            format!(
                "vector-grow: cannot grow a vector of length {} to {k}",
                items.len()
            ),
            vec![],
        ));
    }
    filled("vector-grow", items, k, Value::fixnum(0))
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

    #[test]
    fn construction_and_access() {
        assert_eq!(call(vector, &[v("1"), v("a")]), "#(1 a)");
        assert_eq!(call(make_vector, &[v("2")]), "#(0 0)");
        assert_eq!(call(make_vector, &[v("2"), v("x")]), "#(x x)");
        assert_eq!(call(list_to_vector, &[v("(1 2)")]), "#(1 2)");
        assert_eq!(call(vector_length, &[v("#(1 2 3)")]), "3");
        assert_eq!(call(vector_ref, &[v("#(a b c)"), v("2")]), "c");
        assert_eq!(call(is_vector, &[v("(1)")]), "#f");
        assert_eq!(
            call(vector_to_list, &[v("#(1 2 3)"), v("1"), v("2")]),
            "(2)"
        );
    }

    #[test]
    fn index_errors_name_the_procedure_and_index() {
        assert_eq!(
            call(vector_ref, &[v("#(a b c)"), v("5")]),
            "error: vector-ref: index 5 out of range for vector of length 3"
        );
        assert_eq!(
            call(vector_ref, &[v("#(a)"), v("-1")]),
            "error: vector-ref: index -1 out of range for vector of length 1"
        );
        assert_eq!(
            call(vector_ref, &[v("#(a)"), v("100000000000000000000000")]),
            "error: vector-ref: index 100000000000000000000000 out of range for vector of length 1"
        );
        assert_eq!(
            call(vector_set, &[v("#()"), v("0"), v("1")]),
            "error: vector-set!: index 0 out of range for vector of length 0"
        );
        assert_eq!(
            call(vector_ref, &[v("(1)"), v("0")]),
            "error: bad argument #1 to 'vector-ref' (vector expected, got (1))"
        );
        assert_eq!(
            call(vector_copy, &[v("#(1 2)"), v("1"), v("3")]),
            "error: vector-copy: end index 3 out of range for vector of length 2"
        );
    }

    #[test]
    fn mutation_is_visible_through_every_reference() {
        let vec = v("#(1 2 3)");
        call(vector_set, &[vec.clone(), v("0"), v("x")]);
        assert_eq!(write_string(&vec), "#(x 2 3)");
        call(vector_fill, &[vec.clone(), v("0"), v("2")]);
        assert_eq!(write_string(&vec), "#(x 2 0)");
        call(
            vector_copy_into,
            &[vec.clone(), v("1"), vec.clone(), v("0"), v("2")],
        );
        assert_eq!(write_string(&vec), "#(x x 2)");
        assert_eq!(
            call(vector_copy_into, &[vec.clone(), v("2"), v("#(a b)")]),
            "error: vector-copy!: 2 elements do not fit at index 2 of a vector of length 3"
        );
    }

    #[test]
    fn copies_are_fresh_and_sizes_are_checked() {
        let vec = v("#(1 2)");
        let copy = vector_copy(
            &mut Ctx::new(Vec::new(), 0, std::sync::Arc::new(())),
            std::slice::from_ref(&vec),
        )
        .expect("copy");
        call(vector_set, &[copy.clone(), v("0"), v("9")]);
        assert_eq!(write_string(&vec), "#(1 2)");
        assert_eq!(write_string(&copy), "#(9 2)");
        assert_eq!(
            call(subvector, &[v("#(a b c d)"), v("1"), v("3")]),
            "#(b c)"
        );
        assert_eq!(
            call(vector_append, &[v("#(1)"), v("#()"), v("#(2)")]),
            "#(1 2)"
        );
        assert_eq!(call(vector_grow, &[v("#(1)"), v("3")]), "#(1 0 0)");
        assert_eq!(
            call(make_vector, &[Value::int(1 << 61)]),
            "error: make-vector: cannot allocate a vector of 2305843009213693952 elements"
        );
    }
}
