;; Mandelbrot escape counts over a grid: float arithmetic in loops.
(define (escape cr ci max-iter)
  (let loop ((zr 0.0) (zi 0.0) (i 0))
    (if (= i max-iter)
        i
        (let ((zr2 (* zr zr)) (zi2 (* zi zi)))
          (if (> (+ zr2 zi2) 4.0)
              i
              (loop (+ (- zr2 zi2) cr) (+ (* 2.0 (* zr zi)) ci) (+ i 1)))))))
(define (mandel size max-iter)
  (let ((step (/ 3.0 size)))
    (let rows ((y 0) (total 0))
      (if (= y size)
          total
          (let cols ((x 0) (total total))
            (if (= x size)
                (rows (+ y 1) total)
                (cols (+ x 1)
                      (+ total (escape (- (* (exact->inexact x) step) 2.0)
                                       (- (* (exact->inexact y) step) 1.5)
                                       max-iter)))))))))
(display (mandel 200 100))
(newline)
