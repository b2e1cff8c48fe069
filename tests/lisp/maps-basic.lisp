; Persistent maps: literals evaluate keys and values, map-set returns a new
; map, entries keep insertion order, keys compare with equal?.
(define (show . xs) (for-each (lambda (x) (write x) (display " ")) xs) (newline))
(define (err thunk) (guard (e (#t (error-object-message e))) (thunk) 'no-error))

(define m {:b 2 :a 1})
(show m {} (hash-map) (hash-map "k" 'v 1 2) {(+ 1 1) (list 'x) "s" #\c} (map? m) (map? '()) (map? (make-hash-table)))
(show (hash-map :a 1 :b 2 :a 3) (err (lambda () (hash-map :a))) (err (lambda () (hash-map 1 2 3))))

(show (map-get m :a) (map-get m :zz) (map-get m :zz 'dflt) (map-get {:f #f} :f 'dflt) (map-get {'(1 2) 'list} (list 1 2)))
(show (map-get {"key" 1} "key") (map-get {1.5 'f 2 'i} 2) (map-get {#(1 2) 'v} (vector 1 2)) (map-get {{:in 1} 'nested} {:in 1}))
(show (err (lambda () (map-get '((a . 1)) 'a))) (err (lambda () (map-get 5 :a 0))))

(define m2 (map-set m :c 3))
(show m m2 (map-set m :a 100) (map-set {} :x 'y) (err (lambda () (map-set '() :a 1))))
(show (map-remove m2 :b) (map-remove m2 :zz) m2 (map-remove {} 1) (err (lambda () (map-remove #(1) 0))))
; a removed key that comes back goes to the end
(show (map-set (map-remove m2 :b) :b 'back))

(show (map-contains? m :a) (map-contains? m :zz) (map-contains? {:f #f} :f) (err (lambda () (map-contains? 1 2))))
(show (map-keys m2) (map-values m2) (map-count m2) (map-count {}) (map->list m2) (map->list {}))
(show (err (lambda () (map-keys '()))) (err (lambda () (map-count "x"))) (err (lambda () (map->list 1))))

(show (map-merge {:a 1}) (map-merge {:a 1 :b 2} {:b 20 :c 30} {:d 40 :a 10}) (map-merge {} {}))
(show (err (lambda () (map-merge {:a 1} '((b . 2))))))

(show (map-update {:n 1} :n (lambda (x) (+ x 1))) (map-update {} :n (lambda (x) (list x))) (map-update {} :n (lambda (x) (+ x 1)) 41))
(show (err (lambda () (map-update {:n 'a} :n (lambda (x) (+ x 1))))) (err (lambda () (map-update {} :n 5))))

(show (equal? {:a 1 :b 2} {:b 2 :a 1}) (equal? {:a 1} {:a 2}) (equal? {:a (list 1)} {:a '(1)}) (eqv? {} {}))
(show (map-assoc {:x 1} :y 2))
; a map with many entries, built with map-set and read back
(define big (fold-left (lambda (acc i) (map-set acc i (* i i))) {} (range 0 10000)))
(show (map-count big) (map-get big 9999) (car (map-keys big)) (last (map-values big)) (map-count (map-remove big 5)) (map-count big))
