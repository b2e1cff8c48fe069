; Searching lists: membership, association lists, predicates over
; elements, deletion. Searches reject improper lists instead of
; answering #f.
(define (show . xs) (for-each (lambda (x) (write x) (display " ")) xs) (newline))
(define (err thunk) (guard (e (#t (error-object-message e))) (thunk) 'no-error))

(show (memq 'c '(a b c d)) (memq 'z '(a b)) (memq 'a '()) (memq '(1) '((1))) (memq 3 '(1 2 3)))
(show (memv 2.0 '(1.0 2.0 3.0)) (memv 2 '(1 2.0)) (memv 100000000000000000000 '(1 100000000000000000000)))
(show (member "b" '("a" "b" "c")) (member '(1) '((0) (1))) (member 5 '(1 2)) (member 2.0 '(1 2 3) =))
(show (member 3 '(1 2 3 4) (lambda (x y) (< x y))))
(show (err (lambda () (memq 'x 5))) (err (lambda () (memv 9 '(1 . 2)))) (err (lambda () (member 9 '(1 2 . 3)))))
(show (memq 1 '(1 . 2)))
(show (err (lambda () (member 1 '(1) 'not-a-procedure))) (err (lambda () (member 1 '(1) (lambda (a b) (error "compare failed" a b))))))

(define alist '((a . 1) (b . 2) ("c" . 3) (4.0 . four)))
(show (assq 'b alist) (assq 'z alist) (assq "c" '()) (assv 4.0 alist) (assv 4 alist) (assoc "c" alist) (assoc 'a alist))
(show (assoc 4 '((1 . one) (4.0 . four)) =) (assoc 2 '((1 . one) (3 . three)) (lambda (k x) (< k x))))
(show (assoc-ref alist 'b) (assoc-ref alist 'zz) (assoc-ref '((x)) 'x))
(show (err (lambda () (assq 'a '((b . 1) c)))) (err (lambda () (assoc 'a 7))) (err (lambda () (assv 1 '((0 . 0) . 5)))))
(show (err (lambda () (assoc-ref 5 'a))))

(show (find even? '(1 3 4 6)) (find even? '(1 3)) (find even? '()) (find-tail even? '(1 4 5)) (find-tail even? '(1 3)))
(show (err (lambda () (find even? '(1 . 3)))) (err (lambda () (find 5 '(1)))) (err (lambda () (find car '(1)))))

(show (list-index even? '(1 3 4)) (list-index even? '(1 3)) (list-index = '(1 2 3) '(3 2 1)) (list-index < '(3 3) '(1)))

(show (any odd? '(2 4 5)) (any odd? '(2 4)) (any odd? '()) (any (lambda (x) (and (> x 2) (* x x))) '(1 2 3 4)))
(show (any < '(5 4 3) '(1 2 9)) (any < '(5 4) '(1 2 9)))
(show (every odd? '(1 3)) (every odd? '(1 2 3)) (every odd? '()) (every (lambda (x) (and (> x 0) x)) '(1 2 3)))
(show (every < '(1 2) '(2 3 0)) (err (lambda () (every odd? '(1 . 2)))))

(show (count odd? '(1 2 3 5)) (count odd? '()) (count < '(1 5 2) '(2 3 4)))

(show (delete 2 '(1 2 3 2)) (delete '(a) '((a) b (a))) (delete 9 '(1 2)) (delete 3 '(1 2 3 4 5) <))
(show (err (lambda () (delete 1 '(1 . 2)))))

(show (delete-duplicates '(1 2 1 3 2 4)) (delete-duplicates '("a" "b" "a")) (delete-duplicates '((1) (1) 1)) (delete-duplicates '()))
(show (delete-duplicates '(1 2 3 4 5 6) (lambda (a b) (= (modulo a 3) (modulo b 3)))) (delete-duplicates '(1 1.0 1)))
