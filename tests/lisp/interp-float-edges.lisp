; Inline float paths of the interpreter on infinities, NaN, boxed and
; subnormal floats agree with the builtins.
(define (f a b) (list (+ a b) (- a b) (* a b) (< a b) (> a b) (<= a b) (>= a b) (= a b) (eq? a b)))
(define inf (/ 1.0 0.0))
(define nan (- inf inf))
(for-each (lambda (p) (write (f (car p) (cdr p))) (newline))
  (list (cons inf 1.0) (cons nan nan) (cons nan 1.0) (cons 1e308 1e308) (cons -1e308 1e308) (cons 1e-320 1e-320)
        (cons 0.0 -0.0) (cons 1.5 2) (cons 2 1.5) (cons 1e200 1e200) (cons inf inf) (cons (- inf) inf)))
