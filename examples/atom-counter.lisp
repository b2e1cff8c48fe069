;; Ten workers each bump a shared atom once; joining them all shows 10.
(define counter (atom 0))
(define workers
  (map (lambda (i) (spawn (lambda () (atom-swap! counter + 1))))
       (range 0 10)))
(for-each join workers)
(println "counter:" (atom-deref counter))
(unless (= (atom-deref counter) 10) (error "lost an update" (atom-deref counter)))
