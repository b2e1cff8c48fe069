;; Adding or subtracting a constant: compiled code checks overflow by
;; comparing with a bound; the fixnum limits and one step either side of
;; them must give the same numbers as the interpreter's big integers.
(define max-fix 4611686018427387903)
(define min-fix -4611686018427387904)
(define (inc x) (+ x 1))
(define (dec x) (- x 1))
(define (add-neg x) (+ x -5))
(define (sub-neg x) (- x -5))
(define (add-big x) (+ x 4611686018427387903))
(define (sub-big x) (- x 4611686018427387903))
(define (all x) (list (inc x) (dec x) (add-neg x) (sub-neg x) (add-big x) (sub-big x)))
(define (show x) (display (all x)) (newline))
(for-each show (list max-fix (- max-fix 1) (- max-fix 4) (- max-fix 5)
                     min-fix (+ min-fix 1) (+ min-fix 4) (+ min-fix 5)
                     0 1 -1 (+ max-fix 1) (- min-fix 1) 1.5 -0.0))
