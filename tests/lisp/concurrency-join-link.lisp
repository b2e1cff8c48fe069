; join re-raises the thread's error: the same object, each time it is joined
(define failing (spawn (lambda () (raise (list 'oops 1)))))
(define first (guard (e (#t e)) (join failing)))
(define second (guard (e (#t e)) (join failing)))
(println first (eq? first second))
; an error in one thread does not stop the others
(define ok (spawn (lambda () (sleep 20) 'still-running)))
(spawn (lambda () (error "thread failure reported on stderr")))
(println (join ok))
; spawn-link delivers exactly one message, then the eof object
(define link (spawn-link (lambda () (list 'result (thread-id)))))
(define msg (channel-recv link))
(println (car msg) (positive? (cadr msg)) (eof-object? (channel-recv link)) (eof-object? (channel-try-recv link)))
(define err-link (spawn-link (lambda () (vector-ref (vector 1 2) 5))))
(define err (channel-recv err-link))
(println (error-object? err) (eof-object? (channel-recv err-link)))
; sleep accepts integers and reals; a negative time is an error
(sleep 1) (sleep 0.5)
(println (guard (e ((error-object? e) (error-object-message e))) (sleep -1)))
(println (guard (e ((error-object? e) (error-object-message e))) (join 'not-a-thread)))
(println (guard (e ((error-object? e) (error-object-message e))) (spawn 42)))
; a thread can spawn and join threads of its own
(println (join (spawn (lambda () (+ 1 (join (spawn (lambda () (* 2 3)))))))))
; parameterize bindings are inherited
(define p (make-parameter 'outer))
(println (parameterize ((p 'inner)) (join (spawn (lambda () (p))))))
; the thunk must be callable with no arguments: checked at the spawn
(println (guard (e ((error-object? e) (error-object-message e))) (spawn (lambda (x) x))))
(println (guard (e ((error-object? e) (error-object-message e))) (spawn-link car)))
(println (join (spawn (lambda args args))))
