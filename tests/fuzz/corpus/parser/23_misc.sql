SELECT 0x1F, 1_000_000, f(x) over, g(y) filter FROM t, LATERAL (SELECT t.x) l WHERE a NOT BETWEEN 1 AND 2;
