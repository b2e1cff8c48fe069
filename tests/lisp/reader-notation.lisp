; Every notation of LANGUAGE.md §1, read and written back.
#| A block comment #| with a nested one |# spans
   several lines. |#
(define (show x) (write x) (newline))

; Numbers
(show '(42 -7 +5 #x1F #b101 #o17 #d10 #e1.0 #i3))
(show '(1.5 -0.25 1e10 .5 1. +inf.0 -inf.0))
(show 100000000000000000000)
(show (+ 9223372036854775807 1))

; Strings and characters
(show "a\nb\t\"q\" \\ \x41;\x3bb;")
(show "line one \
       continues")
(show '(#\a #\space #\newline #\tab #\nul #\x41 #\λ #\( #\)))

; Booleans, symbols and keywords
(show '(#t #f #true #false))
(show '(+ - ... ->x 1+ <=? a.b Hello hello))
(show (eq? 'abc 'ABC))
(show '(:name :))
(show (symbol->string '|two words|))
(show (keyword? :name))

; Lists, vectors and maps
(show '(a [b c] () (d . e) [1 2 . 3] (x . (y z))))
(show '#(1 #(2) "three"))
(show {:a 1 :b (+ 1 1)})

; Quote prefixes
(show ''x)
(show '`(a ,b ,@c))
(define xs '(2 3))
(show `(1 ,@xs ,(car xs)))

; Datum comments
(show '(a #;b c #;(d e) f))
(show (+ 1 #;(error "skipped") 2))
