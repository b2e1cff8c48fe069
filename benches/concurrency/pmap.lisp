;; pmap speed-up over map on a numeric kernel: 64 independent items of
;; integer arithmetic, first with map, then with pmap. Prints both times.
;; Usage: lisp run pmap.lisp [ITERATIONS-PER-ITEM]
(define iterations
  (let ((args (command-line)))
    (if (> (length args) 1) (string->number (cadr args)) 200000)))

(define (kernel x)
  (let loop ((i 0) (acc x))
    (if (= i iterations)
        acc
        (loop (+ i 1) (modulo (+ (* acc 31) i) 1000003)))))

(define items (range 0 64))
(define (timed f)
  (let* ((start (current-time-ms))
         (result (f kernel items)))
    (cons (- (current-time-ms) start) result)))

(define sequential (timed map))
(define parallel (timed pmap))
(unless (equal? (cdr sequential) (cdr parallel))
  (error "pmap disagrees with map"))
(println "map-ms" (car sequential))
(println "pmap-ms" (car parallel))
