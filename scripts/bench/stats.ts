/** Statistics for the benchmark: pure functions of numbers. */

export interface Summary {
  n: number;
  min: number;
  median: number;
  /** Nearest-rank 95th percentile: with 20 samples, the 19th smallest. */
  p95: number;
  max: number;
}

/** Nearest-rank percentile (p in 0..100) of a non-empty list. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error("percentile of no samples");
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return {
    n: sorted.length,
    min: round(sorted[0]!),
    median: round(median),
    p95: round(percentile(sorted, 95)),
    max: round(sorted[sorted.length - 1]!),
  };
}

/** One decimal: enough for milliseconds. */
export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export interface LinearFit {
  /** intercept, then one coefficient per predictor. */
  coefficients: number[];
  /** Coefficient of determination of the fit. */
  r2: number;
}

/**
 * Ordinary least squares y ≈ b0 + b1·x1 + … + bk·xk, by the normal equations (k is small).
 * Throws when the predictors are collinear.
 */
export function fitLinear(points: readonly { x: readonly number[]; y: number }[]): LinearFit {
  const k = points[0]?.x.length ?? 0;
  const dim = k + 1;
  const rows = points.map((p) => [1, ...p.x]);
  // A = XᵀX, b = Xᵀy, augmented for Gauss-Jordan elimination.
  const a = Array.from({ length: dim }, (_, i) => [
    ...Array.from({ length: dim }, (_, j) => rows.reduce((s, r) => s + r[i]! * r[j]!, 0)),
    rows.reduce((s, r, n) => s + r[i]! * points[n]!.y, 0),
  ]);
  for (let col = 0; col < dim; col++) {
    let pivot = col;
    for (let r = col + 1; r < dim; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    if (Math.abs(a[pivot]![col]!) < 1e-12) throw new Error("collinear predictors: cannot fit");
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const row = a[col]!;
    const lead = row[col]!;
    for (let j = col; j <= dim; j++) row[j]! /= lead;
    for (let r = 0; r < dim; r++) {
      if (r === col) continue;
      const other = a[r]!;
      const factor = other[col]!;
      for (let j = col; j <= dim; j++) other[j]! -= factor * row[j]!;
    }
  }
  const coefficients = a.map((row) => row[dim]!);
  const predict = (x: readonly number[]) => coefficients.reduce((s, c, i) => s + c * (i === 0 ? 1 : x[i - 1]!), 0);
  const mean = points.reduce((s, p) => s + p.y, 0) / points.length;
  const ssTot = points.reduce((s, p) => s + (p.y - mean) ** 2, 0);
  const ssRes = points.reduce((s, p) => s + (p.y - predict(p.x)) ** 2, 0);
  return { coefficients, r2: ssTot === 0 ? 1 : 1 - ssRes / ssTot };
}
