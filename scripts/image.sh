#!/usr/bin/env bash
# Build the container image pod-anatomy:local on this machine, with NO registry: the image is
# assembled FROM scratch from what this machine has —
#   - this machine's Node.js binary and the shared libraries it links (ldd),
#   - the Next.js standalone server (POD_ANATOMY_STANDALONE=1 next build: .next/standalone,
#     .next/static, public), built in a copy of the working tree (.cache/image/src) so the
#     worktree's own .next (npm run up, npm test: next start) is left alone,
#   - images/stand-in/ and the CRI .proto (both read from process.cwd() = /app),
#   - pause.c compiled with gcc -static (POD_ANATOMY_PAUSE) and /bin/busybox (busybox-static),
#     so the container makes the stand-in images without gcc or busybox on the host,
#   - ctr and the docker CLI (and their libraries): the CRI adapter imports the stand-ins
#     into containerd with `docker save | ctr images import`.
# On a machine with a registry, `docker build -t pod-anatomy .` (the Dockerfile) builds the
# same layout from the official node image instead.
#
# Fast when nothing changed: the image carries a hash of its inputs (label
# io.pod-anatomy.source-hash) and is not rebuilt while it matches. POD_ANATOMY_IMAGE_FORCE=1
# rebuilds anyway. POD_ANATOMY_IMAGE_TAG changes the tag (default pod-anatomy:local).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
. scripts/lib.sh

TAG="${POD_ANATOMY_IMAGE_TAG:-pod-anatomy:local}"
NODE_BIN="$(command -v node)"
NODE_BIN="$(readlink -f "$NODE_BIN")"

ensure_packages gcc:gcc /usr/lib/x86_64-linux-gnu/libc.a:libc6-dev /bin/busybox:busybox-static docker:docker.io ctr:containerd
ensure_docker_engine
ensure_node_modules

# The files copied for the build: every tracked or new (not ignored) file (next build
# type-checks the scripts, which import test/support). The inputs hashed: the same but tests
# and docs, plus this Node.js and the host binaries copied in.
sources() { git ls-files -co --exclude-standard -z; }
inputs() { git ls-files -co --exclude-standard -z -- . ':!:test/**' ':!:e2e/**' ':!:docs/**' ':!:*.md' ':!:**/*.test.ts' ':!:compose.yaml' ':!:k8s/**'; }
hash=$( {
  inputs | xargs -0 sha256sum
  sha256sum "$NODE_BIN" /bin/busybox "$(command -v ctr)" "$(command -v docker)"
  "$NODE_BIN" --version
} | sha256sum | cut -c1-16)

have=$(docker image inspect "$TAG" --format '{{index .Config.Labels "io.pod-anatomy.source-hash"}}' 2>/dev/null || true)
if [ "$have" = "$hash" ] && [ "${POD_ANATOMY_IMAGE_FORCE:-0}" != 1 ]; then
  say "$TAG is up to date (sources $hash): not rebuilt"
  exit 0
fi

# Outside the worktree: inside it, Next would take the worktree's lock file for the root's.
WORK="${TMPDIR:-/tmp}/pod-anatomy-image-$(printf %s "$ROOT" | sha256sum | cut -c1-8)"
SRC="$WORK/src"
CTX="$WORK/context"
say "building $TAG (sources $hash) in $WORK"
rm -rf "$SRC" "$CTX"
mkdir -p "$SRC" "$CTX/rootfs"

# 1. The standalone server, built in a copy of the working tree (node_modules hard-linked:
#    Turbopack refuses a node_modules symlinked from outside the project).
sources | tar -c --null -T - | tar -x -C "$SRC"
cp -al node_modules "$SRC/node_modules" 2>/dev/null || cp -a node_modules "$SRC/node_modules" # another file system: a copy
(cd "$SRC" && POD_ANATOMY_STANDALONE=1 NEXT_TELEMETRY_DISABLED=1 npx next build >"$WORK/next-build.log" 2>&1) \
  || { tail -30 "$WORK/next-build.log"; say "next build failed (log: $WORK/next-build.log)"; exit 1; }

R="$CTX/rootfs"
mkdir -p "$R/app" "$R/tmp" "$R/etc" "$R/bin" "$R/usr/bin" "$R/usr/local/lib/pod-anatomy"
chmod 1777 "$R/tmp"
cp -a "$SRC/.next/standalone/." "$R/app/"
mkdir -p "$R/app/.next"
cp -a "$SRC/.next/static" "$R/app/.next/static"
cp -a "$SRC/public" "$R/app/public"
mkdir -p "$R/app/images" "$R/app/lib/server/runtimes/cri"
cp -a "$SRC/images/stand-in" "$R/app/images/stand-in"
cp "$SRC/lib/server/runtimes/cri/runtime-v1.proto" "$R/app/lib/server/runtimes/cri/"
# Next writes its cache here; the run line mounts a tmpfs over it (--read-only root).
mkdir -p "$R/app/.next/cache"

# 2. Node.js, ctr and the docker CLI with the libraries they link (paths kept as on the host).
copy_with_libs() {
  local bin=$1 dest=$2 lib
  install -D -m 0755 "$bin" "$R$dest"
  for lib in $(ldd "$bin" | awk '/=> \//{print $3} /^\t\/lib/{print $1}'); do
    [ -e "$R$lib" ] || install -D -m 0755 "$(readlink -f "$lib")" "$R$lib"
  done
}
copy_with_libs "$NODE_BIN" /usr/bin/node
copy_with_libs "$(readlink -f "$(command -v ctr)")" /usr/bin/ctr
copy_with_libs "$(readlink -f "$(command -v docker)")" /usr/bin/docker

# 3. The stand-ins' binaries: busybox-static (also the image's /bin/sh for `docker exec`) and pause.
install -m 0755 /bin/busybox "$R/bin/busybox"
ln -s busybox "$R/bin/sh"
gcc -static -O2 -Wall -o "$R/usr/local/lib/pod-anatomy/pause" "$SRC/images/stand-in/pause.c"

# 4. Just enough /etc: names for uid 0 and nobody.
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$R/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$R/etc/group"
printf 'hosts: files dns\n' >"$R/etc/nsswitch.conf"

cp images/pod-anatomy/Dockerfile.local "$CTX/Dockerfile"
docker build -q -t "$TAG" --label "io.pod-anatomy.source-hash=$hash" --label "io.pod-anatomy.node=$("$NODE_BIN" --version)" "$CTX" >/dev/null
rm -rf "$SRC" "$CTX"
size=$(docker image inspect "$TAG" --format '{{.Size}}')
say "built $TAG: $((size / 1000000)) MB (docker image inspect: $size bytes)"
