;; Makes and drops 10^7 closures, some with a local named let and a local
;; recursive letrec lambda called 10^6 times: peak memory must stay flat.
(define (make-adder n) (lambda (x) (+ x n)))
(define (with-loop n) (let loop ((i 0) (acc 0)) (if (= i n) acc (loop (+ i 1) (+ acc i)))))
(define (with-letrec n)
  (letrec ((go (lambda (i acc) (if (= i n) acc (go (+ i 1) (+ acc 1))))))
    (go 0 0)))
(define (churn i total)
  (if (= i 10000000)
      total
      (churn (+ i 1)
             (+ total ((make-adder i) 1)
                (if (= 0 (remainder i 1000000)) (+ (with-loop 10) (with-letrec 1000000)) 0)))))
(display (churn 0 0))
(newline)
