;; Docstrings and help inside the language (output is plain text here:
;; standard output is not a terminal).
(define (average . xs)
  "The arithmetic mean of XS.

Returns a float when the division is not exact."
  (/ (apply + xs) (length xs)))
(write (doc average)) (newline)
(write (doc (lambda (x) x))) (newline)
(write (doc 'average)) (newline)
(write (doc 'not-a-name)) (newline)
(define quiet (with-output-to-string (lambda () (help 'when))))
(display quiet)
(help 'unles)
(help "letrec-syntax")
(display (if (string-contains (with-output-to-string (lambda () (help))) "User procedures:\n  average") (quote listed) (quote missing)))
(newline)
