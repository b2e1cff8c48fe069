;; Three workers each square their number and send the result over one
;; channel; the main thread receives the three results and adds them up:
;; 10^2 + 20^2 + 30^2 = 1400.
(define results (make-channel))
(for-each (lambda (n)
            (spawn (lambda () (channel-send results (* n n)))))
          '(10 20 30))
(define total (+ (channel-recv results) (channel-recv results) (channel-recv results)))
(println "total:" total)
(unless (= total 1400) (error "wrong total" total))
