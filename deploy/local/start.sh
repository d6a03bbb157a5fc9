#!/usr/bin/env bash
# Starts every service of the suite on this machine with its embedded defaults (an H2 database
# file per service under .local-stack/data), waits until each reports healthy and prints where
# they listen. Logs go to .local-stack/logs. Stop with deploy/local/stop.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
stack="$root/.local-stack"
mkdir -p "$stack/logs" "$stack/data"

# name, module folder, port
services=(
  "job-service job-service 8081"
  "execution-service execution-service 8082"
  "monitor-service monitor-service 8083"
  "gateway gateway 8080"
  "sample-app executor-agent/sample-app 8090"
)

if [ -s "$stack/pids" ]; then
  echo "The local stack seems to run already (see $stack/pids); stop it with deploy/local/stop.sh." >&2
  exit 1
fi

if [ "${SKIP_BUILD:-}" != "1" ]; then
  echo "Building (skip with SKIP_BUILD=1)..."
  (cd "$root" && ./mvnw -q -B -DskipTests -Dspotless.check.skip=true package)
fi

for entry in "${services[@]}"; do
  read -r name module port <<<"$entry"
  jar=$(ls "$root/$module"/target/*.jar | grep -v -- '-plain.jar$' | head -n 1)
  echo "Starting $name on port $port"
  (cd "$stack" && exec java -Xmx256m -XX:+UseSerialGC -jar "$jar" >"$stack/logs/$name.log" 2>&1) &
  echo "$! $name" >>"$stack/pids"
done

for entry in "${services[@]}"; do
  read -r name module port <<<"$entry"
  for _ in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$port/actuator/health" 2>/dev/null | grep -q '"status":"UP"'; then
      echo "$name is healthy on http://127.0.0.1:$port"
      continue 2
    fi
    sleep 1
  done
  echo "$name did not become healthy within 120 s; see $stack/logs/$name.log" >&2
  "$root/deploy/local/stop.sh"
  exit 1
done

cat <<EOT

The suite runs. Health: http://127.0.0.1:<port>/actuator/health
  gateway            http://127.0.0.1:8080
  job-service        http://127.0.0.1:8081
  execution-service  http://127.0.0.1:8082
  monitor-service    http://127.0.0.1:8083
  sample-app         http://127.0.0.1:8090
Logs: $stack/logs
Stop: deploy/local/stop.sh
EOT
