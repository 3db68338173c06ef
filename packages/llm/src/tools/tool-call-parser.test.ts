import { describe, expect, it } from 'vitest';
import { ToolCallParser } from './tool-call-parser.js';
import type { ToolCallFormat } from './tool-types.js';

interface Parsed {
  content: string;
  calls: { id: string; name: string; arguments: string }[];
  /** Whether every call's first delta carried id and name, and only the first. */
  wellFormed: boolean;
}

function parse(format: ToolCallFormat, pieces: readonly string[]): Parsed {
  let n = 0;
  const parser = new ToolCallParser(format, () => `call_${n++}`);
  const out = [...pieces.map((p) => parser.push(p)), parser.end()];
  const calls: Parsed['calls'] = [];
  let wellFormed = true;
  for (const piece of out) {
    for (const d of piece.calls) {
      const first = calls[d.index] === undefined;
      if (first !== (d.id !== undefined && d.name !== undefined)) wellFormed = false;
      calls[d.index] ??= { id: d.id!, name: d.name!, arguments: '' };
      calls[d.index]!.arguments += d.arguments;
    }
  }
  return { content: out.map((p) => p.content).join(''), calls, wellFormed };
}

/** Every way of cutting `text` in two, and one character at a time. */
function splits(text: string): string[][] {
  const all = [[text], [...text]];
  for (let i = 1; i < text.length; i++) all.push([text.slice(0, i), text.slice(i)]);
  return all;
}

// Outputs as the models write them (from their model cards and chat templates).
const RECORDED: {
  family: ToolCallFormat;
  model: string;
  text: string;
  expected: Omit<Parsed, 'wellFormed'>;
}[] = [
  {
    family: 'hermes',
    model: 'Qwen2.5-7B-Instruct, one call',
    text: '<tool_call>\n{"name": "get_current_temperature", "arguments": {"location": "San Francisco, CA, USA"}}\n</tool_call>',
    expected: {
      content: '',
      calls: [
        {
          id: 'call_0',
          name: 'get_current_temperature',
          arguments: '{"location": "San Francisco, CA, USA"}',
        },
      ],
    },
  },
  {
    family: 'hermes',
    model: 'Qwen2.5, text then two parallel calls',
    text: 'Let me check both.\n<tool_call>\n{"name": "get_current_temperature", "arguments": {"location": "Paris", "unit": "celsius"}}\n</tool_call>\n<tool_call>\n{"name": "get_temperature_date", "arguments": {"location": "Paris", "date": "2024-10-01"}}\n</tool_call>',
    expected: {
      content: 'Let me check both.\n',
      calls: [
        {
          id: 'call_0',
          name: 'get_current_temperature',
          arguments: '{"location": "Paris", "unit": "celsius"}',
        },
        {
          id: 'call_1',
          name: 'get_temperature_date',
          arguments: '{"location": "Paris", "date": "2024-10-01"}',
        },
      ],
    },
  },
  {
    family: 'hermes',
    model: 'Hermes-2-Pro, nested arguments with braces and a multi-byte string',
    text: '<tool_call>\n{"arguments": {"query": {"text": "caf\u00e9 } {", "tags": ["a", "b"]}}, "name": "search"}\n</tool_call>',
    expected: {
      content: '',
      calls: [
        {
          id: 'call_0',
          name: 'search',
          arguments: '{"query": {"text": "caf\u00e9 } {", "tags": ["a", "b"]}}',
        },
      ],
    },
  },
  {
    family: 'llama3_json',
    model: 'Llama-3.1-8B-Instruct, JSON tool call',
    text: '{"name": "get_current_conditions", "parameters": {"location": "San Francisco, CA", "unit": "Fahrenheit"}}',
    expected: {
      content: '',
      calls: [
        {
          id: 'call_0',
          name: 'get_current_conditions',
          arguments: '{"location": "San Francisco, CA", "unit": "Fahrenheit"}',
        },
      ],
    },
  },
  {
    family: 'llama3_json',
    model: 'Llama-3.2, python_tag and two calls separated by ;',
    text: '<|python_tag|>{"name": "get_weather", "parameters": {"city": "Oslo"}}; {"name": "get_time", "parameters": {}}',
    expected: {
      content: '',
      calls: [
        { id: 'call_0', name: 'get_weather', arguments: '{"city": "Oslo"}' },
        { id: 'call_1', name: 'get_time', arguments: '{}' },
      ],
    },
  },
  {
    family: 'mistral',
    model: 'Mistral-7B-Instruct-v0.3',
    text: '[TOOL_CALLS] [{"name": "get_current_weather", "arguments": {"location": "Paris, France", "format": "celsius"}}, {"name": "get_n_day_weather_forecast", "arguments": {"location": "Paris, France", "format": "celsius", "num_days": 3}}]',
    expected: {
      content: '',
      calls: [
        {
          id: 'call_0',
          name: 'get_current_weather',
          arguments: '{"location": "Paris, France", "format": "celsius"}',
        },
        {
          id: 'call_1',
          name: 'get_n_day_weather_forecast',
          arguments: '{"location": "Paris, France", "format": "celsius", "num_days": 3}',
        },
      ],
    },
  },
];

describe('ToolCallParser on recorded outputs', () => {
  for (const r of RECORDED) {
    it(`${r.family}: ${r.model}, whatever the token boundaries`, () => {
      for (const pieces of splits(r.text)) {
        expect(parse(r.family, pieces)).toEqual({ ...r.expected, wellFormed: true });
      }
    });
  }

  it('never shows half a marker in the content while streaming', () => {
    const p = new ToolCallParser('hermes');
    expect(p.push('Sure <tool').content).toBe('Sure ');
    expect(p.push('_ca').content).toBe('');
    const piece = p.push('ll>\n{"name": "f", "arguments": {"a"');
    expect(piece.content).toBe('');
    expect(piece.calls).toEqual([
      { index: 0, id: expect.stringMatching(/^call_[0-9a-f]{24}$/), name: 'f', arguments: '{"a"' },
    ]);
    expect(p.push(': 1}}\n</tool_').calls).toEqual([{ index: 0, arguments: ': 1}' }]);
    expect(p.end()).toEqual({ content: '', calls: [] });
  });

  it('gives text that only looks like a call back as content', () => {
    expect(parse('hermes', ['a <tool and <tool_call> not json'])).toEqual({
      content: 'a <tool and <tool_call> not json',
      calls: [],
      wellFormed: true,
    });
    expect(parse('llama3_json', ['Hello {"a": 1}']).content).toBe('Hello {"a": 1}');
    expect(parse('mistral', ['plain text [TOOL']).content).toBe('plain text [TOOL');
  });

  it('keeps a call cut by max_tokens as far as it got', () => {
    expect(parse('hermes', ['<tool_call>\n{"name": "f", "arguments": {"city": "Pa'])).toEqual({
      content: '',
      calls: [{ id: 'call_0', name: 'f', arguments: '{"city": "Pa' }],
      wellFormed: true,
    });
  });
});
