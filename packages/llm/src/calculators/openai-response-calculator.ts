import { defineCalculator, describeCalculator } from '@weft/framework';
import { chatLogprobs, completionsLogprobs } from '../openai/logprobs-format.js';
import { chunkBody, type FinalChoice, responseBody, usageChunk } from '../openai/response-builders.js';
import type { FinishReason, LogprobEntry, ResponseMeta, ToolCall, Usage } from '../openai/response-types.js';
import type { ResponseStore } from '../responses-store/response-store.js';
import { errorPacketType, type ResponsePacket } from '../serving/graph-protocol.js';
import { type ChoiceDelta, type GenerationJob, llmTypes } from './llm-packets.js';
import { responseStoreType } from './response-store-calculator.js';
import { ResponsesOutput } from './responses-output.js';

interface ChoiceState {
  text: string;
  logprobs: LogprobEntry[];
  finish: FinishReason | undefined;
  /** Stream: chunks sent for this choice (the first carries the role, or the echoed prompt). */
  chunks: number;
  /** Completions logprobs: offset of the next token's text. */
  offset: number;
  toolCalls: { id: string; name: string; arguments: string }[];
}

/**
 * Builds the RESPONSE packets of the graph protocol (llm `serving/graph-protocol.ts`): `head` when
 * the tokenized request arrives; then one `chunk` with the OpenAI body (not streaming) or one chunk
 * per OpenAI stream chunk (chat streams open each choice with a `role` delta; a usage chunk comes
 * last when `stream_options.include_usage` is set); then `usage` (always, for the server's metrics)
 * and `end`. An error packet of any stage is passed on as it is and ends the answer. RESPONSE
 * timestamps count 0, 1, 2, ... in emission order. A Responses API request (`job.responses`) is
 * answered with the response object or its named events instead (see responses-output.ts), and
 * kept in the `RESPONSE_STORE` side packet when the request asked for it.
 *
 * Example config:
 * ```yaml
 * - calculator: OpenAiResponseCalculator
 *   input_stream: [JOB:job, DELTAS:deltas, ERROR:0:request_error, ERROR:1:tokenize_error, ERROR:2:engine_error]
 *   output_stream: [RESPONSE:response]
 * ```
 */
