; Tail calls through captured closures: a callee read from the captured
; values of a closure that lives through the whole call is borrowed, one
; read from a closure that a tail call replaces is owned. Both must keep
; every closure alive while it runs.
(define (churn) (let loop ((i 0)) (when (< i 200) (make-vector 4 i) (loop (+ i 1)))))

; A chain of closures, each tail-calling the one it captured.
(define (make-chain n)
  (if (= n 0)
      (lambda (x) (churn) x)
      (let ((next (make-chain (- n 1))))
        (lambda (x) (next (+ x 1))))))
(define chain (make-chain 1000))
(display (chain 0)) (newline)
; the same chain reached through a local and through a temporary
(display (let ((c (make-chain 50))) (c 1))) (newline)
(display ((make-chain 50) 2)) (newline)

; Continuation-passing: every continuation is a fresh closure that tail
; calls the one it captured, and is dropped as soon as it has.
(define (count-cps n k)
  (if (= n 0) (k 0) (count-cps (- n 1) (lambda (v) (churn) (k (+ v 1))))))
(display (count-cps 2000 (lambda (v) v))) (newline)

; Composition: tail calls through captured procedures, built on the fly.
(define (twice f) (lambda (x) (f (f x))))
(define add16 (twice (twice (twice (twice (lambda (x) (+ x 1)))))))
(display (add16 0)) (newline)
(define (compose f g) (lambda (x) (f (g x))))
(display ((compose (lambda (x) (* x 2)) (compose (lambda (x) (+ x 1)) (lambda (x) (churn) x))) 5)) (newline)

; A closure whose captured callee replaces the global that held the caller.
(define (make-self-replacing)
  (let ((inner (lambda (x) (set! runner #f) (churn) (list 'inner x))))
    (lambda (x) (inner (+ x 1)))))
(define runner (make-self-replacing))
(display (runner 41)) (newline)
(display runner) (newline)

; An error at the end of a borrowed chain keeps its location.
(define (make-failing n)
  (if (= n 0)
      (lambda (x) (car x))
      (let ((next (make-failing (- n 1)))) (lambda (x) (next x)))))
(define failing (make-failing 10))
(display (guard (e ((error-object? e) (error-object-message e))) (failing 5))) (newline)
