import { defineCalculator } from '@weft/framework';
import { type ChoiceDelta, llmTypes, type StepFeedback, type TextDeltas } from '@weft/llm';
import { BannedWordScanner } from './banned-words.js';

/**
 * A guardrail between the detokenizer and the response. `redact`: banned words (case-insensitive,
 * even when split across tokens) are replaced in the text the client sees. `stop`: the response
 * ends just before the first banned word with `finish_reason: "content_filter"`, and generation
 * stops too — the guard also sits on the FEEDBACK back edge and tells the executor the request is
 * finished, so no token is computed for nothing.
 *
 * Example config:
 * ```yaml
 * - calculator: BannedWordGuardCalculator
 *   input_stream: [DELTAS:deltas, FEEDBACK:feedback]
 *   output_stream: [DELTAS:guarded_deltas, FEEDBACK:guarded_feedback]
 *   options: { words: [secret], action: redact }
 * ```
 */
export const BannedWordGuardCalculator = defineCalculator({
  name: 'BannedWordGuardCalculator',
  description:
    'Redacts banned words from generated text, or ends the response (and generation) at the first one.',
  inputs: {
    DELTAS: { type: llmTypes.deltas, description: 'Text deltas from the detokenizer.' },
    FEEDBACK: { type: llmTypes.feedback, description: 'Tokens the detokenizer feeds back to the executor.' },
  },
  outputs: {
    DELTAS: { type: llmTypes.deltas, description: 'Filtered deltas, to the response calculator.' },
    FEEDBACK: { type: llmTypes.feedback, description: 'To the executor (connect as a back edge there).' },
  },
  options: {
    type: 'object',
    additionalProperties: false,
    required: ['words'],
    properties: {
      words: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'Banned words.' },
      action: {
        type: 'string',
        enum: ['redact', 'stop'],
        default: 'redact',
        description: 'What a banned word does.',
      },
      replacement: {
        type: 'string',
        default: '[redacted]',
        description: 'Shown instead of a word in `redact` mode.',
      },
    },
  },
  // Both inputs are handled as they arrive: FEEDBACK must never wait for a DELTAS packet that a
  // step without new text does not produce.
  inputStreamHandler: 'immediate',
  create() {
    const scanners = new Map<number, BannedWordScanner>();
    const open = new Map<number, BannedWordScanner>(); // choices not finished yet
    let generated = 0; // tokens fed back so far: the usage count when we stop early
    let final: ChoiceDelta[] | undefined; // set on a hit; sent once the executor is told to stop
    let ended = false;

    return {
      process(ctx) {
        const { words, action, replacement } = ctx.options;
        const scanner = (index: number) => {
          let s = scanners.get(index);
          if (s === undefined) {
            s = new BannedWordScanner(words, action, replacement);
            scanners.set(index, s);
            open.set(index, s);
          }
          return s;
        };
        const finish = (completionTokens: number) => {
          ended = true;
          ctx.output('DELTAS').add({ deltas: final ?? [], completionTokens });
          ctx.output('DELTAS').close();
        };

        const deltas = ctx.input('DELTAS')?.value;
        if (deltas !== undefined && !ended) {
          const out = final === undefined ? filter(deltas, scanner, open) : undefined;
          if (out?.hit) {
            final = out.hit;
            // The detokenizer's last packet: generation is over anyway, nothing to stop.
            if (deltas.completionTokens !== undefined) finish(deltas.completionTokens);
          } else if (out) {
            ctx.output('DELTAS').add(out.packet);
          } else if (deltas.completionTokens !== undefined) {
            finish(deltas.completionTokens);
          }
        }

        const feedback = ctx.input('FEEDBACK')?.value;
        if (feedback !== undefined) {
          generated += feedback.groups.reduce((n, g) => n + g.tokens.length, 0);
          if (final === undefined) {
            ctx.output('FEEDBACK').add(feedback);
          } else {
            // Empty token lists tell the executor each group is finished.
            const stop: StepFeedback = {
              groups: feedback.groups.map((g) => ({ prompt: g.prompt, tokens: [], parents: [], slots: [] })),
            };
            ctx.output('FEEDBACK').add(stop);
            if (!ended) finish(generated);
          }
        }
      },
    };
  },
});

/**
 * Runs each delta through its choice's scanner. On a hit the whole request ends: the closing
 * deltas give every choice still open what it held back and `content_filter`.
 */
function filter(
  packet: TextDeltas,
  scanner: (index: number) => BannedWordScanner,
  open: Map<number, BannedWordScanner>,
): { packet: TextDeltas; hit?: undefined } | { hit: ChoiceDelta[]; packet?: undefined } {
  const out: ChoiceDelta[] = [];
  for (const d of packet.deltas) {
    const s = scanner(d.index);
    const scanned = s.push(d.text);
    if (scanned.hit !== undefined) {
      const close = (index: number, text: string): ChoiceDelta => ({
        index,
        tokens: index === d.index ? d.tokens : 0,
        text,
        logprobs: [],
        finishReason: 'content_filter',
      });
      open.delete(d.index);
      const others = [...open.entries()].map(([index, other]) => close(index, other.flush()));
      return { hit: [close(d.index, scanned.text), ...others].sort((a, b) => a.index - b.index) };
    }
    const done = d.finishReason !== undefined;
    if (done) open.delete(d.index);
    out.push({ ...d, text: done ? scanned.text + s.flush() : scanned.text });
  }
  return { packet: { deltas: out, completionTokens: packet.completionTokens } };
}
