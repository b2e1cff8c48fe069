//! A numeric kernel written in Lisp (Mandelbrot escape counts), compiled by
//! the JIT and run from several Rust threads over slices of the image; the
//! total is checked against the same kernel in Rust, and the run is timed
//! with 1, 2 and (when the machine has them) more threads.
//!
//! Run with `cargo run --release --example parallel [SIZE]`.

use lisp::api::Lisp;
use std::sync::Arc;
use std::time::Instant;

const KERNEL: &str = r#"
(define (escape cr ci zr zi i max-iter)
  (if (= i max-iter)
      i
      (let ((zr2 (* zr zr)) (zi2 (* zi zi)))
        (if (> (+ zr2 zi2) 4.0)
            i
            (escape cr ci (+ (- zr2 zi2) cr) (+ (* 2.0 (* zr zi)) ci) (+ i 1) max-iter)))))

(define (row-sum ci x width step max-iter acc)
  (if (>= x width)
      acc
      (row-sum ci (+ x 1.0) width step max-iter
               (+ acc (let ((cr (- (* x step) 2.0))) (escape cr ci cr ci 1 max-iter))))))

(define (rows-sum y y-end size max-iter acc)
  (if (>= y y-end)
      acc
      (let ((step (/ 3.0 size)))
        (rows-sum (+ y 1.0) y-end size max-iter
                  (+ acc (row-sum (- (* (+ y 0.5) step) 1.5) 0.0 size step max-iter 0))))))
"#;

const MAX_ITER: i64 = 200;

// The Lisp kernel starts each point at z = c after one step (z0 = 0 gives
// z1 = c), which is the same count as the Rust loop below, and both sample
// pixel centres (y + 0.5), so no row has ci = 0.0 exactly: a float zero is
// not a self-tagged float, and the JIT's entry guard then stops treating
// that variable as one (see ARCHITECTURE.md, "Entry guards").

fn escape(cr: f64, ci: f64, max_iter: i64) -> i64 {
    let (mut zr, mut zi) = (0.0f64, 0.0f64);
    let mut i = 0;
    while i < max_iter {
        let (zr2, zi2) = (zr * zr, zi * zi);
        if zr2 + zi2 > 4.0 {
            return i;
        }
        let new_zr = (zr2 - zi2) + cr;
        zi = 2.0 * (zr * zi) + ci;
        zr = new_zr;
        i += 1;
    }
    i
}

/// The same computation in Rust, for checking and for the speed ratio.
#[inline(never)]
fn rust_rows(y0: f64, y1: f64, size: f64) -> i64 {
    let step = 3.0 / size;
    let mut acc = 0;
    let mut y = y0;
    while y < y1 {
        let ci = (y + 0.5) * step - 1.5;
        let mut x = 0.0;
        while x < size {
            acc += escape(x * step - 2.0, ci, MAX_ITER);
            x += 1.0;
        }
        y += 1.0;
    }
    acc
}

/// Splits the rows among `threads` Rust threads calling into one engine.
fn run_lisp(lisp: &Arc<Lisp>, size: usize, threads: usize) -> i64 {
    let per = size.div_ceil(threads);
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let lisp = lisp.clone();
            let (y0, y1) = ((t * per) as f64, ((t + 1) * per).min(size) as f64);
            std::thread::spawn(move || {
                lisp.call::<i64>("rows-sum", (y0, y1, size as f64, MAX_ITER, 0i64))
                    .expect("kernel runs")
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().expect("thread")).sum()
}

fn median_ms(mut f: impl FnMut() -> i64, runs: usize) -> (f64, i64) {
    let mut times = Vec::new();
    let mut result = 0;
    for _ in 0..runs {
        let start = Instant::now();
        result = f();
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    (times[times.len() / 2], result)
}

fn main() {
    let size: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(400);
    let lisp = Arc::new(Lisp::builder().jit(true).jit_threshold(10).build());
    lisp.eval::<()>(KERNEL).expect("kernel defines");
    // Warm up: lets the JIT compile the kernel before timing.
    lisp.call::<i64>("rows-sum", (0.0, 2.0, size as f64, MAX_ITER, 0i64))
        .expect("warm-up");

    let rows = std::hint::black_box(size as f64);
    let (rust_ms, expected) = median_ms(
        || {
            std::hint::black_box(rust_rows(
                std::hint::black_box(0.0),
                std::hint::black_box(rows),
                std::hint::black_box(rows),
            ))
        },
        5,
    );
    println!("image {size}x{size}, max {MAX_ITER} iterations; Rust reference: {rust_ms:.1} ms (total {expected})");
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut counts = vec![1, 2];
    if cores > 2 {
        counts.push(cores);
    }
    let mut one_thread = 0.0;
    for threads in counts {
        let (ms, total) = median_ms(|| run_lisp(&lisp, size, threads), 5);
        assert_eq!(total, expected, "the Lisp kernel disagrees with Rust");
        if threads == 1 {
            one_thread = ms;
            println!(
                "lisp, 1 thread:  {ms:.1} ms ({:.2}x the Rust time)",
                ms / rust_ms
            );
        } else {
            println!(
                "lisp, {threads} threads: {ms:.1} ms (speed-up {:.2}x)",
                one_thread / ms
            );
        }
    }
    println!("results match the Rust reference");
}
