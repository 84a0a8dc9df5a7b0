#!/usr/bin/env bash
# Benchmark the POS emulator's hottest write: a sale (POST .../orders.json), with wrk.
# Usage: load/bench/pos.sh [workers=1] [seconds=10] [connections=16]; bounded; server stopped by its PID.
set -euo pipefail
cd "$(dirname "$0")/../.."
WORKERS=${1:-1}; SECS=${2:-10}; CONNS=${3:-16}
PORT=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
DIR=$(mktemp -d /tmp/erpsim-pos-XXXX)
URL=http://127.0.0.1:$PORT
.venv/bin/erpsim pos --port "$PORT" --data-dir "$DIR" --workers "$WORKERS" > "$DIR/server.log" 2>&1 &
PID=$!
trap 'kill -INT $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DIR"' EXIT
until curl -sf "$URL/__erpsim/health" >/dev/null; do sleep 0.05; done
curl -sf -H "X-Erpsim-Admin-Token: erpsim-admin" -H 'Content-Type: application/json' "$URL/__erpsim/seed" -d '{"records": {
  "stores": [{"name": "Bench Store"}],
  "products": [{"sku": "SKU-0001", "title": "A", "moneyprice": "12.00", "vatvalue": 20},
               {"sku": "SKU-0002", "title": "B", "moneyprice": "6.00", "vatvalue": 20}]}}' > "$DIR/world.json"
REGISTER=$(.venv/bin/python -c "import json; print(json.load(open('$DIR/world.json'))['stores'][0]['registerid'])")
POS_AUTH=$(printf '10020-140:erpsim-pos-10020' | base64) POS_REGISTER=$REGISTER POS_RUN=$RANDOM \
  wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s tests/mocks/pos/bench_sale.lua "$URL"
