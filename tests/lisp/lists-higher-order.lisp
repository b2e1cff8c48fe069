; map, for-each, filter and the folds: several lists stop at the shortest;
; errors raised by the procedure propagate unchanged.
(define (show . xs) (for-each (lambda (x) (write x) (display " ")) xs) (newline))
(define (err thunk) (guard (e (#t (error-object-message e))) (thunk) 'no-error))
(define (boom x . rest) (error "boom" x))

(show (map (lambda (x) (* x x)) '(1 2 3)) (map + '(1 2 3) '(10 20 30)) (map + '(1 2 3) '(10 20)) (map list '(1 2) '(a b) '("x" "y")))
(show (map car '()) (map + '(1) '()) (map cadr '((a 1) (b 2))))
(show (err (lambda () (map car 5))) (err (lambda () (map car '(1 . 2)))) (err (lambda () (map 5 '(1)))) (err (lambda () (map boom '(1 2)))))
(show (err (lambda () (map + '(1) '(2) 'x))))

(define seen '())
(show (for-each (lambda (x) (set! seen (cons x seen))) '(1 2 3)) seen)
(for-each (lambda (a b) (display (list a b))) '(1 2 3) '(x y)) (newline)
(show (err (lambda () (for-each display '(1 . 2)))) (err (lambda () (for-each boom '(7)))))

(show (filter odd? '(1 2 3 4 5)) (filter odd? '()) (filter (lambda (x) x) '(1 #f 2 #f)) (remove odd? '(1 2 3 4)))
(show (err (lambda () (filter odd? 'x))) (err (lambda () (remove boom '(3)))) (err (lambda () (filter 1 '()))))
(show (call-with-values (lambda () (partition even? '(1 2 3 4 5))) list))
(let-values (((small big) (partition (lambda (x) (< x 3)) '(5 1 4 2)))) (show small big))

(show (filter-map (lambda (x) (and (even? x) (* x x))) '(1 2 3 4)) (filter-map (lambda (a b) (and (< a b) (list a b))) '(1 5 2) '(3 4 6)))
(show (append-map (lambda (x) (list x (* 10 x))) '(1 2)) (append-map list '(1 2) '(a b)) (append-map (lambda (x) '()) '(1 2)))
(show (err (lambda () (append-map (lambda (x) x) '(1 2)))))

(show (reduce + 0 '(1 2 3 4)) (reduce + 0 '()) (reduce + 0 '(5)) (reduce max 0 '(3 9 2)) (reduce cons 'init '(1 2 3)) (reduce - 0 '(1 2 3 4)))
(show (err (lambda () (reduce + 0 '(1 . 2)))) (err (lambda () (reduce boom 0 '(1 2)))))

(show (fold-left cons '() '(1 2 3)) (fold-left - 0 '(1 2 3)) (fold-left + 0 '()) (fold-left (lambda (acc a b) (+ acc (* a b))) 0 '(1 2 3) '(4 5 6 7)))
(show (fold-right cons '() '(1 2 3)) (fold-right - 0 '(1 2 3)) (fold-right list 'end '(1 2) '(a b c)))
(show (fold cons '() '(1 2 3)) (fold + 0 '(1 2 3)) (fold cons* '() '(a b c) '(1 2 3)))
(show (err (lambda () (fold-left boom 0 '(1)))) (err (lambda () (fold-right + 0 'x))) (err (lambda () (fold-left + 0 '(1) 'y))))

(show (sort '(3 1 4 1 5 9 2 6) <) (sort '() <) (sort '(1) <) (sort '("pear" "apple" "fig") string<?) (sort '(3 1 2) >))
(define v #(5 3 1))
(show (sort v <) v (sort (vector) <))
; stable: equal keys keep their order
(show (sort '((1 . a) (0 . b) (1 . c) (0 . d)) (lambda (x y) (< (car x) (car y)))))
(show (list-sort < '(3 2 1)) (err (lambda () (sort '(2 1) boom))) (err (lambda () (sort 5 <))) (err (lambda () (sort '(1 . 2) <))) (err (lambda () (sort '(1 a) <))))
