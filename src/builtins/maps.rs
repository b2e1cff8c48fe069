//! Builtins: persistent maps (`{:a 1}`): immutable, compared by contents,
//! listed in insertion order. `map-set` and `map-remove` return new maps
//! that share structure with the old one.

use super::{doc, Registry};
use lisp_runtime::list::{cons, list_from};
use lisp_runtime::map::LMap;
use lisp_runtime::{Arity, Ctx, Exception, Object, Value};

type R = Result<Value, Exception>;

/// Registers the map builtins.
pub fn register(r: &mut Registry) {
    r.category("Maps");
    r.def(
        "hash-map",
        Arity::at_least(0),
        hash_map,
        doc(
            "(hash-map key value ...)",
            "A new map of the given keys and values, in that insertion order; a repeated \
             key keeps its first position and its last value. {key value ...} evaluates \
             to a call of hash-map. An odd number of arguments is an error.",
            "(hash-map :a 1 :b 2)",
            "{:a 1 :b 2}",
            "map-set map-get",
        ),
    );
    r.def(
        "map?",
        Arity::exactly(1),
        is_map,
        doc(
            "(map? obj)",
            "True if OBJ is a map.",
            "(map? {:a 1})",
            "#t",
            "hash-map",
        ),
    );
    r.def(
        "map-get",
        Arity::between(2, 3),
        map_get,
        doc(
            "(map-get map key [default])",
            "The value of KEY in MAP (keys compare with equal?). A missing KEY gives \
             DEFAULT, or #f without one, as Clojure's get gives nil; use map-contains? \
             to tell a stored #f from a missing key.",
            "(list (map-get {:a 1} :a) (map-get {:a 1} :b 0) (map-get {:a 1} :b))",
            "(1 0 #f)",
            "map-contains? map-set",
        ),
    );
    r.def(
        "map-set",
        Arity::exactly(3),
        map_set,
        doc(
            "(map-set map key value)",
            "A new map like MAP with KEY bound to VALUE; MAP itself is unchanged. \
             A new key goes last in insertion order, an existing one keeps its place.",
            "(map-set {:a 1} :b 2)",
            "{:a 1 :b 2}",
            "map-remove map-get",
        ),
    );
    r.alias("map-assoc", "map-set");
    r.def(
        "map-remove",
        Arity::exactly(2),
        map_remove,
        doc(
            "(map-remove map key)",
            "A new map like MAP without KEY; removing an absent key is not an error.",
            "(map-remove {:a 1 :b 2} :a)",
            "{:b 2}",
            "map-set",
        ),
    );
    r.def(
        "map-contains?",
        Arity::exactly(2),
        map_contains,
        doc(
            "(map-contains? map key)",
            "True if MAP has KEY.",
            "(map-contains? {:a 1} :a)",
            "#t",
            "map-get",
        ),
    );
    r.def(
        "map-keys",
        Arity::exactly(1),
        map_keys,
        doc(
            "(map-keys map)",
            "The keys of MAP, in insertion order.",
            "(map-keys {:a 1 :b 2})",
            "(:a :b)",
            "map-values map->list",
        ),
    );
    r.def(
        "map-values",
        Arity::exactly(1),
        map_values,
        doc(
            "(map-values map)",
            "The values of MAP, in insertion order.",
            "(map-values {:a 1 :b 2})",
            "(1 2)",
            "map-keys",
        ),
    );
    r.def(
        "map-count",
        Arity::exactly(1),
        map_count,
        doc(
            "(map-count map)",
            "The number of entries of MAP.",
            "(map-count {:a 1 :b 2})",
            "2",
            "map-keys",
        ),
    );
    r.def(
        "map->list",
        Arity::exactly(1),
        map_to_list,
        doc(
            "(map->list map)",
            "The entries of MAP as (key . value) pairs, in insertion order.",
            "(map->list {:a 1})",
            "((:a . 1))",
            "map-keys",
        ),
    );
    r.def(
        "map-merge",
        Arity::at_least(1),
        map_merge,
        doc(
            "(map-merge map ...)",
            "A new map with the entries of every map; later maps win.",
            "(map-merge {:a 1} {:a 2 :b 3})",
            "{:a 2 :b 3}",
            "map-set",
        ),
    );
    r.def(
        "map-update",
        Arity::between(3, 4),
        map_update,
        doc(
            "(map-update map key f [default])",
            "A new map with KEY bound to (f old), where old is KEY's value, or DEFAULT \
             (#f without one) when KEY is absent.",
            "(map-update {:n 1} :n (lambda (x) (+ x 1)))",
            "{:n 2}",
            "map-set",
        ),
    );
}

fn map_arg<'a>(name: &str, pos: usize, v: &'a Value) -> Result<&'a LMap, Exception> {
    match v.as_object() {
        Some(Object::Map(m)) => Ok(m),
        _ => Err(Exception::wrong_type(name, pos, "map", v)),
    }
}

fn wrap(m: LMap) -> Value {
    Value::object(Object::Map(Box::new(m)))
}

fn hash_map(_: &mut Ctx, a: &[Value]) -> R {
    if !a.len().is_multiple_of(2) {
        return Err(Exception::error(
            format!(
                "hash-map: expected an even number of arguments (key value ...), got {}",
                a.len()
            ),
            vec![],
        ));
    }
    let mut m = LMap::new();
    for kv in a.chunks(2) {
        m = m.set(kv[0].clone(), kv[1].clone());
    }
    Ok(wrap(m))
}

fn is_map(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(matches!(
        a[0].as_object(),
        Some(Object::Map(_))
    )))
}

