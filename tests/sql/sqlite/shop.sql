-- Fixture for tests/sql/sqlite/*.test: rebuild shop.db with
--   rm -f tests/sql/sqlite/shop.db && sqlite3 tests/sql/sqlite/shop.db < tests/sql/sqlite/shop.sql
CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT COLLATE NOCASE NOT NULL, city TEXT, joined DATE);
CREATE TABLE orders(id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, amount DECIMAL(10,2), placed TIMESTAMP,
                    status TEXT);
CREATE TABLE "Order Items"(order_id INTEGER, sku TEXT, qty INTEGER, price REAL);
CREATE VIEW big_orders AS SELECT id, customer_id, amount FROM orders WHERE amount >= 100;
INSERT INTO customers VALUES
  (1, 'alice', 'Paris', '2023-01-15'),
  (2, 'Alice', 'paris', '2023-02-20'),
  (3, 'bob', 'Berlin', NULL),
  (4, 'Çelik', 'İstanbul', '2024-03-01'),
  (5, 'dave''s', NULL, '2022-12-31');
INSERT INTO orders VALUES
  (10, 1, 120.50, '2024-01-05 10:00:00', 'shipped'),
  (11, 1, 15.00, '2024-01-06 11:30:00', 'open'),
  (12, 2, 99.99, '2024-02-01 09:15:00', 'shipped'),
  (13, 3, 250.00, '2024-02-02 18:45:30', 'cancelled'),
  (14, 4, NULL, NULL, 'open'),
  (15, 4, 0.01, '2024-03-03 00:00:00', 'Open');
INSERT INTO "Order Items" VALUES
  (10, 'A-1', 2, 10.25), (10, 'B-2', 1, 100.0), (11, 'A-1', 1, 15.0), (12, 'C-3', 3, 33.33),
  (13, 'B-2', 2, 125.0), (15, 'a-1', 1, 0.01);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
INSERT INTO orders SELECT 1000 + i, 1 + (i % 5), (i % 97) + 0.5, '2023-06-01 00:00:00', 'bulk' FROM n;
ANALYZE;
