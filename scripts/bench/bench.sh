#!/usr/bin/env bash
# Pod Anatomy's benchmark (issue 7): `npm run bench`. Installs what is missing, starts dockerd
# when no engine answers (and stops it again at the end), builds the production server when
# there is no build or the sources changed since, then runs scripts/bench/bench.ts, which
# starts its own server on port 3987 (POD_ANATOMY_BENCH_PORT) and writes
# bench/results/latest.json. Takes about two minutes on two cores (plus a build).
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib.sh

# Every container the bench (and its server) creates carries this label.
export POD_ANATOMY_RUN_ID="bench-$(date +%s)"

ensure_packages lsns:util-linux gcc:gcc /usr/lib/x86_64-linux-gnu/libc.a:libc6-dev /bin/busybox:busybox-static \
  dockerd:docker.io docker:docker.io
ensure_node_modules

cleanup() {
  local rc=$?
  remove_run_containers
  stop_started_docker_engine
  exit $rc
}
trap cleanup EXIT

ensure_docker_engine
if [ ! -f .next/BUILD_ID ] ||
  [ -n "$(find app lib components proxy.ts next.config.js package-lock.json -newer .next/BUILD_ID -not -name '*.test.ts' -print -quit)" ]; then
  say "production build"; npm run --silent build
fi
npx tsx --conditions react-server scripts/bench/bench.ts "$@"
