#!/usr/bin/env bash
# Stops what deploy/local/start.sh started and waits until every process has exited.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
pids="$root/.local-stack/pids"
[ -s "$pids" ] || { echo "Nothing to stop."; exit 0; }

while read -r pid name; do
  if kill -0 "$pid" 2>/dev/null; then
    echo "Stopping $name ($pid)"
    kill "$pid"
  fi
done <"$pids"

for _ in $(seq 1 30); do
  alive=0
  while read -r pid name; do kill -0 "$pid" 2>/dev/null && alive=1; done <"$pids"
  [ "$alive" = 0 ] && break
  sleep 1
done
while read -r pid name; do
  kill -0 "$pid" 2>/dev/null && { echo "Killing $name ($pid)"; kill -9 "$pid"; }
done <"$pids"
rm -f "$pids"
echo "Stopped."
