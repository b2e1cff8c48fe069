;; syntax-rules errors: a use no rule matches, and malformed macros, are
;; reported with the macro's name; a bad definition is caught when defined.

(define-syntax pair-up
  (syntax-rules ()
    ((_ (a ...) (b ...)) '((a b) ...))))

(define (message thunk)
  (guard (e (#t (display (error-object-message e)) (newline)))
    (thunk)))

(display (pair-up (1 2) (3 4))) (newline)
(message (lambda () (eval '(pair-up 1 2))))
(message (lambda () (eval '(pair-up (1 2) (3)))))
(message (lambda () (eval '(define-syntax bad (syntax-rules () ((_ a ...) a))))))
(message (lambda () (eval '(define-syntax bad (syntax-rules () ((_ a a) a))))))
(message (lambda () (eval '(define-syntax bad (syntax-rules () ((_ ... a) a))))))

(define-syntax two-args
  (syntax-rules ()
    ((_ a b) (+ a b))))

(display (two-args 1 2)) (newline)
(two-args 1)
