import type { ServerMetrics } from '../metrics/server-metrics.js';
import type { RequestLog } from './request-log.js';

interface Usage {
  prompt_tokens?: unknown;
  completion_tokens?: unknown;
  // Responses API names.
  input_tokens?: unknown;
  output_tokens?: unknown;
}

/** Token counts and timings of one response, fed into metrics and the access log. */
export class StreamStats {
  #firstTokenAt: number | undefined;
  #lastTokenAt: number | undefined;
  #usage: Usage | undefined;

  constructor(private readonly startedAt: number) {}

  /** A streamed chunk: the first with generated text sets time to first token. */
  onEvent(event: Record<string, unknown>): void {
    if (event.usage && typeof event.usage === 'object') this.#usage = event.usage as Usage;
    const response = event.response as { usage?: unknown } | undefined;
    if (response?.usage && typeof response.usage === 'object') this.#usage = response.usage as Usage;
    if (hasText(event)) {
      const now = performance.now();
      this.#firstTokenAt ??= now;
      this.#lastTokenAt = now;
    }
  }

  onBody(body: unknown): void {
    const usage = (body as { usage?: unknown } | null)?.usage;
    if (usage && typeof usage === 'object') this.#usage = usage as Usage;
  }

  record(metrics: ServerMetrics, model: string, log: RequestLog): void {
    const prompt = this.#usage?.prompt_tokens ?? this.#usage?.input_tokens;
    const completion = this.#usage?.completion_tokens ?? this.#usage?.output_tokens;
    if (typeof prompt === 'number') {
      metrics.promptTokens.inc({ model }, prompt);
      log.promptTokens = prompt;
    }
    if (typeof completion === 'number') {
      metrics.generatedTokens.inc({ model }, completion);
      log.completionTokens = completion;
    }
    if (this.#firstTokenAt !== undefined) {
      metrics.timeToFirstToken.observe({ model }, (this.#firstTokenAt - this.startedAt) / 1000);
      if (typeof completion === 'number' && completion > 1 && this.#lastTokenAt !== undefined) {
        metrics.timePerOutputToken.observe(
          { model },
          (this.#lastTokenAt - this.#firstTokenAt) / 1000 / (completion - 1),
        );
      }
    }
  }
}

function hasText(event: Record<string, unknown>): boolean {
  if (event.type === 'response.output_text.delta') return true;
  if (!Array.isArray(event.choices)) return false;
  return event.choices.some((c: { text?: unknown; delta?: { content?: unknown } } | null) => {
    if (!c) return false;
    if (typeof c.text === 'string' && c.text.length > 0) return true;
    return typeof c.delta?.content === 'string' && c.delta.content.length > 0;
  });
}
