;; Code compiled after warming up on fixnums keeps working on everything
;; else: floats, big integers, mixed operands, non-numbers (errors), and a
;; redefined `+`. Each procedure first runs on fixnums many times.

(define (add a b) (+ a b))
(define (less? a b) (< a b))
(define (scale x) (* x 3))
(define (sum-to n)
  (let loop ((i 0) (acc 0))
    (if (= i n) acc (loop (+ i 1) (+ acc i)))))
(define (float-sum-to n step)
  (let loop ((i 0) (acc 0))
    (if (>= i n) acc (loop (+ i 1) (+ acc step)))))

(define (warm k)
  (let loop ((i 0) (acc 0))
    (if (= i k)
        acc
        (loop (+ i 1)
              (+ acc (add i 1) (scale i) (if (less? i 50) 1 0) (sum-to 3))))))

(display (warm 300)) (newline)

;; Floats through sites that only saw fixnums.
(display (add 1.5 2.25)) (newline)
(display (add 1 0.5)) (newline)
(display (less? 2.5 3)) (newline)
(display (less? 3.5 3)) (newline)
(display (scale 1.5)) (newline)
(display (float-sum-to 4 0.5)) (newline)
(display (float-sum-to 3 -0.0)) (newline)
(display (add -0.0 -0.0)) (newline)

;; Fixnum overflow into big integers, and back.
(display (add 4611686018427387903 1)) (newline)
(display (scale 4611686018427387903)) (newline)
(display (add (add 4611686018427387903 1) -2)) (newline)
(display (sum-to 10)) (newline)
(display (less? 4611686018427387904 4611686018427387905)) (newline)

;; Errors keep their message.
(display (guard (e (#t (error-object-message e))) (add 1 "two"))) (newline)
(display (guard (e (#t (error-object-message e))) (less? 'a 1))) (newline)

;; A redefined + is called by compiled code that inlined the builtin.
(define saved +)
(set! + (lambda args (apply saved 100 args)))
(display (add 1 2)) (newline)
(display (float-sum-to 3 1)) (newline)
(set! + saved)
(display (add 1 2)) (newline)
(display (sum-to 3)) (newline)
