(display "never runs")
(define (broken x)
  (+ x 1)
