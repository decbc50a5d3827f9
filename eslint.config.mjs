import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

/**
 * Layering (see DESIGN.md): lib/model and lib/view are pure TypeScript — no I/O, no runtime
 * clients, nothing of the server's adapters; components/ never reach the server's code.
 */
const NODE = { group: ["node:*"], message: "Pure code: no Node built-ins (I/O belongs in lib/server)." };
const NO_IO = {
  group: ["fs", "fs/*", "path", "child_process", "dockerode", "@grpc/*", "server-only"],
  message: "Pure code: no I/O, no runtime clients (they belong in lib/server).",
};
const NO_SERVER = {
  group: ["@/lib/server", "@/lib/server/*", "**/lib/server", "**/lib/server/*", "../server", "../server/*"],
  message: "lib/server is the adapters' layer: pure code and components do not import it.",
};

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    files: ["lib/model/**", "lib/view/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [NODE, NO_IO, NO_SERVER] }] },
  },
  {
    // Unit tests may read recorded fixtures with node:fs / node:path; the rest still holds.
    files: ["lib/model/**/*.test.ts", "lib/view/**/*.test.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [NO_IO, NO_SERVER] }] },
  },
  {
    files: ["components/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [NODE, { group: ["dockerode", "@grpc/*"], message: "Components do not talk to runtimes: go through app/api." }, NO_SERVER] },
      ],
    },
  },
  globalIgnores([".next/**", "out/**", "build/**", "next-env.d.ts", "test-results/**", "playwright-report/**", "artifacts/**"]),
]);
