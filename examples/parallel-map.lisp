;; pmap spreads numeric work over every core and keeps the order: find the
;; number below 8000 with the longest Collatz chain, one chunk per task.
(define (collatz-steps n)
  (let loop ((n n) (steps 0))
    (cond ((= n 1) steps)
          ((even? n) (loop (quotient n 2) (+ steps 1)))
          (else (loop (+ (* 3 n) 1) (+ steps 1))))))

;; (number steps) of the longest chain starting in [from, to).
(define (longest-in from to)
  (let loop ((i from) (best-n from) (best 0))
    (if (>= i to)
        (list best-n best)
        (let ((s (collatz-steps i)))
          (if (> s best) (loop (+ i 1) i s) (loop (+ i 1) best-n best))))))

(define chunks (map (lambda (k) (list (max 1 (* k 1000)) (* (+ k 1) 1000))) (range 0 8)))
(define parallel (pmap (lambda (c) (apply longest-in c)) chunks))
(define sequential (map (lambda (c) (apply longest-in c)) chunks))
(unless (equal? parallel sequential) (error "pmap disagrees with map" parallel sequential))
(define best
  (fold (lambda (r acc) (if (> (cadr r) (cadr acc)) r acc)) (car parallel) (cdr parallel)))
(println "longest chains per chunk:" parallel)
(println "longest chain below 8000:" (car best) "with" (cadr best) "steps")
(unless (equal? best '(6171 261)) (error "wrong answer" best))
