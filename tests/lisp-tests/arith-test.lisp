;; The project's own Lisp tests, run by `lisp test tests/lisp-tests`.
(define-test "addition" (assert-equal 4 (+ 2 2)))
(define-test "big integers" (assert-equal 1267650600228229401496703205376 (expt 2 100)))
(define-test "errors are raised" (assert-error (car '())) (assert-error (vector-ref (vector) 0)))
(define-test "strings" (assert-equal '("a" "" "b") (string-split "a,,b" ",")))
(define-test "threads" (assert-equal 42 (join (spawn (lambda () 42)))))
(define-test "channels" (let ((c (make-channel 1))) (channel-send c 'x) (assert-equal 'x (channel-recv c))))
