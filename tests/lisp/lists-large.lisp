; List procedures on long lists: 10^6 elements for those that only walk
; and build lists, 10^5 for those calling a procedure per element (to keep
; the debug-build suite fast). None recurses on the length of its list.
(define (show . xs) (for-each (lambda (x) (write x) (display " ")) xs) (newline))
(define n 1000000)
(define big (range 0 n))
(show (length big) (list? big) (last big) (list-ref big 999999) (car (reverse big)))
(show (length (append big big)) (length (list-copy big)) (length (take big 500000)) (car (drop big 999990)))
(show (car (memv 999999 big)) (car (member 999998 big)) (length (delete 5 big)) (length (make-list n 0)))
(show (vector-length (list->vector big)) (apply + big) (length (cons* 1 2 big)) (length (iota n)))
(define m 100000)
(define small (range 0 m))
(show (length (map + small small)) (length (filter even? small)) (count odd? small) (reduce + 0 small))
(show (fold-left + 0 small) (fold-right + 0 small) (length (fold-right cons '() small)) (length (append-map list small)))
(define alist (map cons small small))
(show (assv 99999 alist) (list-index negative? (reverse (cons -1 small))) (every integer? small))
(show (car (sort (reverse small) <)) (length (sort small >)) (length (delete-duplicates (append small small))))
