;; Three workers each sum a slice of the numbers and send their partial sum
;; over a channel; the main thread adds them up.
(define results (make-channel))
(define (sum-range from to bonus)
  (let loop ((i from) (acc bonus))
    (if (> i to) acc (loop (+ i 1) (+ acc i)))))
(define slices '((1 20) (21 40) (41 52)))
;; 1..52 sums to 1378; the last worker also counts a bonus of 22.
(for-each (lambda (slice)
            (spawn (lambda () (channel-send results (sum-range (car slice) (cadr slice) (if (= (car slice) 41) 22 0))))))
          slices)
(define total (+ (channel-recv results) (channel-recv results) (channel-recv results)))
(println "total:" total)
(unless (= total 1400) (error "wrong total" total))
