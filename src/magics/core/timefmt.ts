// Human durations for the timing magics: seconds -> "12.3 µs" / "4.56 ms" / "1.23 s" / "2 min 3 s".

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return String(s);
  if (s >= 60) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  const units: [number, string][] = [[1, 's'], [1e-3, 'ms'], [1e-6, 'µs'], [1e-9, 'ns']];
  for (const [scale, unit] of units) {
    if (s >= scale) return `${(s / scale).toPrecision(3)} ${unit}`;
  }
  return s === 0 ? '0 ns' : `${(s / 1e-9).toPrecision(3)} ns`;
}
