;; An integer loop: a tail-recursive sum of 0..10^7.
(define (sum-to n)
  (let loop ((i 0) (acc 0))
    (if (= i n) acc (loop (+ i 1) (+ acc i)))))
(display (sum-to 10000000))
(newline)
