; The interpreter calls global closures without taking a reference count;
; redefining such a global while the call runs must keep the running
; closure (its captured values, its code) alive until it returns.
(define (make-walker tag)
  (lambda (n)
    (if (= n 0)
        (begin
          (set! walk (make-walker 'new))
          ; churn memory where a freed closure would have been
          (let churn ((i 0)) (when (< i 1000) (make-vector 8 i) (churn (+ i 1))))
          (list tag))
        (cons tag (walk (- n 1))))))
(define walk (make-walker 'old))
(display (walk 3)) (newline)
(display (walk 2)) (newline)

; A global redefined by the call's own argument: the callee was read first.
(define (greet x) (list 'hello x))
(display (greet (begin (set! greet (lambda (x) (list 'bye x))) 1))) (newline)
(display (greet 2)) (newline)

; A self tail call whose global changes inside the loop.
(define (countdown n)
  (if (= n 0)
      'done
      (countdown (begin (when (= n 5) (set! countdown (lambda (n) (list 'replaced n))))
                        (- n 1)))))
(display (countdown 10)) (newline)

; Redefined with `define` from inside a deep recursion, then unwound by an error.
(define (dive n)
  (if (= n 0)
      (begin (define-later) (error "bottom" n))
      (+ 1 (dive (- n 1)))))
(define (define-later) (set! dive (lambda (n) 'fresh)))
(display (guard (e ((error-object? e) (error-object-message e))) (dive 100))) (newline)
(display (dive 100)) (newline)

; Builtins receive borrowed locals, captured values and constants.
(define (pairs x) (let ((y (list x x))) (list y (car y) (cdr y) 'k)))
(display (pairs 7)) (newline)
(define (vec-fill v n) (let loop ((i 0)) (if (< i n) (begin (vector-set! v i (list i)) (loop (+ i 1))) v)))
(display (vec-fill (make-vector 3 #f) 3)) (newline)
(display (map (lambda (x) (cadr x)) '((1 2) (3 4)))) (newline)
(display (guard (e ((error-object? e) (error-object-message e))) (map car '((1) . 2)))) (newline)
