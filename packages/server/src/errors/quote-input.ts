/**
 * A client value as it may appear in an error message or a log line: JSON, cut to `max`
 * characters with the full length said, so a 500 KB model name or prompt is never echoed back
 * whole. Values JSON cannot write (nested too deep, cyclic) are described instead of throwing.
 */
export function quoteInput(value: unknown, max = 80): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Array.isArray(value)
      ? '[an array nested too deep to show]'
      : '{an object nested too deep to show}';
  }
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

/** A client string for a log field: the same cut, without JSON quotes. */
export function clipForLog(text: string, max = 200): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}
