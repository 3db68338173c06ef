import { createHash } from 'node:crypto';

/**
 * Chain hashes of a prompt's full blocks of `blockSize` tokens: block i's hash covers block i's
 * tokens and block i-1's hash, so equal hashes mean equal tokens from the start of the prompt up to
 * the end of that block (as vLLM's `hash_block_tokens`). SHA-256: a collision would hand one prompt
 * another's KV, so the hash must be one nobody can make collide. Only the first `maxBlocks` blocks
 * are hashed.
 */
export function hashPromptBlocks(
  prompt: readonly number[],
  blockSize: number,
  maxBlocks = Number.POSITIVE_INFINITY,
): string[] {
  const count = Math.min(Math.floor(prompt.length / blockSize), maxBlocks);
  const hashes: string[] = [];
  const tokens = new Uint32Array(blockSize);
  let parent = Buffer.alloc(0);
  for (let b = 0; b < count; b++) {
    for (let i = 0; i < blockSize; i++) tokens[i] = prompt[b * blockSize + i]!;
    parent = createHash('sha256').update(parent).update(tokens).digest();
    hashes.push(parent.toString('base64'));
  }
  return hashes;
}
