;; syntax-rules patterns and templates: ellipses at several depths, tails
;; after an ellipsis, dotted patterns, vectors, custom ellipsis, (... ...).

;; my-let via lambda.
(define-syntax my-let
  (syntax-rules ()
    ((_ ((name val) ...) body1 body2 ...)
     ((lambda (name ...) body1 body2 ...) val ...))))

(display (my-let ((a 1) (b 2)) (+ a b))) (newline)
(display (my-let () 'empty)) (newline)

;; Nested ellipsis: each group keeps its own elements.
(define-syntax group-sums
  (syntax-rules ()
    ((_ (name x ...) ...) (list (cons 'name (+ x ...)) ...))))

(display (group-sums (a 1 2 3) (b) (c 10))) (newline)

;; Flattening with two ellipses.
(define-syntax flatten
  (syntax-rules ()
    ((_ (x ...) ...) '(x ... ...))))

(display (flatten (1 2) () (3 4 5))) (newline)

;; Patterns after the ellipsis match the last elements.
(define-syntax last-two
  (syntax-rules ()
    ((_ skipped ... y z) '(y z))))

(display (last-two 1 2 3 4 5)) (newline)
(display (last-two 1 2)) (newline)

;; Dotted patterns.
(define-syntax rest-of
  (syntax-rules ()
    ((_ a b . rest) 'rest)))

(display (list (rest-of 1 2 3 4) (rest-of 1 2))) (newline)

;; Dotted templates build calls with spliced arguments.
(define-syntax call-with-zero
  (syntax-rules ()
    ((_ f . args) (f 0 . args))))

(display (call-with-zero list 1 2)) (newline)

;; Vector patterns and templates.
(define-syntax vector-reverse-pairs
  (syntax-rules ()
    ((_ #((a b) ...)) (vector (list b a) ...))))

(display (vector-reverse-pairs #((1 2) (3 4)))) (newline)

;; Literals.
(define-syntax for
  (syntax-rules (in from to)
    ((_ x in lst body ...) (for-each (lambda (x) body ...) lst))
    ((_ x from lo to hi body ...) (do ((x lo (+ x 1))) ((> x hi)) body ...))))

(for x in '(a b c) (display x))
(newline)
(for k from 1 to 5 (display k))
(newline)

;; A custom ellipsis leaves `...` an ordinary symbol.
(define-syntax quote-with-dots
  (syntax-rules etc ()
    ((_ x etc) '((x ...) etc))))

(display (quote-with-dots 1 2)) (newline)

;; (... ...) puts a literal ellipsis in the output.
(define-syntax dots-between
  (syntax-rules ()
    ((_ a b) '(a (... ...) b))))

(display (dots-between 1 9)) (newline)

;; A macro-defining macro: the inner template's ellipsis is escaped.
(define-syntax define-lister
  (syntax-rules ()
    ((_ name) (define-syntax name
                (syntax-rules ()
                  ((_ args (... ...)) (list 'name args (... ...))))))))

(define-lister tagged)
(display (tagged 1 2 3)) (newline)

;; Depth-0 variables repeat alongside sequences.
(define-syntax tag-all
  (syntax-rules ()
    ((_ tag x ...) '((tag x) ...))))

(display (tag-all t 1 2 3)) (newline)

;; let-values-like nesting: bindings of lists of names.
(define-syntax my-let-lists
  (syntax-rules ()
    ((_ (((n ...) e) ...) body)
     (let ((tmp (list e ...)))
       (apply (lambda (n ... ...) body) (apply append tmp))))))

(display (my-let-lists (((a b) '(1 2)) ((c) '(3))) (list c b a))) (newline)
