-- line comment
SELECT /* block /* nested */ still */ 1 -- trailing
; /* only a comment */ ;
