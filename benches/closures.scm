;; Closure-heavy code: make adders and compose them in a loop.
(define (make-adder n) (lambda (x) (+ x n)))
(define (compose f g) (lambda (x) (f (g x))))
(define (run n acc)
  (if (= n 0)
      acc
      (run (- n 1) ((compose (make-adder n) (make-adder 1)) acc))))
(display (run 1000000 0))
(newline)
