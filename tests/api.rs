//! The embedding API: every entry point, calls from several threads at
//! once, conversions failing as Lisp errors, and a panicking Rust function.

use lisp::api::{Error, Lisp, Value};
use std::sync::Arc;

#[test]
fn eval_call_get_set_round_trip() {
    let lisp = Lisp::new();
    lisp.eval::<()>("(define (add a b) (+ a b)) (define base 100)")
        .unwrap();
    assert_eq!(lisp.call::<i64>("add", (1, 2)).unwrap(), 3);
    assert_eq!(lisp.get::<i64>("base").unwrap(), 100);
    lisp.set("base", 5i64);
    assert_eq!(lisp.eval::<i64>("(add base 1)").unwrap(), 6);
    let v: Vec<String> = lisp.eval("(list \"a\" \"b\")").unwrap();
    assert_eq!(v, vec!["a", "b"]);
    let f: Value = lisp.eval("(lambda (x) (* x 10))").unwrap();
    assert_eq!(lisp.apply::<i64>(&f, (4,)).unwrap(), 40);
    assert!(lisp.eval::<bool>("(> 2 1)").unwrap());
    assert_eq!(lisp.eval::<Option<i64>>("#f").unwrap(), None);
}

#[test]
fn errors_carry_message_and_location() {
    let lisp = Lisp::new();
    let e: Error = lisp.eval::<i64>("\n  (car 1)").unwrap_err();
    assert!(e.message.contains("'car'"), "{e}");
    assert!(e.location.unwrap().ends_with(":2:3"));
    assert!(lisp
        .eval::<i64>("\"not a number\"")
        .unwrap_err()
        .message
        .contains("expected an integer"));
    assert!(lisp.call::<i64>("no-such-procedure", ()).is_err());
}

#[test]
fn registered_closures_convert_arguments_and_survive_panics() {
    let lisp = Lisp::new();
    let offset = 7;
    lisp.register_fn("offset", move |x: i64| x + offset);
    lisp.register_fn("join-words", |words: Vec<String>, sep: String| {
        words.join(&sep)
    });
    lisp.register_fn("explode", |_: i64| -> i64 { panic!("kaboom") });
    assert_eq!(lisp.eval::<i64>("(offset 3)").unwrap(), 10);
    assert_eq!(
        lisp.eval::<String>("(join-words '(\"a\" \"b\") \"+\")")
            .unwrap(),
        "a+b"
    );
    let e = lisp.eval::<i64>("(offset \"x\")").unwrap_err();
    assert!(e.message.contains("bad argument #1 to 'offset'"), "{e}");
    let e = lisp.eval::<i64>("(explode 1)").unwrap_err();
    assert!(
        e.message.contains("panicked") && e.message.contains("kaboom"),
        "{e}"
    );
    // The engine still works after the panic, and Lisp can catch it.
    assert_eq!(
        lisp.eval::<String>("(guard (e (#t \"caught\")) (explode 1))")
            .unwrap(),
        "caught"
    );
}

#[test]
fn many_threads_call_one_engine_at_once() {
    let lisp = Arc::new(Lisp::builder().jit(true).jit_threshold(5).build());
    lisp.eval::<()>("(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))")
        .unwrap();
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let lisp = lisp.clone();
            std::thread::spawn(move || lisp.call::<i64>("fib", (15 + (i % 3) as i64,)).unwrap())
        })
        .collect();
    let results: Vec<i64> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    for (i, r) in results.iter().enumerate() {
        assert_eq!(*r, [610, 987, 1597][i % 3]);
    }
}

#[test]
fn builder_options_take_effect() {
    let bare = Lisp::builder().stdlib(false).build();
    assert!(bare
        .eval::<i64>("(+ 1 2)")
        .unwrap_err()
        .message
        .contains("unbound"));
    bare.register_fn("twice", |x: i64| 2 * x);
    assert_eq!(bare.eval::<i64>("(twice 21)").unwrap(), 42);
    let sandboxed = Lisp::new();
    assert!(sandboxed
        .eval::<String>("(read-file \"/etc/hostname\")")
        .unwrap_err()
        .message
        .contains("--allow-read"));
}

#[test]
fn deep_recursion_works_from_any_thread() {
    let lisp = Lisp::new();
    lisp.eval::<()>("(define (build n) (if (= n 0) '() (cons n (build (- n 1)))))")
        .unwrap();
    let n = std::thread::spawn(move || lisp.eval::<i64>("(length (build 20000))").unwrap())
        .join()
        .unwrap();
    assert_eq!(n, 20000);
}

#[test]
fn a_call_leaves_no_trace_for_the_next_one() {
    // Contexts are reused between calls; what one call does to its own
    // copy of the globals, its handlers or its parameters must not leak.
    let lisp = Lisp::new();
    lisp.eval::<()>(
        "(define counter 0)
         (define p (make-parameter 1))
         (define (bump) (set! counter (+ counter 1)) counter)
         (define (define-extra) (eval '(define extra 5)) extra)
         (define (read-extra) (guard (e (#t 'unbound)) (eval 'extra)))
         (define (read-p) (p))
         (define (fail) (parameterize ((p 2)) (error \"no\")))",
    )
    .unwrap();
    for _ in 0..3 {
        // Each call starts from the engine's counter, 0.
        assert_eq!(lisp.call::<i64>("bump", ()).unwrap(), 1);
    }
    assert_eq!(lisp.call::<i64>("define-extra", ()).unwrap(), 5);
    assert_eq!(lisp.call::<String>("read-extra", ()).unwrap(), "unbound");
    assert!(lisp.call::<i64>("fail", ()).is_err());
    assert_eq!(lisp.call::<i64>("read-p", ()).unwrap(), 1);
    // Publishing is seen by the very next call.
    lisp.set("counter", 41);
    assert_eq!(lisp.call::<i64>("bump", ()).unwrap(), 42);
    lisp.eval::<()>("(set! counter 99)").unwrap();
    assert_eq!(lisp.call::<i64>("bump", ()).unwrap(), 100);
    lisp.eval::<()>("(define (bump) 'redefined)").unwrap();
    assert_eq!(lisp.call::<String>("bump", ()).unwrap(), "redefined");
}
