;; The test framework testing itself: each assertion's passing and failing
;; sides, as `lisp test tests/lisp-tests` runs them.

(define-test "assert-equal compares with equal?"
  (assert-equal '(1 (2 #(3))) (list 1 (list 2 (vector 3))))
  (assert-equal "abc" (string-append "a" "bc"))
  (assert-equal {:a 1} (map-set {} :a 1)))

(define-test "a failed assert-equal raises an assertion error with both values"
  (let ((e (assert-error (assert-equal 1 2))))
    (assert-true (error-object? e))
    (assert-equal "assert-equal failed" (error-object-message e))
    (assert-equal '(1 2) (error-object-irritants e))))

(define-test "assert-true accepts every value but #f"
  (assert-true 0)
  (assert-true '())
  (assert-error (assert-true #f)))

(define-test "assert-error returns the raised object"
  (assert-equal 'oops (assert-error (raise 'oops)))
  (assert-equal "boom" (error-object-message (assert-error (error "boom" 1)))))

(define-test "assert-error fails when nothing is raised"
  (assert-error (assert-error (+ 1 2))))

(define-test "tests can spawn threads"
  (let ((c (make-channel)))
    (spawn (lambda () (channel-send c (* 6 7))))
    (assert-equal 42 (channel-recv c))))

(define-test "string ports capture output"
  (assert-equal "(1 \"a\")" (with-output-to-string (lambda () (write (list 1 "a")))))
  (let ((p (open-input-string "(a b) 42 rest")))
    (assert-equal '(a b) (read p))
    (assert-equal 42 (read p))
    (assert-equal #\space (read-char p))
    (assert-equal "rest" (read-line p))
    (assert-true (eof-object? (read-line p)))))

(define-test "file access is denied without flags"
  (let ((e (assert-error (read-file "/etc/hostname"))))
    (assert-true (file-error? e))
    (assert-equal "read access to \"/etc/hostname\" denied (run with --allow-read)"
                  (error-object-message e))))

(define-test "assert-error also takes a thunk"
  (assert-equal 'from-thunk (assert-error (lambda () (raise 'from-thunk))))
  (assert-error (assert-error (lambda () 'no-error))))
