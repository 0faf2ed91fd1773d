SELECT date, year, month, day, hour, count, name, value, type, comment, position, first, last, data, key, status, row, rows, level, text, zone, time, timestamp, interval FROM t AS data;
