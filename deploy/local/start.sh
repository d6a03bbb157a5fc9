#!/usr/bin/env bash
# Starts the suite on this machine with embedded defaults: the real RocketMQ name server (port
# 9876) and broker in a process of their own, an H2 database file per service under
# .local-stack/data (or a schema per service on the MySQL/MariaDB server that SCHEDULER_DB_URL
# names), the local Redis on 6379 or, when none listens there, an in-memory one; waits until each
# service reports healthy, creates a demo job through the gateway, waits for its first run, and
# prints where they listen. Logs go to .local-stack/logs. Stop with deploy/local/stop.sh, or start
# with --attach to stay in the foreground and stop everything with Ctrl-C.
#
#   SCHEDULER_DB_URL       e.g. jdbc:mariadb://127.0.0.1:3306 (jdbc:mysql:// for MySQL); unset: H2
#   SCHEDULER_DB_USER      default root
#   SCHEDULER_DB_PASSWORD  default empty
#   SKIP_BUILD=1           use the jars already built
set -euo pipefail
attach=0
[ "${1:-}" = "--attach" ] && attach=1
root=$(cd "$(dirname "$0")/../.." && pwd)
stack="$root/.local-stack"
mkdir -p "$stack/logs" "$stack/data"

# name, module folder, port, schema on a MySQL/MariaDB server
services=(
  "job-service job-service 8081 scheduler_job"
  "execution-service execution-service 8082 scheduler_execution"
  "monitor-service monitor-service 8083 scheduler_monitor"
  "gateway gateway 8080"
  "sample-app executor-agent/sample-app 8090"
)

tcp_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Sets db_args to a service's JVM options for its own schema when a database server is named.
db_options() {
  local schema=$1 options
  db_args=()
  [ -n "${SCHEDULER_DB_URL:-}" ] && [ -n "$schema" ] || return 0
  options="connectionTimeZone=UTC&forceConnectionTimeZoneToSession=true&preserveInstants=true"
  options+="&createDatabaseIfNotExist=true"
  case "$SCHEDULER_DB_URL" in
    jdbc:mariadb:*) options+="&useBulkStmts=true" ;;
    *) options+="&rewriteBatchedStatements=true&allowPublicKeyRetrieval=true&useSSL=false" ;;
  esac
  db_args=("-Dspring.datasource.url=${SCHEDULER_DB_URL%/}/$schema?$options"
    "-Dspring.datasource.username=${SCHEDULER_DB_USER:-root}"
    "-Dspring.datasource.password=${SCHEDULER_DB_PASSWORD:-}")
}

if [ -s "$stack/pids" ]; then
  echo "The local stack seems to run already (see $stack/pids); stop it with deploy/local/stop.sh." >&2
  exit 1
fi

if [ "${SKIP_BUILD:-}" != "1" ]; then
  echo "Building (skip with SKIP_BUILD=1)..."
  (cd "$root" && ./mvnw -q -B -DskipTests -Dspotless.check.skip=true package)
fi

echo "Starting the RocketMQ name server and broker"
# Written by the build: test-kit's runtime classpath, on which the broker and Redis run.
classpath_file="$root/common/test-kit/target/runtime.classpath"
if [ ! -s "$classpath_file" ]; then
  echo "No build to start from ($classpath_file is missing); run without SKIP_BUILD=1." >&2
  exit 1
fi
local_classpath="$root/common/test-kit/target/classes:$(cat "$classpath_file")"
(cd "$stack" && exec java -Xmx256m -XX:MaxDirectMemorySize=128m -XX:+UseSerialGC \
  -cp "$local_classpath" dev.scheduler.testkit.LocalBroker 9876 "$stack/rocketmq" >"$stack/logs/rocketmq.log" 2>&1) &
echo "$! rocketmq" >>"$stack/pids"
for _ in $(seq 1 90); do
  grep -q "name server listening" "$stack/logs/rocketmq.log" 2>/dev/null && break
  sleep 1
done
if ! grep -q "name server listening" "$stack/logs/rocketmq.log"; then
  echo "The broker did not start within 90 s; see $stack/logs/rocketmq.log" >&2
  "$root/deploy/local/stop.sh"
  exit 1
