; Hash tables and vectors shared between threads: concurrent writers never
; crash or tear values, and hash-table-update! is atomic (compare-and-set
; with retry), so concurrent counters lose no increments.
(define (show . xs) (for-each (lambda (x) (write x) (display " ")) xs) (newline))
(define threads 4)
(define per-thread 2000)

(define counters (make-hash-table))
(define (bump-all)
  (for-each (lambda (i) (hash-table-update! counters (modulo i 10) (lambda (n) (+ n 1)) 0))
            (range 0 per-thread)))
(for-each join (map (lambda (_) (spawn bump-all)) (range 0 threads)))
(show (hash-table-count counters) (apply + (hash-table-values counters)) (hash-table-ref counters 3))

; each thread writes its own keys; all of them arrive
(define owned (make-hash-table))
(for-each join
  (map (lambda (t)
         (spawn (lambda ()
                  (for-each (lambda (i) (hash-table-set! owned (list t i) (* t i))) (range 0 500)))))
       (range 0 threads)))
(show (hash-table-count owned) (hash-table-ref owned '(3 499)))

; vectors: each thread fills its own slice; readers see whole values
(define v (make-vector (* threads 1000) 0))
(for-each join
  (map (lambda (t)
         (spawn (lambda ()
                  (for-each (lambda (i) (vector-set! v (+ (* t 1000) i) (list t i))) (range 0 1000)))))
       (range 0 threads)))
(show (vector-length v) (vector-ref v 0) (vector-ref v 3999) (length (filter pair? (vector->list v))))
