import { describe, expect, it } from "vitest";
import { connectionOf, singleFlight } from "./use-live-snapshot";

/** A call whose end the test decides. */
function controllable() {
  const pending: { resolve: (v: number) => void; reject: (e: Error) => void }[] = [];
  let calls = 0;
  const fn = () =>
    new Promise<number>((resolve, reject) => {
      calls++;
      pending.push({ resolve, reject });
    });
  return { fn, pending, calls: () => calls };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("singleFlight", () => {
  it("runs one call at a time, and one follow-up for everything asked meanwhile", async () => {
    const c = controllable();
    const once = singleFlight(c.fn);
    const first = once();
    const second = once();
    const third = once();
    expect(c.calls()).toBe(1);
    expect(second).toBe(third);

    c.pending[0]!.resolve(1);
    expect(await first).toBe(1);
    await tick();
    expect(c.calls()).toBe(2); // the follow-up starts only after the first ended
    c.pending[1]!.resolve(2);
    expect(await second).toBe(2);

    const fourth = once();
    expect(c.calls()).toBe(3); // idle again: a new call starts at once
    c.pending[2]!.resolve(3);
    expect(await fourth).toBe(3);
  });

  it("still runs the follow-up when the running call fails", async () => {
    const c = controllable();
    const once = singleFlight(c.fn);
    const first = once();
    const second = once();
    c.pending[0]!.reject(new Error("server restarting"));
    await expect(first).rejects.toThrow("server restarting");
    await tick();
    c.pending[1]!.resolve(7);
    expect(await second).toBe(7);
  });
});

describe("connectionOf", () => {
  it("is live only when the stream is open and the server follows the engine", () => {
    expect(connectionOf({ open: true, failures: 0 }, { state: "following" }).state).toBe("live");
    expect(connectionOf({ open: true, failures: 0 }, { state: "connecting" }).state).toBe("reconnecting");
    expect(connectionOf({ open: true, failures: 0 }, null).state).toBe("reconnecting");
  });

  it("reconnecting on the first failures, offline after three (still retrying)", () => {
    expect(connectionOf({ open: false, failures: 0 }, null).state).toBe("reconnecting");
    expect(connectionOf({ open: false, failures: 2 }, null).state).toBe("reconnecting");
    expect(connectionOf({ open: false, failures: 3 }, null)).toEqual({
      state: "offline",
      detail: "Cannot reach this server's event stream (3 attempts); retrying.",
    });
  });

  it("says why when the server has lost the engine", () => {
    const reason = "Nothing answers at unix:///var/run/docker.sock: the socket exists but no Docker daemon listens on it.";
    expect(connectionOf({ open: true, failures: 0 }, { state: "reconnecting", failures: 1, retryInMs: 500, reason })).toEqual({
      state: "reconnecting",
      detail: `No live events: ${reason} The server retries in 1 s (attempt 1).`,
    });
    expect(connectionOf({ open: true, failures: 0 }, { state: "reconnecting", failures: 4, retryInMs: 4000, reason }).state).toBe("offline");
  });
});
