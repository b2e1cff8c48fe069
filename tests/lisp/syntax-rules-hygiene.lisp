;; syntax-rules hygiene: temporaries a template binds never capture the
;; user's variables, and free template symbols keep their global meaning.

(define-syntax swap!
  (syntax-rules ()
    ((_ a b) (let ((tmp a)) (set! a b) (set! b tmp)))))

(define tmp 1)
(define other 2)
(swap! tmp other)
(display (list tmp other)) (newline)

(let ((tmp 'x) (y 'y))
  (swap! tmp y)
  (display (list tmp y)) (newline))

(define-syntax my-or
  (syntax-rules ()
    ((_) #f)
    ((_ e) e)
    ((_ e r ...) (let ((t e)) (if t t (my-or r ...))))))

(define t 5)
(display (my-or #f t)) (newline)
(let ((t 7)) (display (my-or #f #f t)) (newline))

;; The loop name of a `while` does not capture a user procedure `loop`.
(define-syntax while
  (syntax-rules ()
    ((_ c body ...) (let loop () (when c body ... (loop))))))

(define (loop) (display "user loop "))
(define n 0)
(while (< n 3) (loop) (set! n (+ n 1)))
(newline)

;; A `do` variable of the template is not the user's `i`.
(define-syntax repeat
  (syntax-rules ()
    ((_ k body ...) (do ((i 0 (+ i 1))) ((= i k)) body ...))))

(define i 100)
(repeat 3 (display i) (display " "))
(newline)

;; Lambda parameters introduced by the template.
(define-syntax with-doubled
  (syntax-rules ()
    ((_ e body) ((lambda (x) (+ x x body)) e))))

(define x 1000)
(display (with-doubled 1 x)) (newline)

;; Quoted template symbols stay as written.
(define-syntax show-binding
  (syntax-rules ()
    ((_ e) (let ((v e)) (list 'v v)))))

(display (show-binding 42)) (newline)

;; Free template symbols mean what they mean at top level.
(define (helper z) (* z 10))
(define-syntax call-helper
  (syntax-rules ()
    ((_ e) (helper e))))

(display (call-helper 4)) (newline)
