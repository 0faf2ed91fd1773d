SELECT 1 + 2 * 3 - 4 / 5 % 6 || 'x', a <> b, c != d, e <= f, g >= h, NOT a LIKE 'x' ESCAPE '\', a NOT ILIKE 'b', x IS NOT DISTINCT FROM y, x IS TRUE;
