; Closed channels: drain then eof, sends raise (also a send blocked when the
; channel closes), receivers blocked at the close wake with eof.
(define (message-of thunk)
  (guard (e ((error-object? e) (error-object-message e))) (thunk) 'no-error))

; a buffered channel keeps its values after the close
(define c (make-channel 2))
(channel-send c 'a)
(channel-close c)
(println (channel-try-recv c) (eof-object? (channel-try-recv c)) (eof-object? (channel-recv c)))
(println (eof-object? (channel-recv c 10)))
(println (message-of (lambda () (channel-send c 'late))))
(channel-close c)
(println 'closing-twice-is-harmless)

; a sender blocked on a rendezvous channel raises when another thread closes it
(define r (make-channel))
(define blocked-sender
  (spawn-link (lambda () (channel-send r 'never-taken))))
(sleep 30)
(channel-close r)
; (whether the sender was already waiting or not, the send raises)
(define refused (channel-recv blocked-sender))
(println (error-object? refused) (string-prefix? "channel-send: " (error-object-message refused)))

; a sender blocked on a full buffer raises too, and the buffer stays intact
(define full (make-channel 1))
(channel-send full 'kept)
(define blocked (spawn-link (lambda () (channel-send full 'refused))))
(sleep 30)
(channel-close full)
(println (error-object? (channel-recv blocked)) (channel-recv full) (eof-object? (channel-recv full)))

; receivers blocked on an empty channel all wake with the eof object
(define idle (make-channel))
(define waiters (map (lambda (i) (spawn (lambda () (eof-object? (channel-recv idle))))) (range 0 3)))
(sleep 30)
(channel-close idle)
(println (map join waiters))

; a receive with a timeout on a closed channel returns eof at once, not timeout
(println (eof-object? (channel-recv idle 5000)))

; wrong arguments name the procedure and the value
(println (message-of (lambda () (channel-send 5 1))))
(println (message-of (lambda () (channel-recv 'nope))))
(println (message-of (lambda () (make-channel -1))))
