import { writeFile } from 'node:fs/promises';
import type { TraceEvent } from './trace-recorder.js';

/** The JSON object Chrome's tracing UI and Perfetto (ui.perfetto.dev → Open trace file) load. */
export function chromeTraceJson(events: readonly object[]): string {
  return JSON.stringify({ traceEvents: events, displayTimeUnit: 'ms' });
}

/** Writes events (from one run or several: `runA.traceEvents().concat(runB.traceEvents())`) to `file`. */
export async function writeChromeTrace(
  file: string,
  events: readonly (TraceEvent | object)[],
): Promise<void> {
  await writeFile(file, chromeTraceJson(events));
}
