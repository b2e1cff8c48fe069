;; Threads running code compiled for fixnums when floats arrive: several
;; threads may send the lambda back to the interpreter at once, and it is
;; compiled again while others still run the old code.
(define (sq x) (* x x))
(define (ints n acc) (if (= n 0) acc (ints (- n 1) (+ acc (sq n)))))
(display (ints 1000 0)) (newline)
(define (work k) (let loop ((i 0) (acc 0.0)) (if (= i 20000) acc (loop (+ i 1) (+ acc (sq (if (even? i) 1.5 i)))))))
(display (pmap work (range 0 8))) (newline)
(define ts (map (lambda (k) (spawn (lambda () (work k)))) (range 0 4)))
(display (map join ts)) (newline)
