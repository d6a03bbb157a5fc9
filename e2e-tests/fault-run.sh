#!/usr/bin/env bash
# The fault matrix of the run-once guarantee, beyond what the build's tests run: rounds of a 20 s
# run whose agent is paused (SIGSTOP), cut off from execution-service, or killed (SIGKILL), for
# 5, 15 and 60 s, 10 rounds each by default; then every server restarted in turn under 200 fires/s
# (ServerRestartTest) and every component killed in turn (ChaosTest). Prints a table per part.
#   e2e-tests/fault-run.sh [rounds per case] [lengths in seconds, comma-separated]
# About 2 h with the defaults on 2 cores. Needs what the build's tests need (see the README).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-10}
lengths=${2:-5,15,60}
./mvnw -B -q -DskipTests install
mkdir -p e2e-tests/target
./mvnw -B -pl e2e-tests verify -Pfaults -Dfaults.rounds="$rounds" -Dfaults.lengths="$lengths" \
  | tee e2e-tests/target/fault-matrix.log | grep -E '^\| |fault matrix|Tests run|FAIL' || true
./mvnw -B -pl e2e-tests verify -Dtest=ServerRestartTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Drestart.jobs=200 \
  | tee e2e-tests/target/server-restarts.log | grep -E 'server restarts|^  \+|Tests run|FAIL' || true
./mvnw -B -pl e2e-tests verify -Pchaos \
  | tee e2e-tests/target/chaos.log | grep -E 'chaos run|^\| |Tests run|FAIL' || true
