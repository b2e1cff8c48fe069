;; A variable read for the last time by a tail call's argument or by the
;; value returned from tail position moves out of the frame instead of
;; being copied and dropped at the end. Heap values (strings, lists) take
;; these paths too, including when the primitive that took them raises.

(define (add a b) (+ a b))
(define (swap-loop a b n) (if (= n 0) (list a b) (swap-loop b a (- n 1))))
(define (rev lst acc) (if (null? lst) acc (rev (cdr lst) (cons (car lst) acc))))
(define (pair-up x y) (cons x y))
(define (forward x y) (pair-up y x))
(define (len-sum lst acc) (if (null? lst) acc (len-sum (cdr lst) (+ acc (string-length (car lst))))))

(define s (make-string 3 #\a))
(define (try thunk) (guard (e (#t (error-object-message e))) (thunk)))

;; Errors raised by a primitive that took a heap operand, many times over.
(define (errors n acc)
  (if (= n 0)
      acc
      (errors (- n 1) (+ acc (if (string? (try (lambda () (add s n)))) 1 0)))))
(display (errors 2000 0)) (newline)
(display s) (newline)
(display (try (lambda () (add "left" 1)))) (newline)
(display (try (lambda () (add 1 (list 1 2))))) (newline)

;; Heap values passed around in loops.
(display (swap-loop "one" (list 'two) 5)) (newline)
(display (swap-loop "one" (list 'two) 6)) (newline)
(display (rev (list "a" "b" "c" (list 1 2)) '())) (newline)
(display (forward "x" (list "y"))) (newline)
(display (len-sum (list "ab" "cde" s) 0)) (newline)
(define big (let loop ((i 0) (acc '())) (if (= i 1000) acc (loop (+ i 1) (cons (number->string i) acc)))))
(display (length big)) (newline)
(display (car big)) (newline)
(display (len-sum big 0)) (newline)
(display (equal? big (rev (rev big (quote ())) (quote ())))) (newline)
