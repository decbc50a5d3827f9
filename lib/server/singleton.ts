import "server-only";

/**
 * One value per server process, kept on globalThis: Next bundles instrumentation and each
 * route separately, so a module-level variable would exist once per bundle; globalThis is
 * shared by all of them. Every such singleton goes through here, so they are easy to find:
 *
 *   __podAnatomyDocker     docker.ts getDockerClient      the DockerClient
 *   __podAnatomyEventHub   event-hub.ts getEventHub       the one follower of every runtime's changes
 *   __podAnatomyRuntimes   runtimes/registry.ts           the runtimes found, their adapters
 *   __podAnatomySnapshot   snapshot.ts state              the latest snapshot, the scan under way
 *   __podAnatomyPulls      pull-tracker.ts getPullTracker image pulls in progress
 *   __podAnatomyLeftovers  leftovers.ts state             pods being created, the sweep's retry state
 *   __podAnatomyToken      guard.ts launchToken           the per-launch token
 *   __podAnatomyHostnames  uts-hostname.ts                the hostname of each uts namespace, by inode
 *
 * `make` runs the first time the key is asked for (or while its value is null/undefined).
 */
export function processSingleton<T>(key: `__podAnatomy${string}`, make: () => T): T {
  const g = globalThis as unknown as Record<string, T | undefined>;
  g[key] ??= make();
  return g[key];
}
