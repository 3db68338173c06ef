import { describe, expect, it } from 'vitest';
import { HealthState } from './engine-health.js';

describe('HealthState', () => {
  it('starts ready and tells listeners each change once', () => {
    const health = new HealthState();
    expect(health.current).toMatchObject({ state: 'ready', servable: true, reason: null });
    const seen: string[] = [];
    const stop = health.subscribe((h) => seen.push(`${h.state}:${h.servable}:${h.reason}`));
    health.set('failed', 'worker exited with code 1');
    health.set('failed', 'worker exited with code 1');
    health.set('restarting');
    stop();
    health.set('ready');
    expect(seen).toEqual(['failed:false:worker exited with code 1', 'restarting:false:null']);
    expect(health.current.servable).toBe(true);
  });
});
