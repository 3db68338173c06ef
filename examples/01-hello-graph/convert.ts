import { fileURLToPath } from 'node:url';
import { registerBuiltinCalculators } from '@weft/calculators';
import { CalculatorRegistry, loadGraph } from '@weft/framework';

export interface Conversion {
  readonly timestamp: number;
  readonly fahrenheit: number;
  readonly kelvin: number;
}

/** Runs temperatures.yaml once over `celsius` (one packet per value, timestamps 0, 1, 2...). */
export async function convert(celsius: readonly number[]): Promise<Conversion[]> {
  // A registry of our own: only the built-ins, nothing another module registered.
  const registry = new CalculatorRegistry();
  registerBuiltinCalculators(registry);
  const graph = await loadGraph(fileURLToPath(new URL('./temperatures.yaml', import.meta.url)), { registry });
  try {
    const run = graph.start();
    for (const [timestamp, value] of celsius.entries()) await run.addPacket('celsius', value, timestamp);
    run.closeAllInputs();
    await run.done();
    // Outputs are buffered from the start of the run, so reading them after `done` loses nothing.
    const fahrenheit = new Map<number, number>();
    for await (const p of run.output<number>('fahrenheit')) fahrenheit.set(p.timestamp, p.value);
    const rows: Conversion[] = [];
    for await (const p of run.output<number>('kelvin')) {
      rows.push({ timestamp: p.timestamp, fahrenheit: fahrenheit.get(p.timestamp)!, kelvin: p.value });
    }
    return rows;
  } finally {
    await graph.dispose();
  }
}

// `node --import tsx examples/01-hello-graph/convert.ts 0 25 100`
if (import.meta.url === `file://${process.argv[1]}`) {
  const values = process.argv.slice(2).map(Number);
  for (const row of await convert(values.length > 0 ? values : [0, 25, 100])) {
    console.log(`t=${row.timestamp}: ${row.fahrenheit} °F, ${row.kelvin} K`);
  }
}
