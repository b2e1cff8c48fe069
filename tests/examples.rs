//! Every example program runs and prints its checked result (each example
//! raises an error, and so exits 1, when its own check fails). Each runs
//! under a watchdog, so an example that deadlocks fails instead of hanging.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const WATCHDOG: Duration = Duration::from_secs(120);

fn run_example(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name);
    let mut child = Command::new(env!("CARGO_BIN_EXE_lisp"))
        .arg("run")
        .arg(&path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run lisp");
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > WATCHDOG {
            let _ = child.kill();
            panic!("{name}: watchdog: no exit within {WATCHDOG:?} (deadlock?)");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.wait_with_output().expect("output");
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
        (
            "parallel-map.lisp",
            "longest chain below 8000: 6171 with 261 steps",
        ),
    ];
    for (name, expected) in expectations {
        let out = run_example(name);
        assert!(
            out.contains(expected),
            "{name}: expected {expected:?} in {out:?}"
        );
    }
}
