//! Embedding `lisp` in a Rust program: define a function in Lisp and call
//! it from Rust, and call Rust from Lisp.
//!
//! Run with `cargo run --release --example embed`.

use lisp::api::Lisp;

fn main() -> Result<(), lisp::api::Error> {
    let lisp = Lisp::new();

    // Lisp -> Rust: define in Lisp, call with Rust arguments.
    lisp.eval::<()>(
        "(define (word-lengths words)
           \"The length of each word.\"
           (map string-length words))",
    )?;
    let lengths: Vec<i64> = lisp.call("word-lengths", (vec!["embedded", "lisp", "in", "rust"],))?;
    println!("word-lengths: {lengths:?}");
    assert_eq!(lengths, vec![8, 4, 2, 4]);

    // Rust -> Lisp: register a typed Rust closure and use it from Lisp.
    lisp.register_fn("rust-hypot", |a: f64, b: f64| (a * a + b * b).sqrt());
    lisp.register_fn("rust-greet", |name: String| {
        format!("hello from Rust, {name}")
    });
    let total: f64 =
        lisp.eval("(apply + (map (lambda (p) (rust-hypot (car p) (cdr p))) '((3 . 4) (5 . 12))))")?;
    println!("sum of hypotenuses: {total}");
    assert_eq!(total, 18.0);
    let greeting: String = lisp.eval("(rust-greet \"lisp\")")?;
    println!("{greeting}");

    // Errors come back as values, with their location.
    let err = lisp.eval::<i64>("(rust-hypot \"three\" 4)").unwrap_err();
    println!("error, as expected: {err}");
    Ok(())
}
