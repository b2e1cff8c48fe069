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

;; Every table starts with room for the first 1024 global ids; code that
;; reads one past that checks the table's length on entry. A thread
;; spawned before those globals existed grows its table there.
(define ch2 (make-channel 1))
(define t2
  (spawn (lambda ()
           (let ((f (channel-recv ch2)))
             (list (guard (e (#t (error-object-message e))) (f 1))
                   (guard (e (#t (error-object-message e))) (f 2)))))))
(define (define-many i)
  (if (< i 1100)
      (begin
        (eval (list 'define (string->symbol (string-append "many-" (number->string i))) i))
        (define-many (+ i 1)))
      'defined))
(display (define-many 0)) (newline)
(define far-global 5)
(define (use-far x) (+ x far-global many-1099))
(define (warm3 k) (if (> k 0) (begin (use-far k) (warm3 (- k 1))) 'ok))
(display (warm3 200)) (newline)
(channel-send ch2 use-far)
(display (join t2)) (newline)
(display (use-far 1)) (newline)
