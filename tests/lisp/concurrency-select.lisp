; select waits on several channels at once and runs the first ready branch.
(define a (make-channel 1))
(define b (make-channel 1))
(channel-send b 'from-b)
(println (select (a v => (list 'a v)) (b v => (list 'b v))))

; the timeout branch runs when nothing is ready in time
(println (select (a v => (list 'a v)) (timeout 20 'nothing-ready)))
(println (select (timeout 0 'zero-timeout)))

; without a timeout branch, select waits for a value sent later
(define late (make-channel))
(spawn (lambda () (sleep 30) (channel-send late 'arrived)))
(println (select (late v => (list 'got v))))

; a body may have several expressions; the variable is bound in all
(channel-send a 5)
(println (select (a v => (define w (* v 10)) (+ v w))))

; merging two producers until both channels are closed
(define xs (make-channel))
(define ys (make-channel))
(spawn (lambda () (for-each (lambda (i) (channel-send xs i)) '(1 2 3)) (channel-close xs)))
(spawn (lambda () (for-each (lambda (i) (channel-send ys i)) '(10 20 30)) (channel-close ys)))
(define (merge x-open y-open acc)
  (if (not (or x-open y-open))
      acc
      (select (xs v => (if (eof-object? v) (merge #f y-open acc) (merge x-open y-open (+ acc v))))
              (ys v => (if (eof-object? v) (merge x-open #f acc) (merge x-open y-open (+ acc v)))))))
(println (merge #t #t 0))

; a closed channel is always ready: it yields the eof object
(println (select (xs v => (eof-object? v)) (timeout 1000 'timed-out)))
(println (guard (e ((error-object? e) (error-object-message e))) (select (5 v => v))))
