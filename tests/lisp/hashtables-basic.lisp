; Mutable hash tables: keys compare with equal?, listings come out in an
; unspecified order (sorted here before printing), missing keys use the
; default (a thunk is called) or raise an error naming the key.
(define (show . xs) (for-each (lambda (x) (write x) (display " ")) xs) (newline))
(define (err thunk) (guard (e (#t (error-object-message e))) (thunk) 'no-error))
(define (key<? a b) (string<? (write-to-string a) (write-to-string b)))
(define (write-to-string x) (with-output-to-string (lambda () (write x))))
(define (sorted l) (sort l key<?))

(define h (make-hash-table))
(show (hash-table? h) (hash-table? {}) (hash-table? '()) (hash-table-count h) (hash-table? (make-hash-table equal? 100)))
(show (hash-table-set! h 'a 1))
(hash-table-set! h "str" 'string-key)
(hash-table-set! h (list 1 2) 'list-key)
(hash-table-set! h #(1 2) 'vector-key)
(hash-table-set! h 2.5 'float-key)
(hash-table-set! h 100000000000000000000 'big-key)
(show (hash-table-ref h 'a) (hash-table-ref h (string-append "s" "tr")) (hash-table-ref h (list 1 2)) (hash-table-ref h (vector 1 2)))
(show (hash-table-ref h 2.5) (hash-table-ref h (* 10000000000 10000000000)) (hash-table-count h))
(hash-table-set! h 'a 'replaced)
(show (hash-table-ref h 'a) (hash-table-count h))

(show (hash-table-ref h 'missing 0) (hash-table-ref h 'missing (lambda () 'from-thunk)) (hash-table-ref/default h 'missing 'd) (hash-table-ref/default h 'a 'd))
(show (err (lambda () (hash-table-ref h 'missing))) (err (lambda () (hash-table-ref h '(no such key)))) (err (lambda () (hash-table-ref h 'missing (lambda () (error "thunk failed"))))))
(show (err (lambda () (hash-table-ref {:a 1} :a))) (err (lambda () (hash-table-set! '() 1 2))) (err (lambda () (hash-table-count 5))))

(show (hash-table-contains? h "str") (hash-table-contains? h "nope") (hash-table-exists? h 'a))
(hash-table-delete! h "str")
(hash-table-delete! h "never-there")
(show (hash-table-contains? h "str") (hash-table-count h) (hash-table-size h))

(define small (make-hash-table))
(hash-table-set! small 'x 1)
(hash-table-set! small 'y 2)
(hash-table-set! small 'z 3)
(show (sorted (hash-table-keys small)) (sorted (hash-table-values small)) (sorted (hash-table->alist small)))
; keys, values and alist agree in order
(show (equal? (map car (hash-table->alist small)) (hash-table-keys small)) (equal? (map cdr (hash-table->alist small)) (hash-table-values small)))
(define walked '())
(hash-table-walk small (lambda (k v) (set! walked (cons (list k v) walked))))
(show (sorted walked))
; the walker may modify the table: it walks a snapshot
(hash-table-walk small (lambda (k v) (hash-table-set! small k (* v 10)) (hash-table-delete! small 'z)))
(show (sorted (hash-table->alist small)))

(define counts (make-hash-table))
(for-each (lambda (w) (hash-table-update! counts w (lambda (n) (+ n 1)) (lambda () 0))) '(a b a c a b))
(show (sorted (hash-table->alist counts)))
(hash-table-update! counts 'a (lambda (n) (* n 100)))
(hash-table-update!/default counts 'd (lambda (n) (+ n 1)) 10)
(hash-table-update!/default counts 'e (lambda (p) (procedure? p)) car)
(show (hash-table-ref counts 'a) (hash-table-ref counts 'd) (hash-table-ref counts 'e))
(show (err (lambda () (hash-table-update! counts 'zz (lambda (n) n)))) (err (lambda () (hash-table-update! counts 'a (lambda (n) (error "update failed" n))))) (hash-table-ref counts 'a))

(define copy (hash-table-copy counts))
(hash-table-set! copy 'a 'only-in-copy)
(show (hash-table-ref counts 'a) (hash-table-ref copy 'a) (= (hash-table-count copy) (hash-table-count counts)))
(hash-table-clear! copy)
(show (hash-table-count copy) (hash-table-count counts))

(define from-alist (alist->hash-table '((a . 1) (b . 2) (a . 3))))
(show (hash-table-ref from-alist 'a) (hash-table-count from-alist) (err (lambda () (alist->hash-table '((a . 1) 5)))) (err (lambda () (alist->hash-table 5))))

(define many (make-hash-table))
(for-each (lambda (i) (hash-table-set! many (number->string i) i)) (range 0 20000))
(show (hash-table-count many) (hash-table-ref many "12345") (apply + (hash-table-values many)) (length (hash-table-keys many)))

; keys that would make hashing explode: a vector containing itself, and a
; list sharing its halves 60 levels deep (2^60 paths)
(define self (vector 1))
(vector-set! self 0 self)
(define dag (let loop ((x '()) (i 0)) (if (= i 60) x (loop (list x x) (+ i 1)))))
(define odd-keys (make-hash-table))
(hash-table-set! odd-keys self 'self)
(hash-table-set! odd-keys dag 'dag)
(show (hash-table-ref odd-keys self) (hash-table-ref odd-keys dag) (hash-table-count odd-keys))
