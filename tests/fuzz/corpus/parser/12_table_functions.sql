SELECT * FROM 'data/*.csv' t, read_csv('f.csv', header => true, delim => ';') AS r(a, b), TABLE(cat.system.query(query => 'select 1')), UNNEST(arr) WITH ORDINALITY AS u(x, n);