fi

if tcp_open 6379; then
  echo "Using the Redis that listens on 6379"
else
  echo "No Redis on 6379: starting an in-memory one"
  (cd "$stack" && exec java -Xmx128m -XX:+UseSerialGC \
    -cp "$local_classpath" dev.scheduler.testkit.LocalRedis 6379 >"$stack/logs/redis.log" 2>&1) &
  echo "$! redis" >>"$stack/pids"
  for _ in $(seq 1 30); do tcp_open 6379 && break; sleep 1; done
fi

[ -n "${SCHEDULER_DB_URL:-}" ] && echo "Databases: a schema per service at $SCHEDULER_DB_URL"
for entry in "${services[@]}"; do
  read -r name module port schema <<<"$entry"
  jar=$(ls "$root/$module"/target/*.jar | grep -v -- '-plain.jar$' | head -n 1)
  echo "Starting $name on port $port"
  db_options "$schema"
  # The local profile: the built-in keys and tokens are accepted (nowhere else).
  (cd "$stack" && exec java -Xmx256m -XX:+UseSerialGC "${db_args[@]}" -jar "$jar" \
    --spring.profiles.active=local >"$stack/logs/$name.log" 2>&1) &
  echo "$! $name" >>"$stack/pids"
done

for entry in "${services[@]}"; do
  read -r name module port _ <<<"$entry"
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

# The demo: a job through the gateway with the local admin key, run by the sample app's agent.
key="X-Api-Key: local-dev-admin-key"
api=http://127.0.0.1:8080/api/v1
since=$(date -u +%Y-%m-%dT%H:%M:%SZ)
created=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$api/jobs" -H "$key" \
  -H 'Content-Type: application/json' -d '{
  "app": "sample-app", "name": "demo-hello", "jobType": "BEAN", "handler": "quick",
  "schedule": {"type": "CRON", "cron": "0/10 * * * * ?", "timeZone": "UTC"}}' || true)
case "$created" in
  201) echo "Demo job 'demo-hello' (every 10 s) created through the gateway; waiting for its first run..." ;;
  409) echo "Demo job 'demo-hello' (every 10 s) is kept from an earlier start; waiting for its next run..." ;;
  *) echo "Creating the demo job through the gateway answered $created; see $stack/logs/gateway.log" >&2 ;;
esac
demo=""
for _ in $(seq 1 60); do
  demo=$(curl -s "$api/executions?app=sample-app&status=SUCCEEDED&from=$since&size=1" -H "$key" || true)
  if echo "$demo" | grep -q '"executionId"'; then
    echo "$demo" | sed -E 's/.*"executionId":"([^"]+)".*"status":"([A-Z]+)".*"nodeId":"([^"]+)".*/  execution \1: \2 on \3/'
    break
  fi
  sleep 1
done
echo "$demo" | grep -q '"executionId"' || echo "  no run within 60 s; see $stack/logs/sample-app.log" >&2

cat <<EOT

The suite runs. API through the gateway with -H '$key':
  API                http://127.0.0.1:8080/api/v1/jobs
  Swagger UI         http://127.0.0.1:8080/swagger-ui.html
  Metrics overview   http://127.0.0.1:8080/api/v1/metrics/overview (with the key)
  Prometheus output  http://127.0.0.1:<port>/actuator/prometheus of each service
Services (health at /actuator/health):
  gateway            http://127.0.0.1:8080
  job-service        http://127.0.0.1:8081
  execution-service  http://127.0.0.1:8082
  monitor-service    http://127.0.0.1:8083
  sample-app         http://127.0.0.1:8090
  RocketMQ           127.0.0.1:9876 (name server)
Logs: $stack/logs
Stop: deploy/local/stop.sh
EOT

if [ "$attach" = 1 ]; then
  echo "Attached: following the sample app's log; Ctrl-C stops the suite."
  tail -n 0 -f "$stack/logs/sample-app.log" &
  follower=$!
  trap 'kill "$follower" 2>/dev/null; "$root/deploy/local/stop.sh"; exit 0' INT TERM
  wait "$follower"
fi
