// The fixed-point runtime of the quantized C output, as C99 source: the reference's rounding
// right shift rndsh(acc * M0, n) = floor((acc * M0 + 2^(n-1)) / 2^n) done exactly on a 128-bit
// product built from uint64 halves (no __int128, no >> of negative values), saturation, and the
// boundary conversions (QuantizeLinear's round-half-to-even in double, dequantize (q - z) * s).
// Only the helpers a model uses are emitted (-Wunused-function is an error under -Werror).

const HELPERS: { name: string; needs: string[]; src: string[] }[] = [
  { name: 'bw_s64', needs: [], src: [
    '/* uint64 bits -> int64 (two\'s complement) without implementation-defined conversion */',
    'static int64_t bw_s64(uint64_t u) { return u <= (uint64_t)INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1; }',
  ] },
  { name: 'bw_asr', needs: [], src: [
    '/* floor(v / 2^k), 0 <= k <= 63 */',
    'static int64_t bw_asr(int64_t v, int k) { return v >= 0 ? (v >> k) : ~((~v) >> k); }',
  ] },
  { name: 'bw_mulshift', needs: ['bw_s64', 'bw_asr'], src: [
    '/* rndsh(acc * m0, n) = floor((acc * m0 + 2^(n-1)) / 2^n): exact for any int64 acc, 0 < m0 < 2^31, 0 <= n <= 126 */',
    'static int64_t bw_mulshift(int64_t acc, int32_t m0, int n) {',
    'uint64_t a = (uint64_t)acc, m = (uint64_t)m0;',
    'uint64_t p0 = (a & 0xFFFFFFFFu) * m, p1 = (a >> 32) * m;',
    'uint64_t lo = p0 + (p1 << 32);',
    'uint64_t hi = (p1 >> 32) + (lo < p0 ? 1u : 0u);',
    'if (acc < 0) hi -= m; /* the signed 128-bit product hi:lo */',
    'if (n == 0) return bw_s64(lo);',
    'if (n <= 64) { uint64_t l2 = lo + ((uint64_t)1 << (n - 1)); hi += l2 < lo ? 1u : 0u; lo = l2; }',
    'else hi += (uint64_t)1 << (n - 65);',
    'if (n < 64) return bw_s64((lo >> n) | (hi << (64 - n)));',
    'return bw_asr(bw_s64(hi), n - 64);',
    '}',
  ] },
  { name: 'bw_clamp', needs: [], src: [
    'static int32_t bw_clamp(int64_t v, int32_t lo, int32_t hi) { return v < lo ? lo : v > hi ? hi : (int32_t)v; }',
  ] },
  { name: 'bw_quantize', needs: [], src: [
    '/* saturate(round_half_even(x / s) + z): ONNX QuantizeLinear, in double like the reference */',
    'static int32_t bw_quantize(float x, double s, int32_t z, int32_t lo, int32_t hi) {',
    'double v = (double)x / s, f = floor(v), d = v - f;',
    'double r = d > 0.5 ? f + 1.0 : d < 0.5 ? f : (fmod(f, 2.0) == 0.0 ? f : f + 1.0);',
    'r += (double)z;',
    'if (r != r) return 0;',
    'return r < lo ? lo : r > hi ? hi : (int32_t)r;',
    '}',
  ] },
];

/** The helper definitions `code` calls (with their dependencies), in dependency order. */
export function runtimeFor(code: string): string[] {
  const want = new Set<string>();
  const add = (n: string): void => { if (want.has(n)) return; want.add(n); for (const d of HELPERS.find((h) => h.name === n)!.needs) add(d); };
  for (const h of HELPERS) if (code.includes(`${h.name}(`)) add(h.name);
  return HELPERS.filter((h) => want.has(h.name)).flatMap((h) => [...h.src, '']);
}
