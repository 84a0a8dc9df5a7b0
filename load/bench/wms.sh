#!/usr/bin/env bash
# Benchmark the WMS emulator's hottest write: an order create (POST /api/v1/orders), with wrk.
# Usage: load/bench/wms.sh [workers=1] [seconds=10] [connections=16]; bounded; server stopped by its PID.
set -euo pipefail
cd "$(dirname "$0")/../.."
WORKERS=${1:-1}; SECS=${2:-10}; CONNS=${3:-16}
PY=${PYTHON:-.venv/bin/python}
PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
DIR=$(mktemp -d /tmp/erpsim-wms-XXXX)
URL=http://127.0.0.1:$PORT
"$PY" -m harness.cli wms --port "$PORT" --data-dir "$DIR" --workers "$WORKERS" > "$DIR/server.log" 2>&1 &
PID=$!
trap 'kill -INT $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DIR"' EXIT
until curl -sf "$URL/__erpsim/health" >/dev/null; do sleep 0.05; done
curl -sf -H "X-Erpsim-Admin-Token: erpsim-admin" -H 'Content-Type: application/json' "$URL/__erpsim/seed" \
  -d '{"seed": 1, "skus": 2, "orders": 0}' > "$DIR/world.json"
wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s tests/mocks/wms/bench_order_create.lua "$URL"
