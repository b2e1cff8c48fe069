;; The first program: define a function, call it, print the results.
(define (greet name)
  "Returns a greeting for NAME."
  (string-append "Hello, " name "!"))

(println (greet "world"))

(define (fib n)
  (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))

(println "fib(20) =" (fib 20))
(println "squares:" (map (lambda (x) (* x x)) (range 1 6)))
(println "a map:" {:name "lisp" :cores 2})
