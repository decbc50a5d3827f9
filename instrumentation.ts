/**
 * Next.js calls register() once when the server starts, before it serves any request
 * (never during `next build`). Pod Anatomy uses it to remove pods left half-made by a
 * daemon crash or a killed server, on every runtime: found by label, see lib/server/leftovers.ts.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getDockerClient } = await import("@/lib/server/docker");
  const { removeLeftoversAtStartup } = await import("@/lib/server/leftovers");
  const { getRuntimeRegistry } = await import("@/lib/server/runtimes/registry");
  await removeLeftoversAtStartup(getDockerClient(), getRuntimeRegistry().list());
}
