/**
 * The allowed next tokens of one sequence, as XGrammar writes them: bit `i & 31` of word `i >> 5`
 * is set when token `i` may come next. Ids past the mask are not allowed.
 */
export type TokenBitmask = Int32Array;

/** Sets every disallowed token's logit to -Infinity, in place. */
export function applyTokenBitmask(logits: Float32Array, mask: TokenBitmask): void {
  const V = logits.length;
  const words = Math.min(mask.length, Math.ceil(V / 32));
  for (let w = 0; w < words; w++) {
    const bits = mask[w]!;
    if (bits === -1) continue; // all 32 allowed: the common case inside free text
    const base = w * 32;
    const end = Math.min(base + 32, V);
    for (let i = base; i < end; i++)
      if (((bits >>> (i - base)) & 1) === 0) logits[i] = Number.NEGATIVE_INFINITY;
  }
  for (let i = words * 32; i < V; i++) logits[i] = Number.NEGATIVE_INFINITY;
}

/** True when the mask allows `token`. */
export function bitmaskAllows(mask: TokenBitmask, token: number): boolean {
  const w = token >> 5;
  return w < mask.length && ((mask[w]! >>> (token & 31)) & 1) === 1;
}
