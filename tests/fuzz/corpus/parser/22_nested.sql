SELECT ((((((((((1)))))))))) + (((SELECT 1) UNION (SELECT 2)) ) FROM ((((t))));
