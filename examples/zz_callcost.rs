use lisp::api::Lisp;
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
                  (+ acc (row-sum (- (* y step) 1.5) 0.0 size step max-iter 0))))))
"#;
fn main() {
    let lisp = Lisp::builder().jit(true).jit_threshold(10).build();
    lisp.eval::<()>(KERNEL).unwrap();
    lisp.call::<i64>("rows-sum", (0.0, 2.0, 400.0, 200i64, 0i64))
        .unwrap();
    for _ in 0..3 {
        let t = Instant::now();
        lisp.call::<i64>("rows-sum", (0.0, 400.0, 400.0, 200i64, 0i64))
            .unwrap();
        let one = t.elapsed().as_secs_f64() * 1e3;
        let t = Instant::now();
        std::thread::scope(|sc| {
            for (a, b) in [(0.0, 200.0), (200.0, 400.0)] {
                let lisp = &lisp;
                let t0 = t;
                sc.spawn(move || {
                    let s = Instant::now();
                    let started = t0.elapsed().as_secs_f64() * 1e3;
                    lisp.call::<i64>("rows-sum", (a, b, 400.0, 200i64, 0i64))
                        .unwrap();
                    println!(
                        "  thread {a}: started at {started:.2} ms, ran {:.1} ms",
                        s.elapsed().as_secs_f64() * 1e3
                    );
                });
            }
        });
        println!(
            "one {one:.1} ms; two {:.1} ms",
            t.elapsed().as_secs_f64() * 1e3
        );
    }
}
