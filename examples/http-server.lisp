;; A threaded HTTP/1.1 server: every connection is handled on its own
;; thread, and an atom counts the requests across threads.
;;
;;   lisp --allow-net=127.0.0.1 run examples/http-server.lisp [PORT [MAX]]
;;
;; PORT defaults to 8080 (0 picks a free one); with MAX the server stops
;; after that many requests, otherwise it runs until interrupted. Try
;;   curl http://127.0.0.1:8080/            a greeting
;;   curl http://127.0.0.1:8080/count       the number of requests so far
;;   curl -d hello http://127.0.0.1:8080/echo   the request body back
;; Response bodies are ASCII, so string-length is also the byte count.

(define args (cdr (command-line)))
(define port (if (pair? args) (string->number (car args)) 8080))
(define limit (if (and (pair? args) (pair? (cdr args))) (string->number (cadr args)) #f))
(define hits (atom 0))

(define (read-headers conn)
  "Reads header lines up to the blank line; returns an alist of
lower-cased names and values."
  (let loop ((acc '()))
    (let ((line (read-line conn)))
      (if (or (eof-object? line) (string=? line ""))
          (reverse acc)
          (let ((colon (string-index line #\:)))
            (loop (if colon
                      (cons (cons (string-downcase (substring line 0 colon))
                                  (string-trim (substring line (+ colon 1) (string-length line))))
                            acc)
                      acc)))))))

(define (read-body conn headers)
  "The request body, as long as its Content-Length says."
  (let ((length (assoc "content-length" headers)))
    (if length
        (let ((body (read-string (string->number (cdr length)) conn)))
          (if (eof-object? body) "" body))
        "")))

(define (respond conn status body)
  "Writes a complete text/plain response and closes the connection."
  (write-string
   (string-append "HTTP/1.1 " status "\r\n"
                  "Content-Type: text/plain\r\n"
                  "Content-Length: " (number->string (string-length body)) "\r\n"
                  "Connection: close\r\n\r\n"
                  body)
   conn)
  (close-port conn))

(define (handle conn)
  "Serves one request read from CONN."
  (let ((request-line (read-line conn)))
    (if (eof-object? request-line)
        (close-port conn)
        (let* ((parts (string-split request-line " "))
               (method (car parts))
               (path (if (pair? (cdr parts)) (cadr parts) "/"))
               (headers (read-headers conn))
               (body (read-body conn headers))
               (count (atom-swap! hits + 1)))
          (cond ((string=? path "/")
                 (respond conn "200 OK" "Hello from lisp!\n"))
                ((string=? path "/count")
                 (respond conn "200 OK" (string-append (number->string count) "\n")))
                ((and (string=? path "/echo") (string=? method "POST"))
                 (respond conn "200 OK" body))
                (else
                 (respond conn "404 Not Found" (string-append "no page at " path "\n"))))))))

(define listener (tcp-listen port "127.0.0.1"))
(display "listening on http://127.0.0.1:")
(display (tcp-listener-port listener))
(display "/")
(newline)

(let loop ((served 0) (workers '()))
  (if (and limit (>= served limit))
      (begin
        (for-each join workers)
        (display "served ")
        (display served)
        (display " requests")
        (newline))
      (let ((conn (tcp-accept listener)))
        (loop (+ served 1)
              (cons (spawn (lambda () (handle conn))) workers)))))
