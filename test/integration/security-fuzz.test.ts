/**
 * Fuzz: well over 1,000 malformed create requests against the running server — random JSON,
 * wrong types, look-alike strings, huge strings, prototype-pollution keys, arrays, nulls,
 * broken encodings, wrong content types, bad origins and tokens. Every answer must be the
 * exact 4xx its defect calls for, as JSON {error, detail} without a stack trace; not one
 * container may be created (counted by this run's label with the docker CLI); and the
 * server must still be healthy afterwards. Deterministic: a seeded generator.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LABEL_RUN } from "@/lib/model/types";
import { dockerIdsWithLabel, fetchToken, pageHeaders, rawRequest, removeByLabel, type RawResponse } from "../support/api";

const RUN_LABEL = `${LABEL_RUN}=${process.env.POD_ANATOMY_RUN_ID}`;
const VALID = { sample: "ghost-behind-nginx" };
const CASES_PER_KIND = 160;

/** mulberry32: a small seeded PRNG, so a failing case can be reproduced. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case {
  kind: string;
  headers: Record<string, string>;
  body: string | Buffer;
  expected: 400 | 403 | 413 | 415;
}

function generate(token: string): Case[] {
  const rnd = prng(0x5eed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T,>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const unicode = ["é", "ß", "漢", "😀", "\u202e", "\u200d", "\u0000", "\ud800", "о" /* Cyrillic o */, "\ufeff", "\n", '"', "\\"];
  const randString = (max: number) => Array.from({ length: int(max) }, () => (rnd() < 0.3 ? pick(unicode) : String.fromCharCode(32 + int(95)))).join("");
  const randValue = (depth: number): unknown => {
    switch (int(depth > 3 ? 5 : 7)) {
      case 0: return null;
      case 1: return rnd() < 0.5;
      case 2: return rnd() < 0.5 ? int(1e9) - 5e8 : rnd() * 1e300;
      case 3: return randString(40);
      case 4: return "ghost-behind-nginx";
      case 5: return Array.from({ length: int(4) }, () => randValue(depth + 1));
      default: return Object.fromEntries(Array.from({ length: int(4) }, () => [rnd() < 0.2 ? "sample" : randString(10), randValue(depth + 1)]));
    }
  };
  const good = pageHeaders(token);
  const json = (body: unknown, expected: Case["expected"] = 400, kind = "body") => ({ kind, headers: good, body: JSON.stringify(body), expected });
  const cases: Case[] = [];
  const add = (n: number, make: (i: number) => Case) => {
    for (let i = 0; i < n; i++) cases.push(make(i));
  };

  // Random JSON documents of every shape (never exactly the valid one).
  add(CASES_PER_KIND, () => {
    let v = randValue(0);
    if (JSON.stringify(v) === JSON.stringify(VALID)) v = [v];
    return json(v, 400, "random JSON");
  });
  // The right key with a wrong type or a look-alike value.
  const lookAlikes = ["ghost-behind-nginx ", " ghost-behind-nginx", "GHOST-BEHIND-NGINX", "ghоst-behind-nginx", "ghost-behind-nginx\u0000", "ghost\u200d-behind-nginx", "ghost-behind-nginx\n", "ghost_behind_nginx", "ghost-behind-nginx;rm -rf /", "../ghost-behind-nginx", ""];
  add(CASES_PER_KIND, (i) => {
    const v = i < lookAlikes.length ? lookAlikes[i] : pick([null, 0, 1, true, false, [], {}, ["ghost-behind-nginx"], { value: "ghost-behind-nginx" }, randValue(2)]);
    return json({ sample: v === VALID.sample ? [v] : v }, 400, "wrong sample");
  });
  // The valid request plus one more key: privilege knobs and prototype pollution.
  const extraKeys = ["__proto__", "constructor", "prototype", "privileged", "image", "hostPort", "binds", "cmd", "capAdd", "devices", "name", "network", "pidMode", "Sample", "sample "];
  add(CASES_PER_KIND, (i) => ({
    kind: "extra key",
    headers: good,
    body: `{"sample":"ghost-behind-nginx",${JSON.stringify(extraKeys[i % extraKeys.length])}:${JSON.stringify(randValue(1) ?? { polluted: true })}}`,
    expected: 400,
  }));
  // Prototype pollution without the valid key, and nested.
  add(CASES_PER_KIND / 2, (i) => ({
    kind: "prototype pollution",
    headers: good,
    body: pick([
      `{"__proto__":{"sample":"ghost-behind-nginx"}}`,
      `{"constructor":{"prototype":{"sample":"ghost-behind-nginx","polluted":${i}}}}`,
      `{"__proto__":{"polluted":${i}},"sample":null}`,
      `[{"__proto__":{"sample":"ghost-behind-nginx"}}]`,
      `{"sample":{"__proto__":"ghost-behind-nginx"}}`,
    ]),
    expected: 400,
  }));
  // Not JSON, or JSON with something wrong around it.
  const broken = ['{"sample":"ghost-behind-nginx"', '{"sample":"ghost-behind-nginx"}x', '{"sample":"ghost-behind-nginx"}{}', "{'sample':'ghost-behind-nginx'}", "{sample:ghost-behind-nginx}", "sample=ghost-behind-nginx", "\ufeff{", "undefined", "NaN", '{"sample":"ghost-behind-nginx","sample":"x"}', "[", "}", '"', "\u0000"];
  add(CASES_PER_KIND, (i) => ({ kind: "not JSON", headers: good, body: i < broken.length ? broken[i]! : randString(200), expected: 400 }));
  // Bytes that are not UTF-8.
  add(CASES_PER_KIND / 4, () => ({ kind: "invalid UTF-8", headers: good, body: Buffer.from([0x7b, 0x22, 0x73, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, int(256), 0x22, 0x7d]), expected: 400 }));
  // Deep nesting within the size cap.
  add(CASES_PER_KIND / 4, (i) => ({ kind: "deep nesting", headers: good, body: "[".repeat(1000 + i * 100) + "]".repeat(1000 + i * 100), expected: 400 }));
  // Huge strings: under the cap (400) and over it (413).
  add(CASES_PER_KIND / 2, (i) => json({ sample: "ghost-behind-nginx".repeat(20 + i * 20) }, JSON.stringify({ sample: "ghost-behind-nginx".repeat(20 + i * 20) }).length > 16 * 1024 ? 413 : 400, "huge string"));
  add(CASES_PER_KIND / 4, (i) => json({ sample: "ghost-behind-nginx", pad: "😀".repeat(4200 + i * 50) }, 413, "over the cap (multi-byte)"));
  // Wrong content types, with the valid body.
  const types = ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/json", "application/jsonx", "application/json-patch+json", "application/javascript", "", "*/*", "application/ json"];
  add(CASES_PER_KIND / 2, (i) => {
    const headers: Record<string, string> = { ...good, "Content-Type": types[i % types.length]! };
    if (headers["Content-Type"] === "") delete headers["Content-Type"];
    return { kind: "content type", headers, body: JSON.stringify(VALID), expected: 415 };
  });
  // Bad tokens, with the valid body.
  add(CASES_PER_KIND, (i) => {
    const wrong = pick([
      () => Array.from({ length: 48 }, () => "0123456789abcdef"[int(16)]).join(""),
      () => token.slice(0, int(token.length)),
      () => token + "0",
      () => token.replace(/.$/, (c) => (c === "0" ? "1" : "0")),
      () => token.toUpperCase(),
      () => "a".repeat(int(4000) + 1),
      () => `${token},${token}`,
      () => Buffer.from(randString(60) + "x").toString("base64"),
    ])();
    return { kind: `bad token ${i}`, headers: { ...good, "x-pod-anatomy-token": wrong }, body: JSON.stringify(VALID), expected: 403 };
  });
  // Bad origins and fetch metadata, with the valid body and token.
  add(CASES_PER_KIND / 2, (i) => {
    const change = pick<Record<string, string | undefined>>([
      { Origin: undefined },
      { Origin: "null" },
      { Origin: `http://evil-${i}.example` },
      { Origin: `${good.Origin}.evil.example` },
      { Origin: good.Origin!.replace("http:", "https:") },
      { "Sec-Fetch-Site": pick(["cross-site", "same-site", "none", "SAME-ORIGIN"]) },
      { Host: `evil-${i}.example:${new URL(good.Origin!).port}` },
    ]);
    const headers: Record<string, string> = { ...good };
    for (const [k, v] of Object.entries(change)) {
      if (v === undefined) delete headers[k];
      else headers[k] = v;
    }
    return { kind: `bad origin ${JSON.stringify(change)}`, headers, body: JSON.stringify(VALID), expected: 403 };
  });
  return cases;
}

describe("fuzzing POST /api/pods", () => {
  let token = "";
  let before: string[] = [];
  beforeAll(async () => {
    token = await fetchToken();
    before = dockerIdsWithLabel(RUN_LABEL).sort();
  });
  afterAll(() => removeByLabel(RUN_LABEL));

  it("answers every malformed request with its exact 4xx, creates nothing, and stays healthy", async () => {
    const cases = generate(token);
    expect(cases.length).toBeGreaterThanOrEqual(1_000);
    const answers: { c: Case; res: RawResponse }[] = [];
    const queue = [...cases];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let c = queue.shift(); c; c = queue.shift()) {
          answers.push({ c, res: await rawRequest("POST", "/api/pods", c.headers, c.body) });
        }
      }),
    );
    const wrong = answers
      .filter(({ c, res }) => res.status !== c.expected || !/^\{"error":"[^"]+"/.test(res.body) || /\n\s+at /.test(res.body))
      .map(({ c, res }) => `${c.kind}: expected ${c.expected}, got ${res.status} ${res.body.slice(0, 200)} for ${String(c.body).slice(0, 80)}`);
    expect(wrong).toEqual([]);
    expect(answers.length).toBe(cases.length);
    expect(dockerIdsWithLabel(RUN_LABEL).sort()).toEqual(before);
    // Still healthy: the API and the page answer, with the same launch token.
    expect((await rawRequest("GET", "/api/snapshot", { Host: pageHeaders(token).Host! })).status).toBe(200);
    expect(await fetchToken()).toBe(token);
  });
});
