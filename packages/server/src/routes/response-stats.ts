import type { ChunkPacket, UsagePacket } from '@weft/llm';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import type { RequestLog } from './request-log.js';

/** Token counts and timings of one answer, from its typed packets; fed into metrics and the access log. */
export class ResponseStats {
  #firstTokenAt: number | undefined;
  #lastTokenAt: number | undefined;
  #usage: UsagePacket | undefined;

  constructor(private readonly startedAt: number) {}

  /** A streamed chunk: the first carrying generated tokens sets the time to first token. */
  onStreamChunk(chunk: ChunkPacket): void {
    if ((chunk.tokens ?? 0) === 0) return;
    const now = performance.now();
    this.#firstTokenAt ??= now;
    this.#lastTokenAt = now;
  }

  onUsage(usage: UsagePacket): void {
    this.#usage = usage;
  }

  record(metrics: ServerMetrics, model: string, log: RequestLog): void {
    if (this.#usage) {
      const { promptTokens, completionTokens } = this.#usage;
      metrics.promptTokens.inc({ model }, promptTokens);
      metrics.generatedTokens.inc({ model }, completionTokens);
      log.promptTokens = promptTokens;
      log.completionTokens = completionTokens;
    }
    if (this.#firstTokenAt === undefined) return;
    metrics.timeToFirstToken.observe({ model }, (this.#firstTokenAt - this.startedAt) / 1000);
    const completion = this.#usage?.completionTokens ?? 0;
    if (completion > 1 && this.#lastTokenAt !== undefined) {
      metrics.timePerOutputToken.observe(
        { model },
        (this.#lastTokenAt - this.#firstTokenAt) / 1000 / (completion - 1),
      );
    }
  }
}
