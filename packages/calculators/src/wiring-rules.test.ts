import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CalculatorRegistry, graphCommand } from '@weft/framework';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { builtinCalculators, registerBuiltinCalculators } from './index.js';

const registry = new CalculatorRegistry();
registerBuiltinCalculators(registry);

/**
 * Every wiring and option rule of a built-in calculator lives in its contract (`validatePorts`,
 * `validateOptions`), so `weft graph check` rejects a graph that breaks one before any run, with
 * FILE:LINE:COL (MediaPipe checks them in GetContract, never in Open). One graph per rule; each
 * expected line is exactly what `graph check` prints.
 */
const rules: readonly { calculator: string; rule: string; nodes: string; expected: string }[] = [
  // GateCalculatorTest.InvalidInputs: every pair of ALLOW / DISALLOW controls is refused.
  {
    calculator: 'GateCalculator',
    rule: 'ALLOW and DISALLOW streams',
    nodes: `
  - calculator: GateCalculator
    input_stream: [test_input, ALLOW:gating_stream, DISALLOW:gating_stream]
    output_stream: [test_output]`,
    expected: `5:53 error WEFT_ERR_PORT_RULE node "GateCalculator_1" (GateCalculator): is controlled by ALLOW stream and DISALLOW stream; connect at most one of ALLOW / DISALLOW (stream or side packet)`,
  },
  {
    calculator: 'GateCalculator',
    rule: 'ALLOW and DISALLOW side packets',
    nodes: `
  - calculator: GateCalculator
    input_stream: [test_input]
    input_side_packet: [ALLOW:gating, DISALLOW:gating]
    output_stream: [test_output]`,
    expected: `7:39 error WEFT_ERR_PORT_RULE node "GateCalculator_1" (GateCalculator): is controlled by ALLOW side packet and DISALLOW side packet; connect at most one of ALLOW / DISALLOW (stream or side packet)`,
  },
  {
    calculator: 'GateCalculator',
    rule: 'an ALLOW stream and an ALLOW side packet',
    nodes: `
  - calculator: GateCalculator
    input_stream: [test_input, ALLOW:gating_stream]
    input_side_packet: [ALLOW:gating]
    output_stream: [test_output]`,
    expected: `7:25 error WEFT_ERR_PORT_RULE node "GateCalculator_1" (GateCalculator): is controlled by ALLOW stream and ALLOW side packet; connect at most one of ALLOW / DISALLOW (stream or side packet)`,
  },
  {
    calculator: 'GateCalculator',
    rule: 'a DISALLOW stream and an ALLOW side packet',
    nodes: `
  - calculator: GateCalculator
    input_stream: [test_input, DISALLOW:gating_stream]
    input_side_packet: [ALLOW:gating]
    output_stream: [test_output]`,
    expected: `7:25 error WEFT_ERR_PORT_RULE node "GateCalculator_1" (GateCalculator): is controlled by DISALLOW stream and ALLOW side packet; connect at most one of ALLOW / DISALLOW (stream or side packet)`,
  },
  {
    calculator: 'GateCalculator',
    rule: 'one output per data input',
    nodes: `
  - calculator: GateCalculator
    input_stream: [a, b, ALLOW:open]
    output_stream: [a_out]`,
    expected: `5:23 error WEFT_ERR_PORT_RULE node "GateCalculator_1" (GateCalculator): has 2 untagged input stream(s) but 1 untagged output stream(s); untagged input i is forwarded to untagged output i, so list 2 outputs`,
  },
  {
    calculator: 'GateCalculator',
    rule: 'at least one input stream',
    nodes: `
  - calculator: GateCalculator
    input_side_packet: [ALLOW:gating]
    output_stream: [STATE_CHANGE:changes]`,
    expected: `4:5 error WEFT_ERR_PORT_RULE node "GateCalculator_1" (GateCalculator): connects no input_stream; connect the streams to gate (and ALLOW/DISALLOW, if a stream)`,
  },
  {
    calculator: 'PacketClonerCalculator',
    rule: 'one output per data input (TICK tagged)',
    nodes: `
  - calculator: PacketClonerCalculator
    input_stream: [a, TICK:tick]
    output_stream: [a_out, b_out]`,
    expected: `6:28 error WEFT_ERR_PORT_RULE node "PacketClonerCalculator_1" (PacketClonerCalculator): has 1 untagged input stream(s) but 2 untagged output stream(s); untagged input i is forwarded to untagged output i, so list one output`,
  },
  {
    calculator: 'PacketClonerCalculator',
    rule: 'one output per data input (the last untagged input is the tick)',
    nodes: `
  - calculator: PacketClonerCalculator
    input_stream: [a, tick]
    output_stream: [a_out, tick_out]`,
    expected: `6:28 error WEFT_ERR_PORT_RULE node "PacketClonerCalculator_1" (PacketClonerCalculator): has 2 untagged input stream(s) but 2 untagged output stream(s); untagged input i is forwarded to untagged output i, so list one output (the last untagged input is the tick and has no output)`,
  },
  {
    calculator: 'PacketClonerCalculator',
    rule: 'a tick is connected',
    nodes: `
  - calculator: PacketClonerCalculator
    output_stream: [a_out]`,
    expected: `3:5 error WEFT_ERR_PORT_RULE node "PacketClonerCalculator_1" (PacketClonerCalculator): has no tick: connect a TICK input (or untagged inputs, the last of which is the tick)`,
  },
  {
    calculator: 'FlowLimiterCalculator',
    rule: 'one output per input',
    nodes: `
  - calculator: FlowLimiterCalculator
    input_stream: [frames, meta, FINISHED:done]
    input_stream_info: [{ tag_index: FINISHED, back_edge: true }]
    output_stream: [frames_out]`,
    expected: `5:28 error WEFT_ERR_PORT_RULE node "FlowLimiterCalculator_1" (FlowLimiterCalculator): has 2 untagged input stream(s) but 1 untagged output stream(s); untagged input i is forwarded to untagged output i, so list 2 outputs`,
  },
  {
    calculator: 'BeginLoopCalculator',
    rule: 'one CLONE output per CLONE input',
    nodes: `
  - calculator: BeginLoopCalculator
    input_stream: [ITERABLE:ints, CLONE:0:x, CLONE:1:y]
    output_stream: [ITEM:int, BATCH_END:end, CLONE:x_out]`,
    expected: `5:46 error WEFT_ERR_PORT_RULE node "BeginLoopCalculator_1" (BeginLoopCalculator): has 2 CLONE input stream(s) but 1 CLONE output stream(s); CLONE input i is forwarded to CLONE output i, so list 2 outputs`,
  },
  {
    calculator: 'MuxCalculator',
    rule: 'not both SELECT stream and side packet',
    nodes: `
  - calculator: MuxCalculator
    input_stream: [SELECT:select, INPUT:0:a, INPUT:1:b]
    input_side_packet: [SELECT:fixed]
    output_stream: [OUTPUT:out]`,
    expected: `7:25 error WEFT_ERR_PORT_RULE node "MuxCalculator_1" (MuxCalculator): has both a SELECT stream and a SELECT side packet; connect exactly one`,
  },
  {
    calculator: 'MuxCalculator',
    rule: 'a SELECT stream or side packet',
    nodes: `
  - calculator: MuxCalculator
    input_stream: [INPUT:0:a, INPUT:1:b]
    output_stream: [OUTPUT:out]`,
    expected: `4:5 error WEFT_ERR_PORT_RULE node "MuxCalculator_1" (MuxCalculator): has neither a SELECT stream nor a SELECT side packet; connect exactly one, e.g. input_stream: [SELECT:route, ...]`,
  },
  {
    calculator: 'SidePacketToStreamCalculator',
    rule: 'exactly one output tag',
    nodes: `
  - calculator: SidePacketToStreamCalculator
    input_side_packet: [a, b]
    output_stream: [AT_ZERO:x, AT_POSTSTREAM:y]`,
    expected: `6:21 error WEFT_ERR_PORT_RULE node "SidePacketToStreamCalculator_1" (SidePacketToStreamCalculator): uses output tags [AT_POSTSTREAM, AT_ZERO]; use exactly one of AT_PRESTREAM, AT_POSTSTREAM, AT_ZERO, AT_TIMESTAMP, AT_TICK, AT_FIRST_TICK, e.g. output_stream: [AT_ZERO:value_stream]`,
  },
  {
    calculator: 'SidePacketToStreamCalculator',
    rule: 'AT_TICK needs TICK',
    nodes: `
  - calculator: SidePacketToStreamCalculator
    input_side_packet: [a]
    output_stream: [AT_TICK:x]`,
    expected: `4:5 error WEFT_ERR_PORT_RULE node "SidePacketToStreamCalculator_1" (SidePacketToStreamCalculator): uses AT_TICK without a TICK input; connect TICK`,
  },
  {
    calculator: 'SidePacketToStreamCalculator',
    rule: 'TICK only for the tick modes',
    nodes: `
  - calculator: SidePacketToStreamCalculator
    input_stream: [TICK:tick]
    input_side_packet: [a]
    output_stream: [AT_ZERO:x]`,
    expected: `6:20 error WEFT_ERR_PORT_RULE node "SidePacketToStreamCalculator_1" (SidePacketToStreamCalculator): has a TICK input but uses AT_ZERO; TICK is only for AT_TICK and AT_FIRST_TICK`,
  },
  {
    calculator: 'SidePacketToStreamCalculator',
    rule: 'AT_TIMESTAMP needs TIMESTAMP',
    nodes: `
  - calculator: SidePacketToStreamCalculator
    input_side_packet: [a]
    output_stream: [AT_TIMESTAMP:x]`,
    expected: `4:5 error WEFT_ERR_PORT_RULE node "SidePacketToStreamCalculator_1" (SidePacketToStreamCalculator): uses AT_TIMESTAMP without a TIMESTAMP side packet; add input_side_packet TIMESTAMP:a_name`,
  },
  {
    calculator: 'SidePacketToStreamCalculator',
    rule: 'TIMESTAMP only for AT_TIMESTAMP',
    nodes: `
  - calculator: SidePacketToStreamCalculator
    input_side_packet: [a, TIMESTAMP:ts]
    output_stream: [AT_ZERO:x]`,
    expected: `5:28 error WEFT_ERR_PORT_RULE node "SidePacketToStreamCalculator_1" (SidePacketToStreamCalculator): has a TIMESTAMP side packet but uses AT_ZERO; TIMESTAMP is only for AT_TIMESTAMP`,
  },
  {
    calculator: 'SidePacketToStreamCalculator',
    rule: 'one output per side packet',
    nodes: `
  - calculator: SidePacketToStreamCalculator
    input_side_packet: [a, b]
    output_stream: [AT_ZERO:x]`,
    expected: `4:5 error WEFT_ERR_PORT_RULE node "SidePacketToStreamCalculator_1" (SidePacketToStreamCalculator): has 2 untagged input side packet(s) but 1 AT_ZERO output(s); side packet i goes to output i, so give one output per side packet`,
  },
  {
    calculator: 'MapCalculator',
    rule: 'the function is registered',
    nodes: `
  - calculator: MapCalculator
    input_stream: [in]
    output_stream: [out]
    options: { function: to_strin }`,
    expected: `7:26 error WEFT_ERR_INVALID_OPTIONS options of node "MapCalculator_1" (MapCalculator): function "to_strin" is not registered (did you mean "to_string"?); register it with registerMapFunction("to_strin", fn) in a module listed under \`calculators:\`. Registered: add, get, identity, length, multiply, parse_json, to_lower, to_string, to_upper, trim`,
  },
  {
    calculator: 'ConstantSidePacketCalculator',
    rule: 'one value per PACKET output side packet',
    nodes: `
  - calculator: ConstantSidePacketCalculator
    output_side_packet: [PACKET:0:unused, PACKET:1:route]
    options: { values: [0] }`,
    expected: `5:24 error WEFT_ERR_INVALID_OPTIONS options of node "ConstantSidePacketCalculator_1" (ConstantSidePacketCalculator): values has 1 value(s) for 2 PACKET output side packet(s); give one value per PACKET:i, in index order`,
  },
  {
    calculator: 'PassThroughCalculator',
    rule: 'an input per output',
    nodes: `
  - calculator: PassThroughCalculator
    input_stream: [a]
    output_stream: [a_out, AUDIO:b_out]`,
    expected: `6:28 error WEFT_ERR_PORT_RULE node "PassThroughCalculator_1" (PassThroughCalculator): output_stream "AUDIO:b_out" has no input_stream with the same tag and index; it would never receive anything (remove it, or add an input_stream "AUDIO:a_stream")`,
  },
  {
    calculator: 'PassThroughCalculator',
    rule: 'at least one input',
    nodes: `
  - calculator: PassThroughCalculator
    input_side_packet: [s]
    output_side_packet: [s_out]`,
    expected: `4:5 error WEFT_ERR_PORT_RULE node "PassThroughCalculator_1" (PassThroughCalculator): connects no input_stream; PassThroughCalculator forwards streams, connect at least one`,
  },
];

