import type { FinishReason } from '../openai/response-types.js';
import { ResponsesWriter } from '../openai/responses-builders.js';
import type { ResponseStore, StoredResponse } from '../responses-store/response-store.js';
import type { ResponsePacket } from '../serving/graph-protocol.js';
import type { GenerationJob, TextDeltas } from './llm-packets.js';

/**
 * The RESPONSE packets of a Responses API request (one choice), after the head: when streaming,
 * one named chunk per event (`response.created` and `response.in_progress` first, then the events
 * of each output item as its text or tool call arrives, the closing events with the usage last);
 * otherwise one chunk with the response object. Then `usage` and `end`. A finished response of a
 * request to be stored (`job.storeInput`) goes into the store with its expanded input.
 */
export class ResponsesOutput {
  private readonly writer: ResponsesWriter;
  private started = false;
  private finish: FinishReason | undefined;

  constructor(
    private readonly job: GenerationJob,
    private readonly store: ResponseStore | undefined,
  ) {
    this.writer = new ResponsesWriter(job.id, job.created, job.model, job.responses!);
  }

  /** Packets for one step's deltas; the last step (with `completionTokens`) ends the response. */
  onDeltas(deltas: TextDeltas): ResponsePacket[] {
    const stream = this.job.options.stream;
    const out: ResponsePacket[] = [];
    const send = (events: object[], tokens = 0) => {
      if (!stream) return;
      events.forEach((data, i) => {
        out.push({
          kind: 'chunk',
          data,
          event: (data as { type: string }).type,
          // The step's tokens are counted once, with its first event.
          tokens: i === 0 ? tokens : 0,
        });
      });
    };
    if (!this.started) {
      this.started = true;
      send(this.writer.start());
    }
    for (const d of deltas.deltas) {
      send(this.writer.write(d.text, d.toolCalls), d.tokens);
      if (d.finishReason) this.finish = d.finishReason;
    }
    if (deltas.completionTokens === undefined) return out;
    const usage = {
      input: this.job.promptIds.reduce((s, ids) => s + ids.length, 0),
      output: deltas.completionTokens,
    };
    const { events, response } = this.writer.finish(this.finish ?? 'length', usage);
    if (this.job.storeInput) {
      this.store?.put({ response: response as StoredResponse['response'], input: this.job.storeInput });
    }
    if (stream) send(events);
    else out.push({ kind: 'chunk', data: response, tokens: usage.output });
    out.push({ kind: 'usage', promptTokens: usage.input, completionTokens: usage.output });
    out.push({ kind: 'end' });
    return out;
  }
}
