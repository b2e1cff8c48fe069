;; A procedure called through a global that the call itself reassigns:
;; the call completes with the procedure it started with, in both tiers.
(define my-apply apply)
(define (reassign) (set! my-apply 0) 'done)
(define (go) (my-apply reassign '()))
(display (go)) (newline)
(display my-apply) (newline)

(define (helper x) (set! helper 'gone) (* x 2))
(define (call-helper) (helper 21))
(display (call-helper)) (newline)
(display helper) (newline)

;; A builtin reached through a global in a loop, called from several
;; threads at once (pmap), gives the same results as map.
(define my-modulo modulo)
(define (kernel x)
  (let loop ((i 0) (acc x))
    (if (= i 1000) acc (loop (+ i 1) (my-modulo (+ (* acc 31) i) 1000003)))))
(display (equal? (map kernel (range 0 16)) (pmap kernel (range 0 16)))) (newline)
(display (kernel 7)) (newline)

;; The global is read before the arguments, as the interpreter does: an
;; argument that reassigns it (through a redefined builtin) does not
;; change which procedure this call calls, in value and tail position,
;; and the procedure read first stays alive for the call.
(define (target x) (list 'old x))
(define (via-value) (list (target (+ 1 2))))
(define (via-tail) (target (+ 3 4)))
(define (spin n acc) (if (= n 0) acc (spin (- n 1) (cons n acc))))
(define (loop-tail n) (if (= n 0) 'end (loop-tail (- n 1))))
(define real-plus +)
(define (warm-order i)
  (if (< i 50)
      (begin (via-value) (via-tail) (spin 3 '()) (loop-tail 3) (warm-order (real-plus i 1)))
      'warm))
(display (warm-order 0)) (newline)
(set! + (lambda (a b)
          (set! target (lambda (x) (list 'new x)))
          (real-plus a b)))
(display (via-value)) (newline)
(set! target (lambda (x) (list 'old-again x)))
(display (via-tail)) (newline)
(display (target 0)) (newline)
(define real-minus -)
(set! - (lambda (a b)
          (set! loop-tail (lambda (n) (list 'replaced n)))
          (real-minus a b)))
(display (loop-tail 2)) (newline)
(set! - real-minus)
(set! + real-plus)

;; A global named otherwise that holds the running closure: its calls go
;; through the usual dispatch (no test for this very code), in value and
;; tail position, and the tail calls still run in constant stack.
(define (walk n) (if (= n 0) 'walked (walk-alias (- n 1))))
(define walk-alias walk)
(define (depth n) (if (= n 0) 0 (+ 1 (depth-alias (- n 1)))))
(define depth-alias depth)
(display (list (walk 1000000) (depth 1000))) (newline)

;; A primitive whose operand reassigns the primitive's own global: the
;; interpreter decided on the builtin before the operands, and so does
;; compiled code (value and test position).
(define real-plus2 +)
(define real-less2 <)
(define (sum-reassigning) (+ (begin (set! + -) 10) 3))
(define (less-reassigning) (if (< 1 (begin (set! < >) 2)) 'less 'not-less))
(define (run-reassigning i)
  (if (real-less2 i 5)
      (begin
        (set! + real-plus2) (set! < real-less2)
        (sum-reassigning) (less-reassigning)
        (set! + real-plus2) (set! < real-less2)
        (run-reassigning (real-plus2 i 1)))
      'warm))
(display (run-reassigning 0)) (newline)
(set! + real-plus2) (set! < real-less2)
(display (list (sum-reassigning) (begin (set! + real-plus2) 'reset))) (newline)
(set! + real-plus2)
(display (less-reassigning)) (newline)
(set! < real-less2)
(display (list (+ 1 2) (< 1 2))) (newline)
