;; Recursive syntax-rules macros: the expander re-expands each use the
;; expansion contains.

(define-syntax my-let*
  (syntax-rules ()
    ((_ () body ...) (let () body ...))
    ((_ ((x v) rest ...) body ...) (let ((x v)) (my-let* (rest ...) body ...)))))

(display (my-let* ((a 1) (b (+ a 1)) (c (* b 10))) (list a b c))) (newline)

(define-syntax my-and
  (syntax-rules ()
    ((_) #t)
    ((_ e) e)
    ((_ e r ...) (if e (my-and r ...) #f))))

(display (list (my-and) (my-and 1 2 3) (my-and 1 #f 3))) (newline)

(define-syntax my-cond
  (syntax-rules (else)
    ((_ (else e ...)) (begin e ...))
    ((_ (c e ...) clause ...) (if c (begin e ...) (my-cond clause ...)))))

(define (classify n)
  (my-cond ((< n 0) 'negative)
           ((= n 0) 'zero)
           (else 'positive)))
(display (map classify '(-5 0 5))) (newline)

;; Counting arguments at expansion time.
(define-syntax count-args
  (syntax-rules ()
    ((_) 0)
    ((_ x rest ...) (+ 1 (count-args rest ...)))))

(display (count-args a b c d)) (newline)

;; Reversing arguments with an accumulator.
(define-syntax reverse-list
  (syntax-rules ()
    ((_ () (acc ...)) (list acc ...))
    ((_ (x rest ...) (acc ...)) (reverse-list (rest ...) (x acc ...)))))

(display (reverse-list (1 2 3 4) ())) (newline)

;; A macro that defines a procedure, then uses it recursively.
(define-syntax define-counter
  (syntax-rules ()
    ((_ name start) (define name (let ((n start)) (lambda () (set! n (+ n 1)) n))))))

(define-counter next! 10)
(next!)
(display (next!)) (newline)

;; Macros expanding into other macros.
(define-syntax unless2
  (syntax-rules ()
    ((_ c body ...) (my-cond (c #f) (else body ...)))))

(display (list (unless2 #f 'ran) (unless2 #t 'ran))) (newline)

;; A recursive macro inside a recursive procedure.
(define (fact k) (my-cond ((= k 0) 1) (else (* k (fact (- k 1))))))
(display (fact 20)) (newline)
