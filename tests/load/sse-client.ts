/** Result of one streaming request as the load test sees it. */
export interface StreamResult {
  readonly status: number;
  readonly events: number;
  readonly done: boolean;
  readonly errorEvent: boolean;
  readonly ttftMs: number | undefined;
  readonly aborted: boolean;
}

/**
 * POSTs a streaming request and reads the SSE body; with `abortAfter`, disconnects after that many
 * data events (a client going away mid-stream).
 */
export async function streamRequest(
  url: string,
  body: unknown,
  options: { abortAfter?: number; rawBody?: string } = {},
): Promise<StreamResult> {
  const controller = new AbortController();
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: options.rawBody ?? JSON.stringify(body),
    signal: controller.signal,
  });
  if (!res.headers.get('content-type')?.startsWith('text/event-stream')) {
    await res.text();
    return {
      status: res.status,
      events: 0,
      done: false,
      errorEvent: false,
      ttftMs: undefined,
      aborted: false,
    };
  }
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let events = 0;
  let done = false;
  let errorEvent = false;
  let ttftMs: number | undefined;
  try {
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) break;
      buffer += decoder.decode(value, { stream: true });
      let cut = buffer.indexOf('\n\n');
      while (cut >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        cut = buffer.indexOf('\n\n');
        if (!block.startsWith('data: ')) continue;
        const data = block.slice(6);
        if (data === '[DONE]') {
          done = true;
          continue;
        }
        events++;
        ttftMs ??= performance.now() - started;
        if (data.startsWith('{"error"')) errorEvent = true;
        if (options.abortAfter !== undefined && events >= options.abortAfter) {
          controller.abort();
          return { status: res.status, events, done: false, errorEvent, ttftMs, aborted: true };
        }
      }
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  }
  return { status: res.status, events, done, errorEvent, ttftMs, aborted: false };
}
