import fs from "node:fs";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import { parseSnapshotFile, recordingOrigin, SnapshotSchema, snapshotFileText } from "./snapshot-schema";
import type { Snapshot } from "./types";

/** The built-in sample: recorded from a real demo pod by scripts/record-sample.ts. */
const SAMPLE_TEXT = fs.readFileSync(new URL("../../public/samples/demo-pod.json", import.meta.url), "utf8");
const sampleJson = JSON.parse(SAMPLE_TEXT) as { sample: { recordedAt: string; host: string }; snapshot: Snapshot };

describe("SnapshotSchema", () => {
  it("is the Snapshot type of types.ts, field by field", () => {
    expectTypeOf<z.infer<typeof SnapshotSchema>>().toEqualTypeOf<Snapshot>();
  });
});

describe("parseSnapshotFile", () => {
  it("reads the recorded sample: a real demo pod, pause as its sandbox, nginx and ghost sharing net, ipc and pid", () => {
    const result = parseSnapshotFile(SAMPLE_TEXT);
    if (!result.ok) throw new Error(`${result.error}: ${result.detail}`);
    const { snapshot, sample } = result.value;
    expect(sample).toEqual({ recordedAt: snapshot.takenAt, host: snapshot.host.hostname, note: expect.stringContaining("demo pod") });
    expect(snapshot.pods).toHaveLength(1);
    const pod = snapshot.pods[0]!;
    const name = (id: string) => snapshot.containers.find((c) => c.id === id)?.name;
    expect(name(pod.sandboxId)).toBe(`${pod.name}-pause`);
    expect(pod.memberIds.map(name).sort()).toEqual([`${pod.name}-ghost`, `${pod.name}-nginx`]);
    for (const link of snapshot.links) expect(link.shared).toEqual(expect.arrayContaining(["net", "ipc", "pid"]));
    expect(recordingOrigin(result.value)).toMatchObject({ kind: "sample", recordedAt: sampleJson.sample.recordedAt, host: sampleJson.sample.host });
  });

  it("reads a bare snapshot, as GET /api/snapshot returns it, as a recording", () => {
    const result = parseSnapshotFile(JSON.stringify(sampleJson.snapshot));
    if (!result.ok) throw new Error(result.detail);
    expect(result.value.sample).toBeNull();
    expect(result.value.snapshot).toEqual(sampleJson.snapshot);
    expect(recordingOrigin(result.value)).toEqual({ kind: "recording", recordedAt: sampleJson.snapshot.takenAt, host: sampleJson.snapshot.host.hostname, note: null });
  });

  it("reads a file saved before processesOutsideContainers existed: its processes were all listed, none only counted", () => {
    const { processesOutsideContainers, ...older } = sampleJson.snapshot;
    expect(processesOutsideContainers).toBeGreaterThan(0);
    const result = parseSnapshotFile(JSON.stringify(older));
    if (!result.ok) throw new Error(result.detail);
    expect(result.value.snapshot.processesOutsideContainers).toBe(0);
    expect(result.value.snapshot.processes).toEqual(sampleJson.snapshot.processes);
  });

  it("reads a file saved before the network was read: no network or uts records", () => {
    const { networks, hostnames, ...older } = sampleJson.snapshot;
    expect(networks.length * hostnames.length).toBeGreaterThan(0); // the sample has them: the older file is it without them
    const result = parseSnapshotFile(JSON.stringify(older));
    if (!result.ok) throw new Error(result.detail);
    expect(result.value.snapshot.networks).toEqual([]);
    expect(result.value.snapshot.hostnames).toEqual([]);
  });

  it("writes back what it read", () => {
    const result = parseSnapshotFile(SAMPLE_TEXT);
    if (!result.ok) throw new Error(result.detail);
    expect(snapshotFileText(result.value)).toBe(SAMPLE_TEXT);
  });

  it("refuses a malformed snapshot, naming the field and what is wrong", () => {
    const broken = structuredClone(sampleJson);
    (broken.snapshot.containers[0]!.namespaces as Record<string, unknown>).net = "4026532184";
    (broken.snapshot as Partial<Snapshot>).links = undefined;
    expect(parseSnapshotFile(JSON.stringify(broken))).toEqual({
      ok: false,
      error: "Not a Pod Anatomy snapshot",
      detail: "snapshot.containers.0.namespaces.net: Invalid input: expected number, received string; snapshot.links: Invalid input: expected array, received undefined",
    });
  });

  it("refuses a sample without its recording time", () => {
    const result = parseSnapshotFile(JSON.stringify({ sample: { host: "vm", note: "" }, snapshot: sampleJson.snapshot }));
    expect(result).toMatchObject({ ok: false, detail: "sample.recordedAt: Invalid input: expected string, received undefined" });
  });

  it("refuses what is not JSON, and JSON that is not a snapshot", () => {
    expect(parseSnapshotFile("<html>")).toMatchObject({ ok: false, error: "Not a JSON file" });
    const notSnapshot = parseSnapshotFile('{"hello": "world"}');
    expect(notSnapshot).toMatchObject({ ok: false, error: "Not a Pod Anatomy snapshot" });
    expect(notSnapshot.ok ? "" : notSnapshot.detail).toBe(
      "takenAt: Invalid input: expected string, received undefined; host: Invalid input: expected object, received undefined; engine: Invalid input: expected object, received undefined; and 7 more",
    );
  });
});
