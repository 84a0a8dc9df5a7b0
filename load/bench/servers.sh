#!/usr/bin/env bash
# The same emulator request under gunicorn (gthread, as `erpsim up` serves) and Granian (WSGI), interleaved.
# Usage: load/bench/servers.sh [system=netsuite|pos] [rounds=3] [seconds=10] [connections=32] [workers=2]
# Needs wrk (apt) and Granian (`pip install granian`, not a dependency of erpsim). Bounded (wrk -d, rounds);
# loopback only; every server is stopped by its PID (SIGINT, SIGKILL after 10 s) before the next starts.
set -euo pipefail
cd "$(dirname "$0")/../.."
SYSTEM=${1:-netsuite}; ROUNDS=${2:-3}; SECS=${3:-10}; CONNS=${4:-32}; WORKERS=${5:-2}
PY=${PYTHON:-.venv/bin/python}; BIN=$(dirname "$PY")
ADMIN="X-Erpsim-Admin-Token: erpsim-admin"
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PID=""; DIR=""
cleanup() {  # SIGINT, then SIGKILL after 10 s; always by PID
  if [ -n "$PID" ]; then
    kill -INT "$PID" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true
  fi
  [ -n "$DIR" ] && rm -rf "$DIR"; PID=""; DIR=""
}
trap cleanup EXIT

start() {  # $1 = gunicorn | granian
  DIR=$(mktemp -d /tmp/erpsim-srv-XXXX); PORT=$(free_port); URL=http://127.0.0.1:$PORT
  export ERPSIM_NETSUITE_CONCURRENCY_LIMIT=1000 ERPSIM_DATA_DIR=$DIR ERPSIM_BENCH_SYSTEM=$SYSTEM
  if [ "$1" = gunicorn ]; then
    "$BIN/erpsim" "$SYSTEM" --port "$PORT" --data-dir "$DIR" --workers "$WORKERS" > "$DIR/server.log" 2>&1 &
  else
    env "ERPSIM_${SYSTEM^^}_PORT=$PORT" "$BIN/granian" --interface wsgi --host 127.0.0.1 --port "$PORT" \
      --workers "$WORKERS" --blocking-threads 16 --backlog 2048 --log-level warning \
      load.bench.wsgi_target:app > "$DIR/server.log" 2>&1 &
  fi
  PID=$!
  for _ in $(seq 200); do curl -sf "$URL/__erpsim/health" >/dev/null && break; sleep 0.05; done
}

measure() {  # $1 = server
  start "$1"
  if [ "$SYSTEM" = netsuite ]; then
    curl -sf -H "$ADMIN" -H 'Content-Type: application/json' -d '{"seed": 1, "customers": 5, "locations": 1,
      "items": {"inventory": 3}, "stock": 1000000, "sales_orders": 1}' "$URL/__erpsim/seed" > "$DIR/world.json"
    SO=$("$PY" -c "import json; print(json.load(open('$DIR/world.json'))['sales_orders'][0])")
    TARGET="$URL/services/rest/record/v1/salesOrder/$SO"
    "$PY" load/bench/sign.py --url "$TARGET" --count $(( (SECS + 2) * 8000 )) > "$DIR/get.hdr"
    HEADERS="$DIR/get.hdr" METHOD=GET wrk -t2 -c"$CONNS" -d2s -s load/bench/tba.lua "$TARGET" > /dev/null
    "$PY" load/bench/sign.py --url "$TARGET" --count $(( SECS * 8000 )) > "$DIR/get.hdr"
    HEADERS="$DIR/get.hdr" METHOD=GET wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s load/bench/tba.lua "$TARGET" \
      > "$DIR/wrk.txt"
  else
    curl -sf -H "$ADMIN" -H 'Content-Type: application/json' "$URL/__erpsim/seed" -d '{"records": {
      "stores": [{"name": "Bench Store"}],
      "products": [{"sku": "SKU-0001", "title": "A", "moneyprice": "12.00", "vatvalue": 20},
                   {"sku": "SKU-0002", "title": "B", "moneyprice": "6.00", "vatvalue": 20}]}}' > "$DIR/world.json"
    REGISTER=$("$PY" -c "import json; print(json.load(open('$DIR/world.json'))['stores'][0]['registerid'])")
    export POS_AUTH=$(printf '10020-140:erpsim-pos-10020' | base64) POS_REGISTER=$REGISTER
    POS_RUN=W$RANDOM wrk -t2 -c"$CONNS" -d2s -s tests/mocks/pos/bench_sale.lua "$URL" > /dev/null
    POS_RUN=R$RANDOM wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s tests/mocks/pos/bench_sale.lua "$URL" > "$DIR/wrk.txt"
  fi
  printf '%-8s %-9s load=%s  %s req/s  p50 %s  p99 %s  %s\n' "$SYSTEM" "$1" "$(cut -d' ' -f1 /proc/loadavg)" \
    "$(awk '/Requests\/sec/ {print $2}' "$DIR/wrk.txt")" "$(awk '$1=="50%" {print $2}' "$DIR/wrk.txt")" \
    "$(awk '$1=="99%" {print $2}' "$DIR/wrk.txt")" "$(grep -E 'Non-2xx|non-2xx' "$DIR/wrk.txt" | tr -s ' ' | head -1)"
  cleanup
}

for r in $(seq "$ROUNDS"); do
  measure gunicorn
  measure granian
done
