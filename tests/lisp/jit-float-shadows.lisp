;; Let-bound results of float trees over guarded float variables are kept
;; unboxed for later trees (no tag test, no decode); a slot bound in one
;; arm of an if is not seen so in the other. Every value must still be
;; the interpreter's, whatever arrives after the warm-up.
(define (orbit x c n)
  (if (= n 0) x
      (let ((x2 (* x x)) (h (* 0.5 x)))
        (if (> x2 100.0) x2 (orbit (+ (- x2 h) c) c (- n 1))))))
(define (warm k) (if (> k 0) (begin (orbit 0.25 -0.5 20) (warm (- k 1))) 'ok))
(display (warm 50)) (newline)
(display (list (orbit 0.25 -0.5 10) (orbit 1.5 0.25 30) (orbit 3.0 1.0 5))) (newline)
(display (list (orbit 0.0 -0.5 3) (orbit 1e-200 1e-200 3) (orbit 1e100 1.0 2))) (newline)
(define (pick a b flag) (if flag (let ((s (* a b))) (+ s 1.5)) (let ((t (+ a 1))) (* t b))))
(define (warm2 k) (if (> k 0) (begin (pick 1.5 2.5 (even? k)) (warm2 (- k 1))) 'ok))
(display (warm2 50)) (newline)
(display (list (pick 1.5 2.5 #t) (pick 1.5 2.5 #f) (pick 2 3 #t) (pick 1e-200 1e-200 #t))) (newline)
