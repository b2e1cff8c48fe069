; 10^6-deep non-tail recursion succeeds; unbounded recursion is a catchable error.
; (Checked in release builds only: debug frames are several times larger.)
(define (build n) (if (= n 0) '() (cons n (build (- n 1)))))
(display (length (build 1000000))) (newline)
(define (deep n) (+ 1 (deep n)))
(display (guard (e ((error-object? e) (error-object-message e))) (deep 1))) (newline)
