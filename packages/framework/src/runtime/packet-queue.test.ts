import { describe, expect, it } from 'vitest';
import { Packet } from '../packet/packet.js';
import { PacketQueue } from './packet-queue.js';

describe('PacketQueue', () => {
  it('is FIFO across emptying and refilling', () => {
    const q = new PacketQueue();
    q.push(new Packet('a', 1));
    q.push(new Packet('b', 2));
    expect(q.headTimestamp()).toBe(1);
    expect(q.shift().value).toBe('a');
    expect(q.shift().value).toBe('b');
    expect(q.size).toBe(0);
    q.push(new Packet('c', 3));
    expect([q.size, q.shift().value]).toEqual([1, 'c']);
  });

  it('keeps order when it never empties for a long time', () => {
    const q = new PacketQueue();
    const out: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      q.push(new Packet(i, i));
      q.push(new Packet(i, i));
      out.push(q.shift().timestamp);
    }
    while (q.size > 0) out.push(q.shift().timestamp);
    expect(out).toHaveLength(40_000);
    expect(out.every((ts, i) => i === 0 || ts >= out[i - 1]!)).toBe(true);
    expect(out.slice(0, 4)).toEqual([0, 0, 1, 1]);
  });
});
