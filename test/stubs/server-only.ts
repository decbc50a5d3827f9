// In tests there is no React Server Components bundler to honour "server-only";
// this empty module stands in for it (see vitest.config.ts).
export {};
