(define-record-type point
  (make-point x y)
  point?
  (x point-x set-point-x!)
  (y point-y))
(define p (make-point 1 2))
(display (list (point-x p) (point-y p) (point? p) (point? 5))) (newline)
(set-point-x! p 10)
(display (point-x p)) (newline)
(display p) (newline)
(define-record-type <node> (make-node val) node? (val node-val))
(display (node-val (make-node 'v))) (newline)
(display (make-node 3)) (newline)
(display (guard (e (#t (error-object-message e))) (point-x 5))) (newline)
