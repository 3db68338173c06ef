/**
 * IEEE half → float conversion for fp16 logits (Node 20 has no Float16Array). A 65536-entry table
 * makes the hot path one indexed load per element; it is built on first use (256 KB).
 */
let table: Float32Array | undefined;

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 0x1f) return frac === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

function getTable(): Float32Array {
  if (!table) {
    table = new Float32Array(65536);
    for (let i = 0; i < 65536; i++) table[i] = halfToFloat(i);
  }
  return table;
}

/** Converts raw fp16 bits to float32 into `out` (allocated when omitted). */
export function float16ToFloat32(src: Uint16Array, out = new Float32Array(src.length)): Float32Array {
  const t = getTable();
  for (let i = 0; i < src.length; i++) out[i] = t[src[i]!]!;
  return out;
}
