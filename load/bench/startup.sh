#!/usr/bin/env bash
# Time `erpsim up` from launch until every emulator answers, 5 runs; each server stopped by its PID.
# Uses the default ports 8701-8705 (they must be free).
set -euo pipefail
cd "$(dirname "$0")/../.."
for i in 1 2 3 4 5; do
  DIR=$(mktemp -d /tmp/erpsim-up-XXXX)
  start=$(date +%s%N)
  .venv/bin/erpsim up --data-dir "$DIR" > "$DIR/up.log" 2>&1 &
  pid=$!
  for port in 8701 8702 8703 8704 8705; do
    until curl -sf "http://127.0.0.1:$port/__erpsim/health" >/dev/null; do sleep 0.01; done
  done
  end=$(date +%s%N)
  echo "run $i: ready in $(( (end - start) / 1000000 )) ms"
  kill -INT "$pid"; wait "$pid" || true; rm -rf "$DIR"
done
