import { CalculatorRegistry, CalculatorRunner } from '@weft/framework';
import { describe, expect, it } from 'vitest';
import { SystemPromptCalculator } from './system-prompt-calculator.js';

const registry = new CalculatorRegistry().register(SystemPromptCalculator);

async function inject(mode: string, endpoint: string, body: unknown) {
  const runner = new CalculatorRunner(
    {
      calculator: 'SystemPromptCalculator',
      input_stream: 'REQUEST:in',
      output_stream: 'REQUEST:out',
      options: { prompt: 'Be kind.', mode },
    },
    { registry },
  );
  runner.addPacket('REQUEST', { endpoint, model: 'm', body }, 0);
  await runner.run();
  return runner.outputValues('REQUEST');
}

const user = { role: 'user', content: 'hi' };
const theirs = { role: 'system', content: 'Be brief.' };
const ours = { role: 'system', content: 'Be kind.' };

describe('SystemPromptCalculator', () => {
  it('if_missing adds the prompt only when there is no system message', async () => {
    expect(await inject('if_missing', 'chat/completions', { messages: [user], n: 1 })).toEqual([
      { endpoint: 'chat/completions', model: 'm', body: { messages: [ours, user], n: 1 } },
    ]);
    expect(await inject('if_missing', 'chat/completions', { messages: [theirs, user] })).toEqual([
      { endpoint: 'chat/completions', model: 'm', body: { messages: [theirs, user] } },
    ]);
  });

  it('prepend keeps the client system message after ours; replace drops it', async () => {
    expect(await inject('prepend', 'chat/completions', { messages: [theirs, user] })).toEqual([
      { endpoint: 'chat/completions', model: 'm', body: { messages: [ours, theirs, user] } },
    ]);
    expect(await inject('replace', 'chat/completions', { messages: [theirs, user] })).toEqual([
      { endpoint: 'chat/completions', model: 'm', body: { messages: [ours, user] } },
    ]);
  });

  it('leaves completions and malformed chats to the request calculator', async () => {
    expect(await inject('replace', 'completions', { prompt: 'x' })).toEqual([
      { endpoint: 'completions', model: 'm', body: { prompt: 'x' } },
    ]);
    expect(await inject('replace', 'chat/completions', { messages: 'nope' })).toEqual([
      { endpoint: 'chat/completions', model: 'm', body: { messages: 'nope' } },
    ]);
  });
});
