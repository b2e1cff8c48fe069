;; A self-recursive function that calls nothing but itself and primitives
;; skips reading its global again after a self call. Whatever changes that
;; global (or a builtin) between calls must still be seen, as in the
;; interpreter.

(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))
(define (warm i) (if (< i 100) (begin (fib 8) (warm (+ i 1))) 'warm))
(display (warm 0)) (newline)
(display (fib 20)) (newline)

;; The old closure, called after its global was reassigned, calls the new
;; value of the global.
(define old-fib fib)
(set! fib (lambda (n) 1000))
(display (old-fib 5)) (newline)
(set! fib old-fib)
(display (fib 10)) (newline)

;; A function that reassigns its own global part-way through: the second
;; self call of a frame calls the new value.
(define (g n)
  (if (= n 4) (set! g (lambda (n) 1000)))
  (if (< n 2) n (+ (g (- n 1)) (g (- n 2)))))
(define saved-g g)
(define (warm-g i)
  (if (< i 50) (begin (set! g saved-g) (saved-g 3) (warm-g (+ i 1))) 'warm))
(display (warm-g 0)) (newline)
(set! g saved-g)
(display (g 7)) (newline)
(display (saved-g 7)) (newline)

;; The global reassigned part-way through by a redefined builtin that the
;; body uses (so the builtins are no longer intact either).
(define (h n) (if (< n 1) 0 (+ (h (- n 1)) (h (- n 1)))))
(define (warm-h i) (if (< i 50) (begin (h 3) (warm-h (+ i 1))) 'warm))
(display (warm-h 0)) (newline)
(display (h 5)) (newline)
(define real-less <)
(define h-calls 0)
(set! < (lambda (a b)
          (set! h-calls (+ h-calls 1))
          (if (= h-calls 3) (set! h (lambda (n) 'replaced)))
          (real-less a b)))
(display (guard (e (#t (error-object-message e))) (h 3))) (newline)
(set! < real-less)
(display h-calls) (newline)

;; Deep recursion through the same path still ends in a catchable error.
(define (depth n) (if (= n 0) 0 (+ 1 (depth (- n 1)))))
(define (warm-d i) (if (< i 50) (begin (depth 10) (warm-d (+ i 1))) 'warm))
(display (warm-d 0)) (newline)
(display (guard (e (#t (error-object-message e))) (depth 100000000))) (newline)

;; A self call whose callee would only test its arguments and return one
;; of them (or a constant) is answered inline. Anything else still calls:
;; arguments that are not fixnums, a redefined comparison.
(define (count-leaves n) (if (< n 2) 1 (+ (count-leaves (- n 1)) (count-leaves (- n 2)))))
(define (tak x y z)
  (if (not (< y x)) z (tak (tak (- x 1) y z) (tak (- y 1) z x) (tak (- z 1) x y))))
(define (halves n) (if (<= n 1.5) n (+ 1 (halves (/ n 2)))))
(define (warm-b i)
  (if (< i 60)
      (begin (count-leaves 6) (tak 6 4 2) (halves 8) (fib 6) (warm-b (+ i 1)))
      'warm))
(display (warm-b 0)) (newline)
(display (list (count-leaves 15) (tak 18 12 6) (fib 15) (halves 1000))) (newline)
(display (list (fib 10.0) (halves 7.0) (halves (expt 2 64)))) (newline)
(display (guard (e (#t (list (error-object-message e) (error-object-irritants e)))) (fib 'a)))
(newline)
(define real-lt <)
(set! < (lambda (a b) (real-lt b a)))
(display (guard (e (#t (error-object-message e))) (count-leaves 4))) (newline)
(set! < real-lt)
(display (count-leaves 10)) (newline)

;; Shapes that must not be answered inline: a parameter assigned in the
;; body (boxed), a rest parameter, a comparison of three operands.
(define (boxed n) (if (< n 1) n (begin (set! n (- n 1)) (+ 1 (boxed n)))))
(define (rest-count n . more) (if (< n 1) (length more) (+ 1 (rest-count (- n 1) 'x))))
(define (three n) (if (< 0 n 3) n (+ 1 (three (- n 1)))))
(define (warm-c i)
  (if (< i 60) (begin (boxed 4) (rest-count 3) (three 5) (warm-c (+ i 1))) 'warm))
(display (warm-c 0)) (newline)
(display (list (boxed 10) (rest-count 5 'a 'b) (three 9))) (newline)

;; A function that calls nothing but itself and primitives has the test of
;; its global in its entry guard. Its old closure, called after the global
;; was reassigned, misses that guard and calls the new value: through a
;; non-tail self call, and through a tail self call (tak's outer call).
(define (fact n) (if (< n 2) 1 (* n (fact (- n 1)))))
(define (warm-f i) (if (< i 60) (begin (fact 5) (tak 6 4 2) (warm-f (+ i 1))) 'warm))
(display (warm-f 0)) (newline)
(define old-fact fact)
(define old-tak tak)
(set! fact (lambda (n) (* 100 n)))
(set! tak (lambda (x y z) (list 'new x y z)))
(display (list (old-fact 5) (old-tak 18 12 6) (old-tak 2 4 6))) (newline)
;; Put back, they are themselves again (recompiled with no such guard).
(set! fact old-fact)
(set! tak old-tak)
(define (warm-g2 i) (if (< i 60) (begin (fact 5) (tak 6 4 2) (warm-g2 (+ i 1))) 'warm))
(display (warm-g2 0)) (newline)
(display (list (fact 20) (fact 25) (tak 18 12 6))) (newline)
