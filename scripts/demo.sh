#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a first federated query: installs the dependencies,
# builds fedq in Release mode into build/, and joins a CSV file with a JSON-lines file.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --target fedq -j "$(nproc)"
echo
echo "fedq -c \"SELECT c.region, count(*) AS orders, round(sum(o.total), 2) AS revenue"
echo "         FROM 'examples/data/orders.csv' o JOIN read_json('examples/data/customers.jsonl') c ON o.customer_id = c.id"
echo "         WHERE o.order_date >= DATE '2024-01-01' GROUP BY c.region ORDER BY revenue DESC\""
echo
build/fedq -c "SELECT c.region, count(*) AS orders, round(sum(o.total), 2) AS revenue
               FROM 'examples/data/orders.csv' o JOIN read_json('examples/data/customers.jsonl') c ON o.customer_id = c.id
               WHERE o.order_date >= DATE '2024-01-01' GROUP BY c.region ORDER BY revenue DESC"
