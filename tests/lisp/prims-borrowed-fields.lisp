;; A car or cdr operand of a primitive may be borrowed from its pair in
;; compiled code: the same values, the same errors, nested fields, the
;; pair's last read, and a redefinition after compilation, in both tiers.
(define (try f . args)
  (guard (e (#t (list 'error (error-object-message e)))) (apply f args)))
(define (head-is? l s) (eq? (car l) s))
(define (second-null? l) (null? (cdr (cdr l))))
(define (caar-sym? l) (symbol? (car (car l))))
(define (first-equals l n) (= (car l) (+ n 1)))
(define (first-pair? l) (pair? (cdr l)))
(define (tail-of l) (if (null? (cdr l)) (car l) (tail-of (cdr l))))
(define (kinds l) (list (number? (car l)) (symbol? (cdr l))))
(define samples (list '(a b) '((x) y) '(1 2 3) (list 2.5 'z) '(q) 7 "s" '()))
(define (run-all x)
  (list (try head-is? x 'a) (try second-null? x) (try caar-sym? x)
        (try first-equals x 0) (try first-pair? x) (try tail-of x) (try kinds x)))
(define (warm i) (if (< i 40) (begin (map run-all samples) (warm (+ i 1))) 'warm))
(display (warm 0)) (newline)
(for-each (lambda (x) (display (run-all x)) (newline)) samples)
;; A fresh pair each time: the field outlives nothing but its test.
(define (fresh-head? n) (eq? (car (list n 'x)) n))
(define (count-fresh i acc) (if (= i 0) acc (count-fresh (- i 1) (if (fresh-head? i) (+ acc 1) acc))))
(display (count-fresh 1000 0)) (newline)
;; Redefining car after the lambdas were compiled is honoured.
(define real-car car)
(set! car cdr)
(display (list (head-is? '(a b) 'a) (try head-is? '(a . a) 'a) (kinds '(1 . s)))) (newline)
(set! car real-car)
(display (list (head-is? '(a b) 'a) (kinds '(1 . s)))) (newline)
