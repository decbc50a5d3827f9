/**
 * A splitter for newline-delimited JSON (one JSON value per line), as the Docker engine's
 * `/events` stream sends it. The stream arrives in chunks that do not align with lines: a
 * chunk may end in the middle of an object, or hold several. Pure: text in, lines out.
 *
 * The buffer is bounded. A line longer than `maxLineLength` characters is never kept whole:
 * the splitter drops what it has buffered, skips to the next newline, and counts the line
 * as dropped — memory stays bounded whatever the other end sends.
 *
 * Chunks are strings: decode bytes with a streaming decoder first (Node's
 * `stream.setEncoding("utf8")`), so a multi-byte character split between chunks survives.
 */

/** Default bound: a Docker event is well under 4 KiB; labels can make it longer, not 1 MiB. */
const DEFAULT_MAX_LINE_LENGTH = 1024 * 1024;

export interface SplitResult {
  /** The lines completed by this chunk, without their line ending; blank lines are skipped. */
  lines: string[];
  /** How many over-long lines this chunk made the splitter drop (each counted once). */
  dropped: number;
}

export class NdjsonSplitter {
  /** The start of the line not yet ended by a newline (never longer than maxLineLength). */
  private partial = "";
  /** True while skipping the rest of an over-long line, up to its newline. */
  private skipping = false;

  constructor(readonly maxLineLength: number = DEFAULT_MAX_LINE_LENGTH) {
    if (!(maxLineLength > 0)) throw new RangeError("maxLineLength must be positive");
  }

  /** Characters held while waiting for the end of a line: at most maxLineLength. */
  get buffered(): number {
    return this.partial.length;
  }

  /** Feed the next chunk of the stream. */
  push(chunk: string): SplitResult {
    const lines: string[] = [];
    let dropped = 0;
    let start = 0;
    for (let nl = chunk.indexOf("\n"); nl !== -1; nl = chunk.indexOf("\n", start)) {
      const piece = chunk.slice(start, nl);
      if (this.skipping) {
        this.skipping = false; // the over-long line ends here; it was counted when it overflowed
      } else if (this.partial.length + piece.length > this.maxLineLength) {
        dropped++;
      } else {
        const line = stripCr(this.partial + piece);
        if (line.trim().length > 0) lines.push(line);
      }
      this.partial = "";
      start = nl + 1;
    }
    const rest = chunk.slice(start);
    if (!this.skipping && rest.length > 0) {
      if (this.partial.length + rest.length > this.maxLineLength) {
        this.partial = "";
        this.skipping = true;
        dropped++;
      } else {
        this.partial += rest;
      }
    }
    return { lines, dropped };
  }

  /** The stream ended: the last line, when it had no newline (an over-long one stays dropped). */
  end(): SplitResult {
    const line = this.skipping ? "" : stripCr(this.partial);
    this.partial = "";
    this.skipping = false;
    return { lines: line.trim().length > 0 ? [line] : [], dropped: 0 };
  }
}

function stripCr(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}
