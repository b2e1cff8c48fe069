;; Compiled code calls a global that held a builtin when it was compiled
;; through the generic path; reassigning the global to a procedure of the
;; user's (or another builtin) is seen at the next call.
(define (pair-of x) (list x x))
(define (size s) (string-length s))
(define (loop-sum n acc) (if (= n 0) acc (loop-sum (- n 1) (+ acc (size "abc")))))
(display (pair-of 1)) (display (pair-of 2)) (display (pair-of 3)) (newline)
(display (loop-sum 300 0)) (newline)
(set! list (lambda args (length args)))
(display (pair-of 4)) (newline)
(set! string-length (lambda (s) 100))
(display (loop-sum 3 0)) (newline)
(set! list vector)
(display (pair-of 5)) (newline)
(define (string-length s) (error "no length for" s))
(display (guard (e (#t (error-object-message e))) (size "x"))) (newline)
