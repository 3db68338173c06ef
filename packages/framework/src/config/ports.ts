import { V } from '../errors/validation-codes.js';
import type { PortRef, Problem, SourceLocation } from '../graph/validated-graph.js';

const TAG = /^[A-Z_][A-Z0-9_]*$/;
const NAME = /^[a-z_][a-z0-9_]*$/;
const INDEX = /^(0|[1-9][0-9]*)$/;

const RULE =
  'does not match TAG:index:name, TAG:name or name (tags UPPER_SNAKE, names lower_snake, index 0, 1, 2...; examples: "TAG:name", "VIDEO:2:name_b", "frames")';

/** One port string split into parts; `index` is undefined when not written. */
interface ParsedPort {
  readonly tag: string;
  readonly index: number | undefined;
  readonly name: string;
}

/** Parses `TAG:index:name`, `TAG:name` or `name` with MediaPipe's rules; returns a reason on failure. */
export function parsePort(text: string): ParsedPort | string {
  const parts = text.split(':');
  if (parts.length === 1) {
    return NAME.test(text) ? { tag: '', index: undefined, name: text } : `"${text}" ${RULE}`;
  }
  if (parts.length === 2) {
    const [tag, name] = parts as [string, string];
    if (!TAG.test(tag)) return `"${text}": tag "${tag}" must be UPPER_SNAKE; "${text}" ${RULE}`;
    if (!NAME.test(name)) return `"${text}": name "${name}" must be lower_snake; "${text}" ${RULE}`;
    return { tag, index: undefined, name };
  }
  if (parts.length === 3) {
    const [tag, index, name] = parts as [string, string, string];
    if (!TAG.test(tag)) return `"${text}": tag "${tag}" must be UPPER_SNAKE; "${text}" ${RULE}`;
    if (!INDEX.test(index))
      return `"${text}": index "${index}" must be a non-negative integer; "${text}" ${RULE}`;
    if (!NAME.test(name)) return `"${text}": name "${name}" must be lower_snake; "${text}" ${RULE}`;
    return { tag, index: Number(index), name };
  }
  return `"${text}" ${RULE}`;
}

/** A port string with where it was written. */
export interface PortText {
  readonly text: string;
  readonly location: SourceLocation;
}

/**
 * Parses a port list. Untagged ports get indexes in order of appearance (as MediaPipe does); a tag's
 * indexes must be unique and contiguous from 0.
 */
export function parsePortList(items: readonly PortText[], what: string, problems: Problem[]): PortRef[] {
  const ports: PortRef[] = [];
  let untagged = 0;
  const used = new Map<string, PortRef>();
  for (const item of items) {
    const parsed = parsePort(item.text);
    if (typeof parsed === 'string') {
      problems.push({ code: V.PORT_SYNTAX, message: `${what}: ${parsed}`, location: item.location });
      continue;
    }
    const index = parsed.index ?? (parsed.tag === '' ? untagged++ : 0);
    const key = `${parsed.tag}:${index}`;
    const earlier = used.get(key);
    if (earlier) {
      problems.push({
        code: V.PORT_INDEX,
        message: `${what}: "${item.text}" uses ${describeTagIndex(parsed.tag, index)} already taken by "${earlier.name}" at line ${earlier.location.line}; give each port of a tag its own index (e.g. "${parsed.tag || 'TAG'}:${index + 1}:${parsed.name}")`,
        location: item.location,
      });
      continue;
    }
    const port: PortRef = { tag: parsed.tag, index, name: parsed.name, location: item.location };
    used.set(key, port);
    ports.push(port);
  }
  for (const [tag, indexes] of groupIndexes(ports)) {
    const sorted = [...indexes].sort((a, b) => a - b);
    const gap = sorted.findIndex((v, i) => v !== i);
    if (gap >= 0) {
      const port = ports.find((p) => p.tag === tag && p.index === sorted[gap])!;
      problems.push({
        code: V.PORT_INDEX,
        message: `${what}: ${describeTagIndex(tag, sorted[gap]!)} ("${port.name}") leaves a gap; indexes of a tag must be 0, 1, 2... (expected index ${gap})`,
        location: port.location,
      });
    }
  }
  return ports;
}

function groupIndexes(ports: readonly PortRef[]): Map<string, number[]> {
  const byTag = new Map<string, number[]>();
  for (const p of ports) byTag.set(p.tag, [...(byTag.get(p.tag) ?? []), p.index]);
  return byTag;
}

export function describeTagIndex(tag: string, index: number): string {
  return tag === '' ? `untagged index ${index}` : `${tag}:${index}`;
}

/** How a port is written back in messages: `TAG:index:name` / `TAG:name` / `name`. */
export function formatPort(p: { tag: string; index: number; name: string }): string {
  if (p.tag === '') return p.name;
  return p.index === 0 ? `${p.tag}:${p.name}` : `${p.tag}:${p.index}:${p.name}`;
}
