; Pairs and the shape of lists: construction, access, length, append,
; take/drop, sequences; every error names the procedure and the value.
(define (show . xs) (for-each (lambda (x) (write x) (display " ")) xs) (newline))
(define (err thunk) (guard (e (#t (error-object-message e))) (thunk) 'no-error))

(show (cons 1 2) (cons 1 '()) (cons '(a) '(b)) (car '((1) 2)) (cdr '(1 . 2)) nil (null? nil))
(show (err (lambda () (car '()))) (err (lambda () (cdr 5))))

; every c[ad]r of depth 2 to 4, on a full binary tree whose 16 leaves are
; numbered left to right, so each path leads somewhere different
(define (tree lo depth)
  (if (= depth 0) lo
      (cons (tree lo (- depth 1)) (tree (+ lo (expt 2 (- depth 1))) (- depth 1)))))
(define t (tree 1 4))
(show (caar t) (cadr t) (cdar t) (cddr t))
(show (caaar t) (caadr t) (cadar t) (caddr t) (cdaar t) (cdadr t) (cddar t) (cdddr t))
(show (caaaar t) (caaadr t) (caadar t) (caaddr t) (cadaar t) (cadadr t) (caddar t) (cadddr t))
(show (cdaaar t) (cdaadr t) (cdadar t) (cdaddr t) (cddaar t) (cddadr t) (cdddar t) (cddddr t))
(show (cadr '(1 2 3)) (cddr '(1 2 3)) (caddr '(1 2 3)) (cdddr '(1 2 3)) (cadddr '(1 2 3 4)) (cddddr '(1 2 3 4 5)))
(show (err (lambda () (caddr '(1 2)))) (err (lambda () (cadr 7))))

(show (list) (list 1 "two" #\3 'four) (cons* 1) (cons* 1 2) (cons* 1 2 '(3 4)) (list* 'a '(b)))
(show (make-list 0) (make-list 2) (make-list 3 'x) (err (lambda () (make-list -1))))

(show (list? '()) (list? '(1 2)) (list? '(1 . 2)) (list? 5) (list? #(1)))
(show (pair? '(1)) (pair? '(1 . 2)) (pair? '()) (pair? #(1)) (null? '()) (null? '(1)) (null? #f))

(show (length '()) (length '(1 2 3)) (length '((1 2) 3)))
(show (err (lambda () (length '(1 2 . 3)))) (err (lambda () (length 'x))))

(show (append) (append '(1)) (append '() '()) (append '(1) '(2) '(3 4)) (append '(1) 2) (append 'x))
(define shared '(3 4))
(show (eq? (cddr (append '(1 2) shared)) shared))
(show (err (lambda () (append '(1) 2 '(3)))) (err (lambda () (append '(1 . 2) '(3)))))

(show (reverse '()) (reverse '(1 (2 3) 4)) (err (lambda () (reverse '(1 . 2)))))

(show (list-ref '(a b c) 0) (list-ref '(a b c) 2) (list-tail '(a b c) 0) (list-tail '(a b c) 3))
(show (err (lambda () (list-ref '(a b c) 3))) (err (lambda () (list-ref '(a b) -1))) (err (lambda () (list-tail '(a) 2))) (err (lambda () (list-ref '(a) 'x))))

(define orig '(1 2 3))
(define copy (list-copy orig))
(show copy (equal? copy orig) (eq? copy orig) (list-copy '()) (list-copy '(1 . 2)) (list-copy 7))

(show (last '(1)) (last '(1 2 3)) (last-pair '(1 2 3)) (last-pair '(1 . 2)))
(show (err (lambda () (last '()))) (err (lambda () (last-pair 5))))

(show (take '(1 2 3) 0) (take '(1 2 3) 2) (take '(1 2 3) 3) (drop '(1 2 3) 0) (drop '(1 2 3) 2) (drop '(1 2 3) 3))
(show (err (lambda () (take '(1 2) 3))) (err (lambda () (drop '(1 2) 3))) (err (lambda () (take '(1 2) -1))))

(show (range 0 5) (range 5) (range 2 5) (range 5 2) (range 0 10 3) (range 10 0 -3) (range 0 -5 -1) (range -2 2))
(show (err (lambda () (range 0 5 0))) (err (lambda () (range 0 1.5))) (err (lambda () (range 'a 2))))

(show (iota 0) (iota 5) (iota 5 1) (iota 5 0 -1) (iota 3 1 0.5) (err (lambda () (iota -1))))
; sizes the machine cannot hold are errors, not aborts
(show (err (lambda () (make-list 100000000000000))) (err (lambda () (range 0 100000000000000))) (err (lambda () (iota 100000000000000))))
