# Shared by scripts/up.sh and scripts/test.sh: install and start what Pod Anatomy needs,
# only when it is missing. Source it; do not run it.

say() { printf '\033[1m[pod-anatomy]\033[0m %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    say "need root for: $*"; return 1
  fi
}

# ensure_packages CMD:PACKAGE ... — apt-get install PACKAGE when CMD (a command or a path) is missing.
ensure_packages() {
  local missing=() pair cmd pkg
  for pair in "$@"; do
    cmd=${pair%%:*}; pkg=${pair#*:}
    if [ "${cmd#/}" != "$cmd" ]; then [ -e "$cmd" ] && continue; else command -v "$cmd" >/dev/null && continue; fi
    missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then
    say "missing: ${missing[*]} — install them with your package manager"; return 1
  fi
  say "installing ${missing[*]} (apt-get)"
  as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_node_modules() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    # npm ci: exactly the lock file (it holds every platform's optional packages, so a fresh
    # clone installs the same tree anywhere; `npm ci` on a fresh clone was checked to pass).
    say "installing npm packages (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

docker_answers() { timeout 10 docker info >/dev/null 2>&1; }

# Start dockerd when no engine answers (and we may). Sets STARTED_DOCKERD=1 when we started it.
STARTED_DOCKERD=0
ensure_docker_engine() {
  docker_answers && return 0
  if [ -n "${DOCKER_HOST:-}" ]; then say "DOCKER_HOST=$DOCKER_HOST does not answer"; return 1; fi
  if ! command -v dockerd >/dev/null; then say "no dockerd on this machine"; return 1; fi
  say "starting dockerd (log: /tmp/pod-anatomy-dockerd.log)"
  as_root sh -c 'nohup setsid /usr/sbin/dockerd >/tmp/pod-anatomy-dockerd.log 2>&1 & echo $! >/tmp/pod-anatomy-dockerd.pid' || return 1
  STARTED_DOCKERD=1
  local i
  for i in $(seq 1 60); do docker_answers && { say "Docker engine is up"; return 0; }; sleep 1; done
  say "dockerd did not answer within 60 s; see /tmp/pod-anatomy-dockerd.log"; return 1
}

# Remove every container labelled with this run (io.pod-anatomy.run=$POD_ANATOMY_RUN_ID),
# with its anonymous volumes, when the engine answers.
remove_run_containers() {
  docker_answers || return 0
  local left
  left=$(docker ps -aq --filter "label=io.pod-anatomy.run=$POD_ANATOMY_RUN_ID" || true)
  [ -n "$left" ] && { say "removing containers left by this run: $(echo $left)"; docker rm -fv $left >/dev/null || true; }
  return 0
}

stop_started_docker_engine() {
  [ "$STARTED_DOCKERD" = 1 ] || return 0
  say "stopping the dockerd this script started"
  as_root kill "$(cat /tmp/pod-anatomy-dockerd.pid)" 2>/dev/null || true
  local i
  for i in $(seq 1 30); do docker_answers || return 0; sleep 1; done
}

# wait_for_url URL SECONDS
wait_for_url() {
  local i
  for i in $(seq 1 "$2"); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 1; done
  return 1
}

# containerd with the CRI (ensure_containerd, stop_started_containerd): call it after
# ensure_docker_engine — see the note at the top of that file.
. "$(dirname "${BASH_SOURCE[0]}")/runtimes/containerd.sh"
# Podman's libpod API service (ensure_podman, stop_started_podman).
. "$(dirname "${BASH_SOURCE[0]}")/runtimes/podman.sh"

# The runtimes beside Docker, each used as it is when it answers, else started:
# /run/netns as Podman makes it before its first pod (a bind mount of itself, shared), made
# before any runtime mounts a network namespace there. When Podman made it later, while a CRI
# sandbox's netns was mounted under it, that netns could no longer be removed ("unlinkat
# /run/netns/cni-…: device or resource busy"), nor new CRI sandboxes made. Seen here.
share_netns_dir() {
  mountpoint -q /run/netns 2>/dev/null && return 0
  as_root mkdir -p /run/netns
  as_root mount --bind /run/netns /run/netns && as_root mount --make-shared /run/netns \
    || say "could not make /run/netns a shared mount: a CRI pod and a Podman pod made together may not be removable"
}

# containerd with its CRI plugin, Podman's API service. A runtime that cannot be had is
# said, never fatal: the dashboard reports each runtime's state on its own.
ensure_runtimes() {
  share_netns_dir
  ensure_containerd || say "continuing without containerd's CRI: the dashboard will say why"
  ensure_podman || say "continuing without Podman: the dashboard will say why"
}

# Remove this run's pods from each runtime and stop what ensure_runtimes started.
stop_started_runtimes() {
  stop_started_podman
  stop_started_containerd
}
