;; Compiled code reads globals without a bounds check once it has made
;; sure, on entry, that the thread's table covers every global id; a
;; thread spawned before later globals existed has a shorter table, and
;; must still see them as unbound (its snapshot), with the same errors.
(define ch (make-channel 1))
(define t (spawn (lambda () (let ((f (channel-recv ch))) (list (f 1) (f 2))))))
(define later-global 10)
(define (use-later x) (+ x later-global))
(define (warm k) (if (> k 0) (begin (use-later k) (warm (- k 1))) 'ok))
(display (warm 200)) (newline)
(define (direct x) (+ x later-global))
(define (warm2 k) (if (> k 0) (begin (direct k) (warm2 (- k 1))) 'ok))
(display (warm2 200)) (newline)
(channel-send ch (lambda (x)
                   (list (guard (e (#t (error-object-message e))) (direct x))
                         (guard (e (#t (error-object-message e))) (later x)))))
(define (later x) (* x 2))
(display (join t)) (newline)
(display (list (direct 1) (later 3))) (newline)
