;; Doubly recursive Fibonacci: calls and fixnum arithmetic. fib(35), the
;; size the JIT issue quotes its peers at (Guile 3 150 ms, Chez 103 ms):
;; 30 million calls, so the 2-3 ms every process spends starting up is not
;; most of what the JIT tier's time measures.
(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))
(display (fib 35))
(newline)
