;; Channel throughput: N integers (default 10^6) sent by one thread and
;; received by another, over a rendezvous channel and over a channel with
;; a buffer of 100. Prints the milliseconds of each transfer.
;; Usage: lisp run channels.lisp [N]
(define n
  (let ((args (command-line)))
    (if (> (length args) 1) (string->number (cadr args)) 1000000)))

(define (transfer capacity)
  (let ((ch (make-channel capacity)))
    (spawn (lambda ()
             (let loop ((i 0))
               (when (< i n)
                 (channel-send ch i)
                 (loop (+ i 1))))
             (channel-close ch)))
    (let loop ((sum 0))
      (let ((v (channel-recv ch)))
        (if (eof-object? v) sum (loop (+ sum v)))))))

(define (timed label capacity)
  (let* ((start (current-time-ms))
         (sum (transfer capacity))
         (ms (- (current-time-ms) start)))
    (unless (= sum (quotient (* n (- n 1)) 2))
      (error "messages lost or duplicated" sum))
    (println label ms)))

(timed "unbuffered-ms" 0)
(timed "buffered-100-ms" 100)
