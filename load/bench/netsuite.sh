#!/usr/bin/env bash
# Benchmark the NetSuite emulator: TBA-authenticated record GET and sales order POST, with wrk.
# Usage: load/bench/netsuite.sh [workers=2] [seconds=10] [connections=32]
# Bounded (wrk -d), loopback only; the server is stopped by its PID at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
WORKERS=${1:-2}; SECS=${2:-10}; CONNS=${3:-32}
PORT=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
DIR=$(mktemp -d /tmp/erpsim-bench-XXXX)
URL=http://127.0.0.1:$PORT
ADMIN="X-Erpsim-Admin-Token: erpsim-admin"
# The governance limit (5 by default) would refuse most of $CONNS connections: lift it to measure throughput.
ERPSIM_NETSUITE_CONCURRENCY_LIMIT=1000 .venv/bin/erpsim netsuite --port "$PORT" --data-dir "$DIR" \
  --workers "$WORKERS" > "$DIR/server.log" 2>&1 &
PID=$!
trap 'kill -INT $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DIR"' EXIT
until curl -sf "$URL/__erpsim/health" >/dev/null; do sleep 0.05; done
curl -sf -H "$ADMIN" -H 'Content-Type: application/json' -d '{"seed": 1, "customers": 5, "locations": 1,
  "items": {"inventory": 3}, "stock": 1000000, "sales_orders": 1}' "$URL/__erpsim/seed" > "$DIR/world.json"
read -r CUST ITEM LOC SO < <(.venv/bin/python -c "import json; w=json.load(open('$DIR/world.json'));
print(w['customers'][0], w['items']['inventory'][0], w['locations'][0], w['sales_orders'][0])")
cat > "$DIR/so.json" <<JSON
{"entity": {"id": "$CUST"}, "location": {"id": "$LOC"}, "orderStatus": "B",
 "item": {"items": [{"item": {"id": "$ITEM"}, "quantity": 2, "rate": 9.5}]}}
JSON
N=$(( SECS * 6000 ))
GET_URL="$URL/services/rest/record/v1/salesOrder/$SO"
POST_URL="$URL/services/rest/record/v1/salesOrder"
.venv/bin/python load/bench/sign.py --url "$GET_URL" --count "$N" > "$DIR/get.hdr"
.venv/bin/python load/bench/sign.py --url "$POST_URL" --method POST --count "$N" > "$DIR/post.hdr"
echo "== GET $GET_URL (workers=$WORKERS, TBA-signed, ${SECS}s, $CONNS connections)"
HEADERS="$DIR/get.hdr" METHOD=GET wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s load/bench/tba.lua "$GET_URL"
echo "== POST $POST_URL (workers=$WORKERS, TBA-signed, ${SECS}s, $CONNS connections)"
HEADERS="$DIR/post.hdr" METHOD=POST BODY="$DIR/so.json" wrk -t2 -c"$CONNS" -d"${SECS}s" --latency \
  -s load/bench/tba.lua "$POST_URL"
curl -sf -H "$ADMIN" "$URL/__erpsim/state" | .venv/bin/python -c "import json,sys;
s=json.load(sys.stdin); print('sales orders in the store:', len(s['records'].get('salesOrder', [])))"
