/**
 * A small seeded PRNG (xoshiro128**, seeded through splitmix32). One instance per sequence: its
 * draws depend only on (seed, stream), never on what else runs in the batch.
 */
export class SeededRng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  /** `seed`: any safe integer; `stream`: which sequence of the request (choice index). */
  constructor(seed: number, stream = 0) {
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    let s = (lo ^ Math.imul(hi, 0x9e3779b9) ^ Math.imul(stream + 1, 0x85ebca6b)) >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = next();
    this.#b = next();
    this.#c = next();
    this.#d = next() | 1; // the all-zero state is a fixed point
  }

  /** Uniform in [0, 1) with 32 bits of randomness. */
  next(): number {
    const result = Math.imul(rotl(Math.imul(this.#b, 5), 7), 9) >>> 0;
    const t = this.#b << 9;
    this.#c ^= this.#a;
    this.#d ^= this.#b;
    this.#b ^= this.#c;
    this.#a ^= this.#d;
    this.#c ^= t;
    this.#d = rotl(this.#d, 11);
    return result / 4294967296;
  }
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

/** A seed for requests that did not set one. */
export function randomSeed(): number {
  return Math.floor(Math.random() * Number.MAX_SAFE_INTEGER);
}
