;; Float expression trees computed on unboxed doubles: intermediate
;; results that are huge, tiny, zero (either sign), infinite or NaN give
;; the same values as operation by operation.
(define (f x y) (+ (* x y) 1.0))
(define (g x y) (- (* x y) (* y x)))
(define (h x y) (* (+ x y) (- x y)))
(define (k x y) (if (> (* x y) 1.0) 'big 'small))
(define (z x y) (+ (* x y) (* x 0.0)))
(define (show . xs) (for-each (lambda (x) (display x) (display " ")) xs) (newline))
(define (all x y) (show (f x y) (g x y) (h x y) (k x y) (z x y)))
(define big 1e200)
(define tiny 1e-200)
(define inf (/ 1.0 0.0))
(define nan (- inf inf))
(for-each (lambda (p) (all (car p) (cdr p)))
          (list (cons 1.5 2.5) (cons big big) (cons tiny tiny) (cons (- tiny) tiny)
                (cons -0.5 0.5) (cons inf 2.0) (cons inf -0.5) (cons nan 1.5)
                (cons big (- big)) (cons 3.0 -3.0) (cons 1e-160 1e-160)))
