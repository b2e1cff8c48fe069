;; Golden programs run without --allow-* flags: every file and network
;; access is denied with a catchable error naming the flag that would
;; allow it.
(define (try thunk)
  (guard (e ((file-error? e) (display (error-object-message e)) (newline)))
    (thunk)
    (display "allowed?!") (newline)))
(try (lambda () (read-file "/etc/passwd")))
(try (lambda () (read-file "../../../etc/passwd")))
(try (lambda () (write-file "out.txt" "data")))
(try (lambda () (append-file "out.txt" "data")))
(try (lambda () (delete-file "io-sandbox-denied.lisp")))
(try (lambda () (file-exists? "io-sandbox-denied.lisp")))
(try (lambda () (list-dir ".")))
(try (lambda () (open-input-file "io-sandbox-denied.lisp")))
(try (lambda () (open-output-file "out.txt")))
(try (lambda () (call-with-output-file "out.txt" (lambda (p) (write-string "x" p)))))
(try (lambda () (with-output-to-file "out.txt" (lambda () (display "x")))))
(try (lambda () (load "io-ports.lisp")))
(try (lambda () (tcp-connect "127.0.0.1" 80)))
(try (lambda () (tcp-listen 0)))
(try (lambda () (http-get "http://localhost:8080/")))
;; Spawned threads share the sandbox.
(try (lambda () (join (spawn (lambda () (read-file "io-ports.lisp"))))))
;; Uncaught, a denial ends the program with status 1.
(read-file "io-ports.lisp")
