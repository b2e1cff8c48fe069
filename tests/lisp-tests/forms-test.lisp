(define (fact n) (if (= n 0) 1 (* n (fact (- n 1)))))
(define-test "recursion" (assert-equal 120 (fact 5)))
(define-test "closures" (let ((add (lambda (a) (lambda (b) (+ a b))))) (assert-equal 7 ((add 3) 4))))
(define-test "guard" (assert-equal 'caught (guard (e (#t 'caught)) (raise 'x))))
(define-test "records"
  (define-record-type point (make-point x y) point? (x px) (y py))
  (assert-true (point? (make-point 1 2)))
  (assert-equal 2 (py (make-point 1 2))))
