SELECT count(*), count(DISTINCT x), string_agg(x, ',' ORDER BY y DESC NULLS FIRST), sum(x) FILTER (WHERE y > 0) FROM t GROUP BY 1, z HAVING count(*) > 1;
