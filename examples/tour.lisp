;; A tour of the language: records, errors, macros, tail calls, big integers.
(define-record-type account
  (make-account owner balance)
  account?
  (owner account-owner)
  (balance account-balance set-account-balance!))

(define (withdraw! acct amount)
  (if (> amount (account-balance acct))
      (error "insufficient funds" (account-owner acct) amount)
      (set-account-balance! acct (- (account-balance acct) amount))))

(define alice (make-account "alice" 100))
(withdraw! alice 30)
(println "alice has" (account-balance alice))
(println (guard (e ((error-object? e)
                    (string-append "refused: " (error-object-message e))))
  (withdraw! alice 500)))

;; A macro: repeat a body n times.
(defmacro repeat (n . body)
  (let ((i (gensym)))
    `(do ((,i 0 (+ ,i 1))) ((= ,i ,n)) ,@body)))
(repeat 3 (display "*"))
(newline)

;; Proper tail calls: a million iterations in constant stack.
(define (count-to n) (let loop ((i 0)) (if (= i n) i (loop (+ i 1)))))
(println "counted to" (count-to 1000000))

;; Integers never overflow silently.
(define (factorial n) (if (= n 0) 1 (* n (factorial (- n 1)))))
(println "30! =" (factorial 30))
