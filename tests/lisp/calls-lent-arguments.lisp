;; Arguments read from variables are lent to the procedures a compiled
;; caller calls (builtins, compiled and interpreted closures) without
;; changing what anyone sees: the values stay intact across many calls,
;; errors, and threads.
(define (keep x) x)
(define (run n)
  (let ((v (list 1 2 3)) (s "text") (ch (make-channel 1)))
    (let loop ((i 0) (acc '()))
      (if (= i n)
          (list v s (length acc) (car acc))
          (begin
            (channel-send ch v)
            (loop (+ i 1)
                  (cons (list (length v) (string-length s) (keep v) (channel-recv ch)
                              (guard (e (#t 'caught)) (vector-ref v 0))
                              (apply keep (list s)))
                        acc)))))))
(write (run 1000)) (newline)
(define shared (list 'a 'b))
(define (use-shared) (length shared))
(write (pmap (lambda (i) (+ i (use-shared) (length shared))) (range 0 8))) (newline)
(write shared) (newline)
