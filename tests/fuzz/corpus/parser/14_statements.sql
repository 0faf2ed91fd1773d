EXPLAIN ANALYZE VERBOSE SELECT 1; USE cat.sch; SET SESSION query_max_memory = '1GB'; SET a.b TO 5; RESET a.b;
