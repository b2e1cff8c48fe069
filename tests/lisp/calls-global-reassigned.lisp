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
