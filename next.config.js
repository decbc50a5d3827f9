// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // The container image (scripts/image.sh, Dockerfile) runs the standalone server; `npm run up`
  // and `npm test` keep `next start`, so standalone is only built when asked for.
  ...(process.env.POD_ANATOMY_STANDALONE === "1" ? { output: "standalone" } : {}),
  poweredByHeader: false,
  // dockerode pulls in ssh2/cpu-features optional native code: keep it out of the bundle.
  serverExternalPackages: ["dockerode", "docker-modem", "ssh2", "cpu-features", "@grpc/grpc-js", "@grpc/proto-loader"],
  // The CRI adapter loads its .proto at run time (lib/server/runtimes/cri/client.ts, from process.cwd()).
  outputFileTracingIncludes: { "/**": ["./lib/server/runtimes/cri/runtime-v1.proto"] },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

module.exports = nextConfig;
