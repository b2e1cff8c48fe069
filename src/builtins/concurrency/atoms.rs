//! Atoms, Clojure style: `atom`, `atom?`, `atom-deref` (alias `deref`),
//! `atom-swap!`, `atom-reset!`, `atom-compare-and-set!`.
//!
//! An atom is a `Mutex<Value>`. The lock is held only to read or write the
//! word, never while Lisp code runs: `atom-swap!` reads the current value,
//! calls f outside the lock, and installs the result only if the atom still
//! holds the very value f was given (identity, `Value::is`), retrying
//! otherwise. So f may run more than once and must not have side effects
//! that matter, exactly as in Clojure.
//!
//! `atom-compare-and-set!` compares with `eqv?`: identity for heap objects
//! (so a list read by `atom-deref` compares equal to itself, a fresh equal
//! list does not), and numeric value for numbers, so `(atom-compare-and-set!
//! a 10 11)` works even though 10 might be stored as a boxed integer.

use crate::builtins::{args, doc, Registry};
use lisp_runtime::equality::eqv;
use lisp_runtime::{Arity, Ctx, Exception, Object, Value};
use parking_lot::Mutex;

type R = Result<Value, Exception>;

pub fn register(r: &mut Registry) {
    r.def("atom", Arity::exactly(1), atom, doc(
        "(atom value)",
        "A new atom holding VALUE: a shared mutable reference that threads update atomically (Clojure style).",
        "(atom-deref (atom 1))",
        "1",
        "atom-swap! atom-reset! atom-deref atom-compare-and-set!",
    ));
    r.alias("make-atom", "atom");
    r.def(
        "atom?",
        Arity::exactly(1),
        is_atom,
        doc(
            "(atom? obj)",
            "True if OBJ is an atom.",
            "(atom? (atom 1))",
            "#t",
            "atom",
        ),
    );
    r.def(
        "atom-deref",
        Arity::exactly(1),
        atom_deref,
        doc(
            "(atom-deref atom)",
            "The current value of ATOM. Also called deref.",
            "(atom-deref (atom 'v))",
            "v",
            "atom-swap! atom-reset!",
        ),
    );
    r.alias("deref", "atom-deref");
    r.def("atom-swap!", Arity::at_least(2), atom_swap, doc(
        "(atom-swap! atom f arg ...)",
        "Sets ATOM to (f current arg ...) atomically: f runs without any lock, and if another thread changed ATOM meanwhile the swap is retried with the new value (so F may run more than once and should have no side effects). Returns the new value.",
        "(let ((a (atom 1))) (atom-swap! a + 10))",
        "11",
        "atom-reset! atom-compare-and-set! atom-deref",
    ));
    r.def(
        "atom-reset!",
        Arity::exactly(2),
        atom_reset,
        doc(
            "(atom-reset! atom value)",
            "Sets ATOM to VALUE whatever it held; returns VALUE.",
            "(atom-reset! (atom 1) 2)",
            "2",
            "atom-swap!",
        ),
    );
    r.def("atom-compare-and-set!", Arity::exactly(3), atom_cas, doc(
        "(atom-compare-and-set! atom old new)",
        "Sets ATOM to NEW if its current value is eqv? to OLD (the same object, or an equal number), atomically; returns whether it did.",
        "(atom-compare-and-set! (atom 1) 1 2)",
        "#t",
        "atom-swap! atom-deref",
    ));
}

fn atom_cell<'a>(name: &str, v: &'a Value) -> Result<&'a Mutex<Value>, Exception> {
    match v.as_object() {
        Some(Object::Atom(m)) => Ok(m),
        _ => Err(Exception::wrong_type(name, 1, "atom", v)),
    }
}

fn atom(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::object(Object::Atom(Mutex::new(a[0].clone()))))
}

fn is_atom(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(matches!(
        a[0].as_object(),
        Some(Object::Atom(_))
    )))
}

fn atom_deref(_: &mut Ctx, a: &[Value]) -> R {
    Ok(atom_cell("atom-deref", &a[0])?.lock().clone())
}

fn atom_swap(ctx: &mut Ctx, a: &[Value]) -> R {
    let cell = atom_cell("atom-swap!", &a[0])?;
    let f = args::procedure("atom-swap!", 2, &a[1])?;
    let mut call = Vec::with_capacity(a.len() - 1);
    call.push(Value::VOID);
    call.extend_from_slice(&a[2..]);
    loop {
        let old = cell.lock().clone();
        call[0] = old.clone();
        let new = ctx.apply(f, &call)?;
        let mut current = cell.lock();
        // Identity, not eqv?: a fixnum result equal to `old` is the same
        // word, and anything else changed meanwhile means f saw a stale
        // value and must run again.
        if current.is(&old) {
            *current = new.clone();
            return Ok(new);
        }
    }
}

fn atom_reset(_: &mut Ctx, a: &[Value]) -> R {
    *atom_cell("atom-reset!", &a[0])?.lock() = a[1].clone();
    Ok(a[1].clone())
}

fn atom_cas(_: &mut Ctx, a: &[Value]) -> R {
    let mut current = atom_cell("atom-compare-and-set!", &a[0])?.lock();
    if !eqv(&current, &a[1]) {
        return Ok(Value::FALSE);
    }
    *current = a[2].clone();
    Ok(Value::TRUE)
}
