import { describe, expect, it } from 'vitest';
import type { Problem } from '../graph/validated-graph.js';
import { formatPort, parsePort, parsePortList } from './ports.js';

const at = (line: number) => ({ file: 'g.yaml', line, col: 1 });

describe('parsePort (MediaPipe TAG:index:name rules)', () => {
  it('accepts the three forms', () => {
    expect(parsePort('frames')).toEqual({ tag: '', index: undefined, name: 'frames' });
    expect(parsePort('VIDEO:frames')).toEqual({ tag: 'VIDEO', index: undefined, name: 'frames' });
    expect(parsePort('VIDEO_2:12:name_b')).toEqual({ tag: 'VIDEO_2', index: 12, name: 'name_b' });
    expect(parsePort('_X:_y')).toEqual({ tag: '_X', index: undefined, name: '_y' });
  });

  it.each([
    ['Frames', '"Frames" does not match'],
    ['video:frames', 'tag "video" must be UPPER_SNAKE'],
    ['VIDEO:Frames', 'name "Frames" must be lower_snake'],
    ['VIDEO:01:a', 'index "01" must be a non-negative integer'],
    ['VIDEO:-1:a', 'index "-1" must be a non-negative integer'],
    ['A:0:b:c', '"A:0:b:c" does not match'],
    ['', '"" does not match'],
    ['1A:b', 'tag "1A" must be UPPER_SNAKE'],
  ])('rejects %j', (text, reason) => {
    const result = parsePort(text);
    expect(typeof result).toBe('string');
    expect(result as string).toContain(reason);
  });
});

describe('parsePortList', () => {
  it('numbers untagged ports in order and defaults tagged ones to index 0', () => {
    const problems: Problem[] = [];
    const ports = parsePortList(
      [
        { text: 'a', location: at(1) },
        { text: 'IN:b', location: at(2) },
        { text: 'c', location: at(3) },
        { text: 'IN:1:d', location: at(4) },
      ],
      'x',
      problems,
    );
    expect(problems).toEqual([]);
    expect(ports.map((p) => [p.tag, p.index, p.name])).toEqual([
      ['', 0, 'a'],
      ['IN', 0, 'b'],
      ['', 1, 'c'],
      ['IN', 1, 'd'],
    ]);
    expect(ports.map(formatPort)).toEqual(['a', 'IN:b', 'c', 'IN:1:d']);
  });
});
