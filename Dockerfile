# Pod Anatomy's image for a machine WITH a registry: `docker build -t pod-anatomy .`
# (Without one — this project's machines — `npm run image` assembles the same layout FROM
# scratch from the machine's own Node.js: scripts/image.sh, images/pod-anatomy/Dockerfile.local.)
# Same layout either way: /app = the Next.js standalone server, its static files, public/,
# images/stand-in/ and the CRI .proto (read from process.cwd()); a static pause binary and
# busybox-static for the stand-in images; ctr and the docker CLI for the CRI's stand-ins.
# Not built on this project's machines (no registry): keep it in step with scripts/image.sh.

# 1. Dependencies, from the lock file.
FROM node:20-bookworm-slim AS deps
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# 2. The standalone server.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY --from=deps /src/node_modules ./node_modules
COPY . .
ENV NEXT_TELEMETRY_DISABLED=1 POD_ANATOMY_STANDALONE=1
RUN npx next build

# 3. The stand-ins' binaries: pause.c with gcc -static, busybox-static, ctr and docker's CLI.
FROM debian:bookworm-slim AS tools
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev busybox-static containerd docker.io \
 && rm -rf /var/lib/apt/lists/*
COPY images/stand-in/pause.c /pause.c
RUN gcc -static -O2 -Wall -o /pause /pause.c

# 4. The final image: node's slim runtime, no compiler, no npm cache.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOSTNAME=0.0.0.0 \
    PORT=3000 \
    POD_ANATOMY_BIND=0.0.0.0 \
    POD_ANATOMY_IN_CONTAINER=1 \
    POD_ANATOMY_PAUSE=/usr/local/lib/pod-anatomy/pause \
    POD_ANATOMY_BUSYBOX=/bin/busybox \
    POD_ANATOMY_CTR=/usr/bin/ctr
COPY --from=tools /pause /usr/local/lib/pod-anatomy/pause
COPY --from=tools /bin/busybox /bin/busybox
COPY --from=tools /usr/bin/ctr /usr/bin/ctr
COPY --from=tools /usr/bin/docker /usr/bin/docker
WORKDIR /app
COPY --from=build /src/.next/standalone ./
COPY --from=build /src/.next/static ./.next/static
COPY --from=build /src/public ./public
COPY --from=build /src/images/stand-in ./images/stand-in
COPY --from=build /src/lib/server/runtimes/cri/runtime-v1.proto ./lib/server/runtimes/cri/runtime-v1.proto
RUN mkdir -p .next/cache
LABEL org.opencontainers.image.title="Pod Anatomy" io.pod-anatomy.self="true"
# Root in the container, with every capability dropped but SYS_PTRACE (see the README's run
# line): the runtimes' sockets are root's, and added capabilities reach a non-root user only
# as ambient capabilities, which `docker run --cap-add` does not give.
USER 0
EXPOSE 3000
STOPSIGNAL SIGTERM
CMD ["node", "server.js"]
