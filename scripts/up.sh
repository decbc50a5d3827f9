#!/usr/bin/env bash
# Bring Pod Anatomy up at http://localhost:3000 on a fresh clone: install what is missing
# (Docker engine, busybox-static and gcc for the offline stand-in images, npm packages),
# start the Docker engine when none answers, build, and serve on 127.0.0.1 only.
# Without a Docker engine it still starts, and the page says why pods can't be shown.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_packages gcc:gcc /usr/lib/x86_64-linux-gnu/libc.a:libc6-dev /bin/busybox:busybox-static curl:curl \
  || say "could not install the stand-in tools: demo pods need a registry then"
ensure_packages dockerd:docker.io docker:docker.io || say "could not install a Docker engine"
ensure_docker_engine || say "continuing without a Docker engine: the dashboard will say why"
# After the Docker engine (a dockerd started later would take our containerd for its own).
ensure_runtimes
ensure_node_modules

export PORT="${PORT:-3000}"
# 127.0.0.1 unless POD_ANATOMY_BIND says otherwise (then it warns): see scripts/bind-address.sh.
BIND=$(bash scripts/bind-address.sh)
say "building"
npm run build --silent
say "serving on http://localhost:$PORT (listening on $BIND)"
exec npx next start --hostname "$BIND" --port "$PORT"
