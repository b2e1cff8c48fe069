//! Every example program runs and prints its checked result (each example
//! raises an error, and so exits 1, when its own check fails).

use std::process::Command;

fn run_example(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name);
    let out = Command::new(env!("CARGO_BIN_EXE_lisp"))
        .arg("run")
        .arg(&path)
        .output()
        .expect("run lisp");
    assert!(
        out.status.success(),
        "{name} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

#[test]
fn examples_print_their_checked_results() {
    let expectations = [
        ("hello.lisp", "Hello, world!"),
        ("tour.lisp", "30! = 265252859812191058636308480000000"),
        ("workers-sum.lisp", "total: 1400"),
        ("atom-counter.lisp", "counter: 10"),
        ("buffered-sum.lisp", "sum: 6"),
        (
            "producer-consumer.lisp",
            "consumed 10 jobs; sum of squares = 385",
        ),
        (
            "pipeline.lisp",
            "odd squares: (1 9 25 49 81 121 169 225 289 361)",
        ),
        ("worker-pool.lisp", "results: 20 tasks; last: (19 . 2470)"),
        ("parallel-map.lisp", "longest chains per chunk:"),
    ];
    for (name, expected) in expectations {
        let out = run_example(name);
        assert!(
            out.contains(expected),
            "{name}: expected {expected:?} in {out:?}"
        );
    }
}
