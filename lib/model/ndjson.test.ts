import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { NdjsonSplitter } from "./ndjson";

/** Recorded from the engine here: `GET /events?since=…&until=…` around a two-container pod's life. */
const recorded = fs.readFileSync(path.join(__dirname, "..", "..", "test", "fixtures", "docker-events", "pod-lifecycle.ndjson"), "utf8");
const recordedLines = recorded.split("\n").filter(Boolean);

function feed(splitter: NdjsonSplitter, chunks: string[]): { lines: string[]; dropped: number } {
  const lines: string[] = [];
  let dropped = 0;
  for (const chunk of [...chunks.map((c) => splitter.push(c)), splitter.end()]) {
    lines.push(...chunk.lines);
    dropped += chunk.dropped;
  }
  return { lines, dropped };
}

describe("NdjsonSplitter", () => {
  it("splits the recorded stream into its 11 events, in order", () => {
    const { lines, dropped } = feed(new NdjsonSplitter(), [recorded]);
    expect(recordedLines).toHaveLength(11);
    expect(lines).toEqual(recordedLines);
    expect(dropped).toBe(0);
  });

  it("gives the same lines wherever the chunks are cut", () => {
    const text = recordedLines.slice(0, 3).join("\n") + "\n";
    for (let cut = 0; cut <= text.length; cut++) {
      const { lines } = feed(new NdjsonSplitter(), [text.slice(0, cut), text.slice(cut)]);
      expect(lines, `cut at ${cut}`).toEqual(recordedLines.slice(0, 3));
    }
  });

  it("reassembles an object delivered a few characters at a time", () => {
    const splitter = new NdjsonSplitter();
    const out: string[] = [];
    const text = `${recordedLines[0]}\n${recordedLines[1]}\n`;
    for (let i = 0; i < text.length; i += 7) out.push(...splitter.push(text.slice(i, i + 7)).lines);
    expect(out).toEqual([recordedLines[0], recordedLines[1]]);
    expect(splitter.buffered).toBe(0);
  });

  it("strips CR of CRLF endings and skips blank lines", () => {
    const { lines } = feed(new NdjsonSplitter(), ['{"a":1}\r\n\r\n\n  \n{"b":2}\n']);
    expect(lines).toEqual(['{"a":1}', '{"b":2}']);
  });

  it("returns a last line without a newline at the end of the stream", () => {
    const splitter = new NdjsonSplitter();
    expect(splitter.push('{"a":1}\n{"b"').lines).toEqual(['{"a":1}']);
    expect(splitter.push(":2}").lines).toEqual([]);
    expect(splitter.end().lines).toEqual(['{"b":2}']);
  });

  it("keeps a line of exactly maxLineLength characters", () => {
    const line = `{"x":"${"a".repeat(10)}"}`; // 18 characters
    expect(feed(new NdjsonSplitter(18), [line.slice(0, 5), line.slice(5) + "\n"])).toEqual({ lines: [line], dropped: 0 });
    expect(feed(new NdjsonSplitter(17), [line + "\n"])).toEqual({ lines: [], dropped: 1 });
  });

  it("drops an over-long line arriving in one chunk, counts it once, and keeps the next", () => {
    const splitter = new NdjsonSplitter(100);
    const result = splitter.push(`{"big":"${"x".repeat(500)}"}\n{"ok":1}\n`);
    expect(result).toEqual({ lines: ['{"ok":1}'], dropped: 1 });
  });

  it("never buffers more than maxLineLength while an over-long line streams in", () => {
    const splitter = new NdjsonSplitter(1000);
    let dropped = 0;
    splitter.push('{"before":1}\n');
    for (let i = 0; i < 10_000; i++) {
      // 10 MB of a single line, 1 KB per chunk: the buffer must stay bounded.
      dropped += splitter.push("y".repeat(1000)).dropped;
      expect(splitter.buffered).toBeLessThanOrEqual(1000);
    }
    expect(dropped).toBe(1);
    const tail = splitter.push('end"}\n{"after":2}\n');
    expect(tail).toEqual({ lines: ['{"after":2}'], dropped: 0 });
    expect(splitter.buffered).toBe(0);
  });

  it("drops an over-long last line at the end of the stream", () => {
    const splitter = new NdjsonSplitter(10);
    expect(splitter.push("z".repeat(25)).dropped).toBe(1);
    expect(splitter.end()).toEqual({ lines: [], dropped: 0 });
  });

  it("refuses a non-positive bound", () => {
    expect(() => new NdjsonSplitter(0)).toThrow(RangeError);
  });
});