/** The stream or side packet names of the nodes' `field: [...]` lists (`TAG:i:name` → `name`). */
function namesIn(nodes: string, field: string): string[] {
  const lists = [...nodes.matchAll(new RegExp(`${field}: \\[(.*)\\]`, 'g'))].map((m) => m[1]!);
  const names = lists.flatMap((list) => list.split(',').map((port) => port.trim().split(':').at(-1)!));
  return [...new Set(names)];
}

/** The nodes in a graph whose inputs are graph inputs, so the rule under test is the only problem. */
function graphOf(nodes: string): string {
  const streams = namesIn(nodes, 'input_stream');
  const sides = namesIn(nodes, 'input_side_packet');
  return [
    'name: rule',
    ...(streams.length > 0 ? [`input_stream: [${streams.join(', ')}]`] : []),
    ...(sides.length > 0 ? [`input_side_packet: [${sides.join(', ')}]`] : []),
    `nodes:${nodes}`,
    '',
  ].join('\n');
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weft-rules-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function check(text: string): Promise<{ code: number; out: string }> {
  const file = join(dir, 'rule.yaml');
  await writeFile(file, text);
  let out = '';
  const code = await graphCommand(
    ['check', 'rule.yaml'],
    { cwd: dir, stdout: (t) => (out += t), stderr: (t) => (out += t) },
    registry,
  );
  return { code, out };
}

describe('every wiring and option rule of a built-in calculator is checked by `weft graph check`', () => {
  test.each(rules)('$calculator: $rule', async ({ nodes, expected }) => {
    const text = graphOf(nodes);
    const { code, out } = await check(text);
    expect(out, text).toBe(`rule.yaml:${expected}\n`);
    expect(code).toBe(1);
  });

  test('every built-in calculator with a contract rule has a graph here that breaks it', () => {
    const withRules = builtinCalculators
      .filter((def) => def.validatePorts !== undefined || def.validateOptions !== undefined)
      .map((def) => def.name);
    const covered = new Set(rules.map((r) => r.calculator));
    expect(withRules.filter((name) => !covered.has(name))).toEqual([]);
    expect([...covered].filter((name) => !withRules.includes(name))).toEqual([]);
  });
});
