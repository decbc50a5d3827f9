# Podman's libpod API service, for Pod Anatomy's Podman adapter. Sourced by scripts/lib.sh
# (which defines say, as_root, ensure_packages); do not run it.
#
# ensure_podman: when a libpod API answers at the socket (CONTAINER_HOST=unix://… as Podman's
# own clients take it, else the rootful /run/podman/podman.sock), use it as it is. Otherwise
# install what is missing and start `podman system service` in the background with the
# project's containers.conf (default_ulimits: on these machines root lacks CAP_SYS_RESOURCE
# and a container fails to start with `error setting rlimit type 7` / `type 6`).
# STARTED_PODMAN=1 when this script started it; stop_started_podman stops only that.

PODMAN_CONF_DIR=${PODMAN_CONF_DIR:-/etc/pod-anatomy/podman}
PODMAN_LOG=/tmp/pod-anatomy-podman.log
PODMAN_PID_FILE=/tmp/pod-anatomy-podman.pid

podman_socket() {
  case "${CONTAINER_HOST:-}" in
    unix://*) echo "${CONTAINER_HOST#unix://}" ;;
    "") if [ "$(id -u)" -eq 0 ]; then echo /run/podman/podman.sock; else echo "${XDG_RUNTIME_DIR:-/run/user/$(id -u)}/podman/podman.sock"; fi ;;
    *) echo "" ;;
  esac
}

# podman_answers [SOCKET] — the libpod API (not just any HTTP server) answers _ping there.
podman_answers() {
  local sock=${1:-$(podman_socket)}
  [ -S "$sock" ] || return 1
  timeout 5 curl -fsS --unix-socket "$sock" -o /dev/null http://d/v4.0.0/libpod/_ping 2>/dev/null
}

# The project's containers.conf: only what this machine needs on top of Podman's defaults.
write_podman_conf() {
  as_root mkdir -p "$PODMAN_CONF_DIR" || return 1
  as_root tee "$PODMAN_CONF_DIR/containers.conf" >/dev/null <<'CONF'
# Written by Pod Anatomy (scripts/runtimes/podman.sh). Root here may lack CAP_SYS_RESOURCE:
# without explicit rlimits, containers fail to start ("error setting rlimit type 7").
# nofile soft = hard: Podman 4.3.1 applied "nofile=1024:4096" as soft 4096 / hard 1024
# (inspect's HostConfig.Ulimits), which runc refuses: "error setting rlimit type 7: invalid argument".
[containers]
default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]

[network]
network_backend = "netavark"
CONF
}

STARTED_PODMAN=0
ensure_podman() {
  local sock; sock=$(podman_socket)
  if [ -z "$sock" ]; then say "CONTAINER_HOST=$CONTAINER_HOST is not a unix:// socket; Pod Anatomy speaks to Podman over a unix socket"; return 1; fi
  podman_answers "$sock" && return 0
  if [ -n "${CONTAINER_HOST:-}" ]; then say "CONTAINER_HOST=$CONTAINER_HOST does not answer as a libpod API"; return 1; fi
  ensure_packages podman:podman catatonit:catatonit /usr/lib/podman/netavark:netavark /usr/lib/podman/aardvark-dns:aardvark-dns curl:curl || return 1
  write_podman_conf || return 1
  say "starting podman system service on $sock (log: $PODMAN_LOG)"
  as_root mkdir -p "$(dirname "$sock")"
  as_root env CONTAINERS_CONF="$PODMAN_CONF_DIR/containers.conf" sh -c \
    "nohup setsid podman system service --time=0 unix://$sock >$PODMAN_LOG 2>&1 & echo \$! >$PODMAN_PID_FILE" || return 1
  STARTED_PODMAN=1
  local i
  for i in $(seq 1 30); do podman_answers "$sock" && { say "Podman API is up"; return 0; }; sleep 1; done
  say "podman system service did not answer within 30 s; see $PODMAN_LOG"; return 1
}

# Remove every Podman pod and container labelled with this run, then stop the service when we started it.
stop_started_podman() {
  local sock; sock=$(podman_socket)
  if [ -n "${POD_ANATOMY_RUN_ID:-}" ] && [ -n "$sock" ] && podman_answers "$sock"; then
    local pods ctrs
    pods=$(podman --url "unix://$sock" pod ps -q --filter "label=io.pod-anatomy.run=$POD_ANATOMY_RUN_ID" 2>/dev/null || true)
    [ -n "$pods" ] && { say "removing Podman pods left by this run: $(echo $pods)"; podman --url "unix://$sock" pod rm -f -t 2 $pods >/dev/null || true; }
    ctrs=$(podman --url "unix://$sock" ps -aq --filter "label=io.pod-anatomy.run=$POD_ANATOMY_RUN_ID" 2>/dev/null || true)
    [ -n "$ctrs" ] && { podman --url "unix://$sock" rm -fv -t 2 $ctrs >/dev/null || true; }
  fi
  [ "$STARTED_PODMAN" = 1 ] || return 0
  say "stopping the podman service this script started"
  as_root kill "$(cat "$PODMAN_PID_FILE")" 2>/dev/null || true
  local i
  for i in $(seq 1 30); do podman_answers "$sock" || { rm -f "$PODMAN_PID_FILE"; return 0; }; sleep 1; done
}
