;; Fibonacci on floats: float arithmetic through calls.
(define (fibfp n) (if (< n 2.0) n (+ (fibfp (- n 1.0)) (fibfp (- n 2.0)))))
(display (fibfp 27.0))
(newline)
