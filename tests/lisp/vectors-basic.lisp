; Vectors: construction, access, mutation visible through every
; reference, copies, conversions, higher-order procedures and errors that
; name the procedure and the index.
(define (show . xs) (for-each (lambda (x) (write x) (display " ")) xs) (newline))
(define (err thunk) (guard (e (#t (error-object-message e))) (thunk) 'no-error))

(show (vector) (vector 1 "a" #\b 'c) (make-vector 0) (make-vector 3) (make-vector 2 'x) #(1 (2) #(3)))
(show (vector? #(1)) (vector? '(1)) (vector? "abc") (vector-length #()) (vector-length (make-vector 5 0)))
(show (err (lambda () (make-vector -1))) (err (lambda () (make-vector 'a))) (err (lambda () (make-vector 1000000000000000))))

(define v (vector 'a 'b 'c))
(define alias v)
(show (vector-ref v 0) (vector-ref v 2))
(vector-set! v 1 'z)
(show v alias (eq? v alias) (vector-set! v 0 0))
(show (err (lambda () (vector-ref v 3))) (err (lambda () (vector-ref v -1))) (err (lambda () (vector-set! v 5 'x))))
(show (err (lambda () (vector-ref '(a) 0))) (err (lambda () (vector-ref v 1.0))) (err (lambda () (vector-ref v 100000000000000000000000))))

(show (vector->list #(1 2 3)) (vector->list #(1 2 3) 1) (vector->list #(1 2 3) 1 2) (vector->list #()) (list->vector '(1 2)) (list->vector '()))
(show (err (lambda () (vector->list #(1 2) 2 1))) (err (lambda () (vector->list #(1 2) 0 3))) (err (lambda () (list->vector '(1 . 2)))))

(define f (make-vector 5 0))
(vector-fill! f 7)
(show f)
(vector-fill! f 'x 1 3)
(show f (err (lambda () (vector-fill! f 0 4 9))))

(define src #(1 2 3 4))
(define c (vector-copy src))
(vector-set! c 0 'changed)
(show c src (vector-copy src 2) (vector-copy src 1 3) (vector-copy #()) (subvector src 0 2))
(show (err (lambda () (vector-copy src 5))) (err (lambda () (subvector src 3 1))) (err (lambda () (subvector src 0))))

(define dst (vector 'a 'b 'c 'd 'e))
(vector-copy! dst 1 #(1 2))
(show dst)
(vector-copy! dst 0 dst 2)
(show dst)
(vector-copy! dst 3 #(x y z) 1 2)
(show dst (err (lambda () (vector-copy! dst 4 #(1 2)))))

(show (vector-append) (vector-append #(1)) (vector-append #(1) #() #(2 3)) (err (lambda () (vector-append #(1) '(2)))))
(show (vector-grow #(1 2) 4) (vector-grow #() 0) (err (lambda () (vector-grow #(1 2) 1))))

(show (vector-map (lambda (x) (* x x)) #(1 2 3)) (vector-map + #(1 2 3) #(10 20)) (vector-map list #() #(1)))
(define acc '())
(vector-for-each (lambda (x y) (set! acc (cons (+ x y) acc))) #(1 2 3) #(10 20 30 40))
(show acc (vector-for-each display #()))
(show (err (lambda () (vector-map car #(1)))) (err (lambda () (vector-map + #(1) 5))) (err (lambda () (vector-for-each 5 #(1)))))
; the procedure may modify the vector it is mapping: the map sees a snapshot
(define m (vector 1 2 3))
(show (vector-map (lambda (x) (vector-set! m 2 100) x) m) m)
(show (sort #(3 1 2) <) (equal? #(1 (2)) (vector 1 (list 2))) (equal? #(1) #(2)))
; equal? terminates on circular vectors: same shape is equal
(define c1 (vector 1 #f))
(vector-set! c1 1 c1)
(define c2 (vector 1 (vector 1 #f)))
(vector-set! (vector-ref c2 1) 1 c2)
(define c3 (vector 2 #f))
(vector-set! c3 1 c3)
(show (equal? c1 c2) (equal? c1 c3) (equal? c1 c1))
