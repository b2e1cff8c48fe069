;; Code compiled after running on fixnums tests its fixnum parameters and
;; captured values once, at entry and at each loop iteration, instead of
;; at every operation. Whatever fails that test (a float, a big integer, a
;; string, a redefined builtin) must still give the interpreter's answer.

(define (count-down n acc)
  (if (= n 0) acc (count-down (- n 1) (+ acc n))))
(define (make-adder k) (lambda (x) (+ x k)))
(define add5 (make-adder 5))
(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))
(define (warm i)
  (if (< i 200)
      (begin (count-down 10 0) (add5 i) (fib 5) (warm (+ i 1)))
      'warm))
(display (warm 0)) (newline)
(display (list (count-down 100 0) (add5 1) (fib 15))) (newline)

;; Parameters that are not fixnums on entry.
(display (count-down 3 0.5)) (newline)
(display (count-down 3.0 0)) (newline)
(display (fib 10.0)) (newline)
(display (count-down 2 (expt 2 70))) (newline)
(display (guard (e (#t (error-object-message e))) (count-down 3 "x"))) (newline)
(display (guard (e (#t (error-object-message e))) (fib 'a))) (newline)

;; A loop whose accumulator overflows into a big integer part-way: the
;; next iteration's test sends the rest of the loop to the interpreter.
(define big (- (expt 2 61) 10))
(define (sum-from start n)
  (let loop ((i 0) (acc start))
    (if (= i n) acc (loop (+ i 1) (+ acc i)))))
(define (warm-sum k) (if (> k 0) (begin (sum-from 0 50) (warm-sum (- k 1))) 'ok))
(display (warm-sum 100)) (newline)
(display (sum-from big 20)) (newline)
(display (sum-from (- big) 20)) (newline)
(display (sum-from 0 100)) (newline)

;; Captured values: a closure of the same lambda capturing a float, a big
;; integer or a string.
(define add-half (make-adder 0.5))
(define add-big (make-adder (expt 10 30)))
(define add-str (make-adder "s"))
(display (list (add5 10) (add-half 10) (add-big 10))) (newline)
(display (guard (e (#t (error-object-message e))) (add-str 1))) (newline)
(display (add5 2)) (newline)

;; A builtin redefined by code the loop calls, in the middle of the loop:
;; the next iteration sees the new definition.
(define saved-minus -)
(define (redefine-at i) (if (= i 3) (set! - (lambda (a b) (saved-minus a (* 2 b))))) i)
(define (steps n acc)
  (if (<= n 0) (reverse acc) (steps (- n 1) (cons (redefine-at n) acc))))
(define (warm-steps k) (if (> k 0) (begin (steps 2 '()) (warm-steps (- k 1))) 'ok))
(display (warm-steps 100)) (newline)
(display (steps 8 '())) (newline)
(set! - saved-minus)
(display (- 10 1)) (newline)

;; Deep recursion through a guarded lambda still ends in the catchable
;; stack-overflow error.
(define (depth n) (if (= n 0) 0 (+ 1 (depth (- n 1)))))
(display (depth 1000)) (newline)
(display (guard (e (#t (error-object-message e))) (depth 100000000))) (newline)

;; Sites that never ran before compilation look fixnum-only: here the
;; float sites of the loop's second arm only run after `early` returned
;; at once many times. The failed guard notes the floats on those sites;
;; the recompiled code still guards the counter.
(define (early zr zi i n)
  (if (= i n)
      i
      (let ((zr2 (* zr zr)) (zi2 (* zi zi)))
        (if (> (+ zr2 zi2) 4.0)
            i
            (early (+ (- zr2 zi2) -0.5) (+ (* 2.0 (* zr zi)) 0.25) (+ i 1) n)))))
(define (warm-early k) (if (> k 0) (begin (early 3.0 3.0 1 50) (warm-early (- k 1))) 'ok))
(display (warm-early 100)) (newline)
(display (list (early 0.1 0.1 1 50) (early 0.5 0.5 1 50) (early 1.5 0.5 1 50))) (newline)
(display (list (early 0.1 0.1 1 50) (early 0.1 0.1 1 50.0))) (newline)

;; Float variables: a loop that only saw self-tagged floats tests them once
;; per iteration instead of at every operation. A float zero, a boxed
;; float (too small or too large to tag), a fixnum or a string still get
;; the interpreter's answer.
(define (orbit x c n)
  (if (= n 0) x (orbit (+ (* x x) c) c (- n 1))))
(define (scale-by k) (lambda (x) (* (+ x 0.5) k)))
(define triple (scale-by 3.0))
(define (warm-orbit k) (if (> k 0) (begin (orbit 0.25 -0.5 20) (triple 1.5) (warm-orbit (- k 1))) 'ok))
(display (warm-orbit 100)) (newline)
(display (list (orbit 0.25 -0.5 10) (orbit 0.0 -0.5 3) (orbit -0.0 0.25 2))) (newline)
(display (list (orbit 1e-300 1e-300 2) (orbit 1e200 1.0 1) (orbit 2 -1 3))) (newline)
(display (guard (e (#t (error-object-message e))) (orbit "x" 0.5 3))) (newline)
(display (list (triple 0.5) ((scale-by 0.0) 2.5) ((scale-by 2) 1.5) ((scale-by 1e-300) 1.0))) (newline)
(display (orbit 0.5 0.25 30)) (newline)

;; Threads meeting a failed guard at once: each finishes its call through
;; the interpreter while the lambda is compiled again.
(define (walk n acc) (if (= n 0) acc (walk (- n 1) (+ acc n))))
(display (walk 1000 0)) (newline)
(define (mixed k) (if (even? k) (walk 5000 0.5) (walk 5000 (expt 2 62))))
(display (pmap mixed (range 0 6))) (newline)
(define ts (map (lambda (k) (spawn (lambda () (walk 3000 (if (even? k) 0 0.25))))) (range 0 4)))
(display (map join ts)) (newline)
