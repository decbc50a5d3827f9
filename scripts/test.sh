#!/usr/bin/env bash
# Run every test of Pod Anatomy: lint, types, unit, then integration and end-to-end tests
# against the real Docker engine, the real /proc and a production build in headless
# Chromium. Installs what is missing (docker.io, busybox-static, gcc/libc6-dev, chromium)
# and starts dockerd when no engine answers; stops what it started when done.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

export PORT="${POD_ANATOMY_TEST_PORT:-3999}"
export POD_ANATOMY_URL="http://localhost:$PORT"
# Every container the test server creates also carries this label, so cleanup finds exactly them.
export POD_ANATOMY_RUN_ID="test-$(date +%s)-$$"
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"

ensure_packages gcc:gcc /usr/lib/x86_64-linux-gnu/libc.a:libc6-dev /bin/busybox:busybox-static curl:curl \
  dockerd:docker.io docker:docker.io "$CHROMIUM_PATH":chromium
ensure_node_modules

SERVER_PID=""
cleanup() {
  local rc=$?
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  if docker_answers; then
    local left
    left=$(docker ps -aq --filter "label=io.pod-anatomy.run=$POD_ANATOMY_RUN_ID" || true)
    [ -n "$left" ] && { say "removing containers left by this run: $(echo $left)"; docker rm -f $left >/dev/null || true; }
  fi
  stop_started_docker_engine
  exit $rc
}
trap cleanup EXIT

say "lint";      npm run --silent lint
say "typecheck"; npm run --silent typecheck
say "unit tests"; npx vitest run --project unit

ensure_docker_engine
if curl -s -o /dev/null "http://127.0.0.1:8880/" 2>/dev/null; then
  say "host port 8880 is in use (a demo pod of yours?): the demo pod tests need it free"; exit 1
fi

say "production build"; npm run --silent build
say "starting the production server on $POD_ANATOMY_URL"
npx next start --hostname 127.0.0.1 --port "$PORT" >/tmp/pod-anatomy-test-server.log 2>&1 &
SERVER_PID=$!
wait_for_url "$POD_ANATOMY_URL/api/snapshot" 60 || { cat /tmp/pod-anatomy-test-server.log; say "server did not start"; exit 1; }

say "integration tests (real engine, real /proc)"; npx vitest run --project integration
say "end-to-end tests (headless Chromium)";        npx playwright test
say "all tests passed"
