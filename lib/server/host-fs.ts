import "server-only";

/**
 * node:fs and a path join for the adapters that read the host (procfs, cgroupfs, image
 * build contexts).
 *
 * Fetched at run time rather than imported, and joined without path.join: the bundler's
 * file tracer follows fs and path.join calls on paths it cannot know at build time (any
 * procRoot, a temp dir) to the whole project, and fails on the dangling ns symlinks of the
 * fake /proc trees under test/fixtures.
 */
export const fs: typeof import("node:fs") = process.getBuiltinModule("node:fs");

export const joinPath = (...parts: string[]): string => parts.join("/");
