SELECT (a, b), ROW(1, 2), ARRAY[1, 2][1], transform(arr, x -> x + 1), reduce(arr, 0, (s, x) -> s + x, s -> s), r.field, (r).f FROM t;
