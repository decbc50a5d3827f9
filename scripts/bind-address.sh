#!/usr/bin/env bash
# Print the address Pod Anatomy's server listens on: 127.0.0.1 unless POD_ANATOMY_BIND
# says otherwise. Anything that is not loopback prints a warning to stderr, because whoever
# can reach the port can start containers, which is root on this host.
#
#   POD_ANATOMY_BIND=0.0.0.0 npm run up    # listen on every interface (warns)
#
# The Host check still answers only requests that name a loopback host with the app's port
# (Host: localhost:3000): a browser on another machine opening http://192.168.1.5:3000 gets
# 403. Binding elsewhere is for port forwards that keep that Host — a VM's or container's
# forwarded port, or `ssh -L 3000:localhost:3000`. It is NOT an authentication: a script on
# the network can send "Host: localhost:3000", read the page's token and create containers.
set -euo pipefail
bind="${POD_ANATOMY_BIND:-127.0.0.1}"
if [[ "$bind" =~ ^127\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$ || "$bind" == "::1" ]]; then
  echo "$bind"; exit 0
fi
if [[ ! "$bind" =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ && ! "$bind" =~ ^[0-9a-fA-F:]*:[0-9a-fA-F:.]*$ ]]; then
  echo "POD_ANATOMY_BIND=$bind is not an IP address (e.g. 127.0.0.1, 0.0.0.0, ::1)" >&2; exit 1
fi
cat >&2 <<WARN
WARNING: POD_ANATOMY_BIND=$bind — Pod Anatomy will listen on $bind, not on loopback only.
WARNING: anyone who can reach this port can create containers on this host (that is root),
WARNING: because a script can forge "Host: localhost" and read the page's token. Browsers that
WARNING: name this machine by another address get 403 from the Host check. Unset POD_ANATOMY_BIND
WARNING: to listen on 127.0.0.1 only; prefer an SSH tunnel (ssh -L PORT:localhost:PORT host).
WARN
echo "$bind"
