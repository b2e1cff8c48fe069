(display (+ 1 undefined-variable))
