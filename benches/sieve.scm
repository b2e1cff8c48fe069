;; Sieve of Eratosthenes on a vector, repeated.
(define (sieve n)
  (let ((marks (make-vector (+ n 1) #t)))
    (let outer ((i 2) (count 0))
      (if (> i n)
          count
          (if (vector-ref marks i)
              (begin
                (let inner ((j (* i i)))
                  (when (<= j n)
                    (vector-set! marks j #f)
                    (inner (+ j i))))
                (outer (+ i 1) (+ count 1)))
              (outer (+ i 1) count))))))
(define (repeat k acc) (if (= k 0) acc (repeat (- k 1) (sieve 100000))))
(display (repeat 20 0))
(newline)
