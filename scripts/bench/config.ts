/**
 * The bench's port and run id. Imported first by bench.ts: it sets POD_ANATOMY_URL before
 * test/support/api.ts (the helpers that talk to the server as its page does) reads it.
 */
export const PORT = Number(process.env.POD_ANATOMY_BENCH_PORT ?? 3987);
export const RUN_ID = process.env.POD_ANATOMY_RUN_ID ?? `bench-${Date.now()}`;
export const BASE_URL = `http://localhost:${PORT}`;

process.env.POD_ANATOMY_URL = BASE_URL;
// Containers the bench makes in-process (the template pod) carry the run label too.
process.env.POD_ANATOMY_RUN_ID = RUN_ID;
