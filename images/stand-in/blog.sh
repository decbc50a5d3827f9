#!/bin/sh
# The ghost stand-in: write a page naming this pod, then serve it with busybox httpd.
pod="${POD_NAME:-unknown}"
mkdir -p /www
cat > /www/index.html <<PAGE
<!doctype html>
<html><head><meta charset="utf-8"><title>Blog of pod ${pod}</title></head>
<body>
<h1>Blog of pod ${pod}</h1>
<p>Served by busybox httpd on 127.0.0.1:2368, a stand-in for ghost, reached through the
proxy on port 80. Both run in pod ${pod} and share its network namespace with the pause
container.</p>
</body></html>
PAGE
exec httpd -f -v -p 2368 -h /www
