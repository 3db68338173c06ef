import type { AnyCalculatorDefinition, PortMap } from '@weft/framework';
import { type CalculatorDocComment, exampleOfDescription, summaryOfDescription } from './doc-comment.js';

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function portLabel(tag: string, multiple: boolean | undefined): string {
  if (tag === '*') return 'any tag `TAG:i` ×n (and untagged)';
  if (tag === '') return multiple ? '(untagged) ×n' : '(untagged)';
  return multiple ? `\`${tag}:i\` ×n` : `\`${tag}\``;
}

function portTable(title: string, ports: PortMap | undefined): string[] {
  const entries = Object.entries(ports ?? {});
  if (entries.length === 0) return [];
  const rows = entries.map(
    ([tag, spec]) =>
      `| ${portLabel(tag, spec.multiple)} | \`${spec.type.name}\` | ${spec.optional || tag === '*' ? 'no' : 'yes'} | ${cell(spec.description ?? '')} |`,
  );
  return [
    `**${title}**`,
    '',
    '| Port | Type | Required | Description |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ];
}

function schemaType(schema: Record<string, any>): string {
  let type = Array.isArray(schema.type) ? schema.type.join(' \\| ') : (schema.type ?? 'any JSON');
  if (schema.enum) type = schema.enum.map((v: unknown) => JSON.stringify(v)).join(' \\| ');
  const limits = [
    schema.minimum !== undefined && `≥ ${schema.minimum}`,
    schema.maximum !== undefined && `≤ ${schema.maximum}`,
    schema.minLength !== undefined && `length ≥ ${schema.minLength}`,
  ].filter(Boolean);
  return limits.length > 0 ? `${type} (${limits.join(', ')})` : type;
}

function optionsTable(options: Record<string, any> | undefined): string[] {
  const properties = Object.entries<Record<string, any>>(options?.properties ?? {});
  if (properties.length === 0) return ['**Options**: none.', ''];
  const required = new Set<string>(options?.required ?? []);
  const rows = properties.map(([name, schema]) => {
    const fallback = required.has(name)
      ? 'required'
      : 'default' in schema
        ? `\`${JSON.stringify(schema.default)}\``
        : '—';
    return `| \`${name}\` | ${schemaType(schema)} | ${fallback} | ${cell(schema.description ?? '')} |`;
  });
  return [
    '**Options**',
    '',
    '| Option | Type | Default | Description |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ];
}

function behaviour(def: AnyCalculatorDefinition): string[] {
  const facts = [
    `input stream handler \`${def.inputStreamHandler ?? 'default'}\``,
    def.timestampOffset !== undefined && `timestamp offset ${def.timestampOffset} (bounds propagate)`,
    def.processTimestampBounds && 'processes timestamp bounds',
    def.scope === 'graph' && 'graph-scoped (opened once per loaded graph)',
    Object.keys(def.inputs ?? {}).length === 0 && 'source (runs until it returns `Stop`)',
  ].filter((f): f is string => typeof f === 'string');
  return [`**Behaviour**: ${facts.join('; ')}.`, ''];
}

/**
 * One `## Name` section of a calculator reference page: summary, the doc comment's prose, port and
 * option tables generated from the contract, and the Example config. Works for any calculator, so
 * other packages can generate their pages the same way.
 */
export function renderCalculatorSection(def: AnyCalculatorDefinition, doc?: CalculatorDocComment): string {
  const example = doc?.example ?? exampleOfDescription(def.description);
  const lines = [
    `## ${def.name}`,
    '',
    summaryOfDescription(def.description),
    '',
    ...(doc?.prose ? [doc.prose, ''] : []),
    ...portTable('Inputs', def.inputs),
    ...portTable('Outputs', def.outputs),
    ...portTable('Input side packets', def.inputSidePackets),
    ...portTable('Output side packets', def.outputSidePackets),
    ...optionsTable(def.options as Record<string, any> | undefined),
    ...behaviour(def),
    ...(example ? ['Example config:', '', '```yaml', example, '```', ''] : []),
  ];
  return lines.join('\n');
}
