/** The nearest-rank percentiles `wanted` (0-100) of `values`; values is sorted in place. */
export function percentiles(values: number[], wanted: readonly number[]): number[] {
  values.sort((a, b) => a - b);
  return wanted.map((p) => {
    if (values.length === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * values.length));
    return values[rank - 1] as number;
  });
}