export const OpenAiResponseCalculator = defineCalculator({
  name: 'OpenAiResponseCalculator',
  description: describeCalculator(
    'Turns text deltas into OpenAI response bodies or stream chunks (ids, usage, logprobs in the completions or chat shape) and error packets into error responses.',
    `
- calculator: OpenAiResponseCalculator
  input_stream: [JOB:job, DELTAS:deltas, ERROR:0:request_error, ERROR:1:tokenize_error, ERROR:2:engine_error]
  output_stream: [RESPONSE:response]
`,
  ),
  inputs: {
    JOB: { type: llmTypes.job, optional: true, description: 'the tokenized request (timestamp 0)' },
    DELTAS: { type: llmTypes.deltas, optional: true, description: 'new text per step' },
    ERROR: {
      type: errorPacketType,
      optional: true,
      multiple: true,
      description: 'error packets from earlier nodes',
    },
  },
  outputs: { RESPONSE: { type: llmTypes.response, description: 'the graph protocol packets' } },
  inputSidePackets: {
    RESPONSE_STORE: {
      type: responseStoreType,
      optional: true,
      description: 'where Responses API answers are kept unless the request said store: false',
    },
  },
  // Packets are handled as they arrive: the error of any stage must not wait for the others.
  inputStreamHandler: 'immediate',
  options: { type: 'object', additionalProperties: false, properties: {} },
  create() {
    let job: GenerationJob | undefined;
    let meta: ResponseMeta | undefined;
    let next = 0;
    let ended = false;
    const choices = new Map<number, ChoiceState>();
    let responses: ResponsesOutput | undefined;

    return {
      process(ctx) {
        const out = ctx.output('RESPONSE');
        const emit = (value: ResponsePacket) => {
          out.add(value, next++);
        };
        for (let i = 0; i < ctx.inputCount('ERROR'); i++) {
          const err = ctx.input('ERROR', i)?.value;
          if (!err || ended) continue;
          ended = true;
          emit(err);
          out.close();
          return;
        }
        const jobPacket = ctx.input('JOB');
        if (jobPacket) {
          job = jobPacket.value;
          meta = { id: job.id, created: job.created, model: job.model };
          // As soon as the request is accepted: a stream's keep-alives can start while it queues.
          // Responses API streams end with their own last event, not `data: [DONE]`.
          emit({ kind: 'head', stream: job.options.stream, ...(job.responses && { doneMarker: false }) });
        }
        const deltas = ctx.input('DELTAS')?.value;
        if (!deltas || !job || !meta || ended) return;
        if (job.responses) {
          const store: ResponseStore | undefined = ctx.hasSidePacket('RESPONSE_STORE')
            ? ctx.sidePacket('RESPONSE_STORE')
            : undefined;
          responses ??= new ResponsesOutput(job, store);
          for (const packet of responses.onDeltas(deltas)) emit(packet);
          if (deltas.completionTokens !== undefined) {
            ended = true;
            out.close();
          }
          return;
        }
        const { endpoint, options } = job;
        const chat = endpoint === 'chat/completions';
        for (const d of deltas.deltas) {
          const c = choice(choices, job, d.index);
          if (options.stream) {
            emitChunk(d, c, (data, tokens) => emit({ kind: 'chunk', data, tokens }));
          } else {
            c.text += d.text;
            c.logprobs.push(...d.logprobs);
            for (const t of d.toolCalls ?? []) {
              c.toolCalls[t.index] ??= { id: t.id ?? '', name: t.name ?? '', arguments: '' };
              c.toolCalls[t.index]!.arguments += t.arguments;
            }
            if (d.finishReason) c.finish = d.finishReason;
          }
        }
        if (deltas.completionTokens === undefined) return;
        const promptTokens = job.promptIds.reduce((s, ids) => s + ids.length, 0);
        const usage: Usage = {
          prompt_tokens: promptTokens,
          completion_tokens: deltas.completionTokens,
          total_tokens: promptTokens + deltas.completionTokens,
        };
        if (options.stream) {
          if (options.includeUsage) emit({ kind: 'chunk', data: usageChunk(endpoint, meta, usage) });
        } else {
          const final: FinalChoice[] = [...choices.entries()]
            .sort(([a], [b]) => a - b)
            .map(([index, c]) => ({
              index,
              text: c.text,
              logprobs:
                options.params.logprobs === undefined
                  ? null
                  : chat
                    ? chatLogprobs(c.logprobs)
                    : completionsLogprobs(c.logprobs, c.offset),
              finishReason: c.finish ?? 'length',
              toolCalls: c.toolCalls as ToolCall[],
            }));
          const data = responseBody(endpoint, meta, final, usage);
          emit({ kind: 'chunk', data, tokens: deltas.completionTokens });
        }
        emit({ kind: 'usage', promptTokens, completionTokens: deltas.completionTokens });
        emit({ kind: 'end' });
        ended = true;
        out.close();

        function emitChunk(d: ChoiceDelta, c: ChoiceState, send: (body: object, tokens: number) => void) {
          const prefix =
            c.chunks === 0 && options.echo ? job!.promptTexts[Math.floor(d.index / options.params.n)]! : '';
          if (chat && c.chunks === 0) {
            send(
              chunkBody(
                endpoint,
                meta!,
                { index: d.index, text: '', logprobs: null, finishReason: null, first: true },
                options.includeUsage,
              ),
              0,
            );
            c.chunks++;
          }
          const text = prefix + d.text;
          const calls = d.toolCalls ?? [];
          if (text === '' && d.logprobs.length === 0 && !d.finishReason && calls.length === 0) return;
          const logprobs =
            options.params.logprobs === undefined
              ? null
              : chat
                ? chatLogprobs(d.logprobs)
                : completionsLogprobs(d.logprobs, c.offset + prefix.length);
          for (const e of d.logprobs) c.offset += e.text.length;
          c.offset += prefix.length;
          send(
            chunkBody(
              endpoint,
              meta!,
              { index: d.index, text, logprobs, finishReason: d.finishReason ?? null, toolCalls: calls },
              options.includeUsage,
            ),
            d.tokens,
          );
          c.chunks++;
        }
      },
    };
  },
});

function choice(choices: Map<number, ChoiceState>, job: GenerationJob, index: number): ChoiceState {
  let c = choices.get(index);
  if (!c) {
    // Non-streaming echo: the prompt opens the text and the logprob offsets start after it.
    const echo =
      job.options.echo && !job.options.stream
        ? job.promptTexts[Math.floor(index / job.options.params.n)]!
        : '';
    c = { text: echo, logprobs: [], finish: undefined, chunks: 0, offset: echo.length, toolCalls: [] };
    choices.set(index, c);
  }
  return c;
}
