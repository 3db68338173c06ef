import { parentPort, workerData } from 'node:worker_threads';
import { LineCounter, parseDocument } from 'yaml';
import { syntaxError } from './yaml-source.js';

// Parses one text as YamlSource.parse does and reports its first syntax errors (see parseAsync).
const { text, max } = workerData as { text: string; max: number };
const lines = new LineCounter();
const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
const errors = doc.errors.slice(0, max).map((e) => syntaxError(e, lines));
parentPort!.postMessage({ errors, count: doc.errors.length });