fn map_get(_: &mut Ctx, a: &[Value]) -> R {
    let m = map_arg("map-get", 1, &a[0])?;
    Ok(m.get(&a[1])
        .cloned()
        .unwrap_or_else(|| a.get(2).cloned().unwrap_or(Value::FALSE)))
}

fn map_set(_: &mut Ctx, a: &[Value]) -> R {
    Ok(wrap(
        map_arg("map-set", 1, &a[0])?.set(a[1].clone(), a[2].clone()),
    ))
}

fn map_remove(_: &mut Ctx, a: &[Value]) -> R {
    Ok(wrap(map_arg("map-remove", 1, &a[0])?.remove(&a[1])))
}

fn map_contains(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(
        map_arg("map-contains?", 1, &a[0])?.contains(&a[1]),
    ))
}

fn map_keys(_: &mut Ctx, a: &[Value]) -> R {
    Ok(list_from(
        map_arg("map-keys", 1, &a[0])?
            .entries()
            .into_iter()
            .map(|(k, _)| k)
            .collect::<Vec<_>>(),
    ))
}

fn map_values(_: &mut Ctx, a: &[Value]) -> R {
    Ok(list_from(
        map_arg("map-values", 1, &a[0])?
            .entries()
            .into_iter()
            .map(|(_, v)| v)
            .collect::<Vec<_>>(),
    ))
}

fn map_count(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::int(map_arg("map-count", 1, &a[0])?.count() as i64))
}

fn map_to_list(_: &mut Ctx, a: &[Value]) -> R {
    let entries = map_arg("map->list", 1, &a[0])?.entries();
    Ok(list_from(
        entries
            .into_iter()
            .map(|(k, v)| cons(k, v))
            .collect::<Vec<_>>(),
    ))
}

fn map_merge(_: &mut Ctx, a: &[Value]) -> R {
    let mut out = map_arg("map-merge", 1, &a[0])?.clone();
    for (i, v) in a[1..].iter().enumerate() {
        for (k, val) in map_arg("map-merge", i + 2, v)?.entries() {
            out = out.set(k, val);
        }
    }
    Ok(wrap(out))
}

fn map_update(ctx: &mut Ctx, a: &[Value]) -> R {
    let m = map_arg("map-update", 1, &a[0])?;
    let f = super::args::procedure("map-update", 3, &a[2])?;
    let old = m
        .get(&a[1])
        .cloned()
        .unwrap_or_else(|| a.get(3).cloned().unwrap_or(Value::FALSE));
    let new = ctx.apply(f, &[old])?;
    Ok(wrap(m.set(a[1].clone(), new)))
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

    fn map_of(kvs: &[&str]) -> Value {
        let args: Vec<Value> = kvs.iter().map(|t| v(t)).collect();
        hash_map(&mut Ctx::new(Vec::new(), 0, std::sync::Arc::new(())), &args).expect("map")
    }

    #[test]
    fn maps_keep_insertion_order_and_are_persistent() {
        let m = map_of(&[":b", "1", ":a", "2"]);
        assert_eq!(write_string(&m), "{:b 1 :a 2}");
        let m2 = map_set(
            &mut Ctx::new(Vec::new(), 0, std::sync::Arc::new(())),
            &[m.clone(), v(":c"), v("3")],
        )
        .expect("set");
        assert_eq!(write_string(&m), "{:b 1 :a 2}");
        assert_eq!(write_string(&m2), "{:b 1 :a 2 :c 3}");
        assert_eq!(
            call(map_set, &[m2.clone(), v(":b"), v("9")]),
            "{:b 9 :a 2 :c 3}"
        );
        assert_eq!(call(map_keys, std::slice::from_ref(&m2)), "(:b :a :c)");
        assert_eq!(call(map_values, std::slice::from_ref(&m2)), "(1 2 3)");
        assert_eq!(
            call(map_to_list, std::slice::from_ref(&m2)),
            "((:b . 1) (:a . 2) (:c . 3))"
        );
        assert_eq!(call(map_count, std::slice::from_ref(&m2)), "3");
        assert_eq!(call(map_remove, &[m2.clone(), v(":a")]), "{:b 1 :c 3}");
        assert_eq!(call(map_remove, &[m2, v(":zz")]), "{:b 1 :a 2 :c 3}");
    }

    #[test]
    fn keys_compare_with_equal() {
        let m = map_of(&["(1 2)", "list", "\"s\"", "string"]);
        assert_eq!(call(map_get, &[m.clone(), v("(1 2)")]), "list");
        assert_eq!(call(map_get, &[m.clone(), v("\"s\"")]), "string");
        assert_eq!(call(map_get, &[m.clone(), v("x")]), "#f");
        assert_eq!(call(map_get, &[m.clone(), v("x"), v("0")]), "0");
        assert_eq!(call(map_contains, &[m.clone(), v("(1 2)")]), "#t");
        assert_eq!(call(map_contains, &[m, v("(1 2 3)")]), "#f");
        assert_eq!(call(is_map, &[v("()")]), "#f");
    }

    #[test]
    fn merge_prefers_later_maps_and_errors_name_the_value() {
        let a = map_of(&[":x", "1", ":y", "2"]);
        let b = map_of(&[":y", "3", ":z", "4"]);
        assert_eq!(call(map_merge, &[a, b]), "{:x 1 :y 3 :z 4}");
        assert_eq!(
            call(hash_map, &[v("1"), v("2"), v("3")]),
            "error: hash-map: expected an even number of arguments (key value ...), got 3"
        );
        assert_eq!(
            call(map_get, &[v("(1)"), v("1")]),
            "error: bad argument #1 to 'map-get' (map expected, got (1))"
        );
        assert_eq!(
            call(map_merge, &[map_of(&[]), v("5")]),
            "error: bad argument #2 to 'map-merge' (map expected, got 5)"
        );
    }
}
