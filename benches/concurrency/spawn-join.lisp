;; spawn + join latency: N (default 2000) empty thunks, each spawned and
;; joined before the next. Prints the total milliseconds.
;; Usage: lisp run spawn-join.lisp [N]
(define n
  (let ((args (command-line)))
    (if (> (length args) 1) (string->number (cadr args)) 2000)))

(define (spawn-join-times k)
  (let loop ((i 0))
    (when (< i k)
      (join (spawn (lambda () #t)))
      (loop (+ i 1)))))

(spawn-join-times 50) ; warm-up: the first threads pay for page faults
(define start (current-time-ms))
(spawn-join-times n)
(println "spawn-join-ms" (- (current-time-ms) start))
