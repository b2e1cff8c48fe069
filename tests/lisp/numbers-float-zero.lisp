;; Float zeros keep their sign through arithmetic and compare equal, in both tiers
;; (the JIT handles them inline; the interpreter through the builtins).
(define (f a b) (list (+ a b) (- a b) (* a b) (< a b) (= a b) (>= a b)))
(define (show x) (write x) (newline))
(for-each (lambda (p) (show (f (car p) (cdr p))))
  (list (cons 0.0 0.0) (cons -0.0 0.0) (cons -0.0 -0.0) (cons 0.0 1.5) (cons -0.0 2.5) (cons 1.5 -0.0) (cons 1.5 1.5) (cons -2.0 2.0) (cons 0.0 1) (cons 1e300 1e300) (cons 1e-300 1e-300) (cons -0.0 1e-300)))
(show (* -1.0 0.0)) (show (- 0.0 0.0)) (show (- -0.0 0.0)) (show (* 2.0 -0.0))
