import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responderGraphYaml, responderModule } from './fixtures/responder.js';
import { postJson, sseData } from './helpers/test-server.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weft-serve-cli-'));
  await writeFile(join(dir, 'slow.yaml'), responderGraphYaml({ name: 'slow', tokenDelayMs: 80 }));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** `weft serve` from source (tsx, @weft/* mapped to src by tsconfig paths) as a real child process. */
function serve(args: string[], env: Record<string, string> = {}) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'packages/server/src/cli/bin.ts', 'serve', ...args],
    {
      cwd: repo,
      env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.check.json', ...env },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = new Promise<string>((resolve, reject) => {
    const check = () => {
      const m = /^listening on (http:\/\/\S+)\n/.exec(stdout);
      if (m) resolve(m[1]!);
    };
    child.stdout.on('data', check);
    void exited.then((code) => reject(new Error(`weft serve exited with ${code}: ${stderr}`)));
  });
  return { child, listening, exited, out: () => stdout, err: () => stderr };
}

const kill = (child: ChildProcessWithoutNullStreams) => {
  if (child.exitCode === null) child.kill('SIGKILL');
};

describe('weft serve (child process)', () => {
  it('prints exactly the listening line, serves, and on SIGTERM lets a running stream finish, then exits 0', async () => {
    const s = serve(
      ['--graphs', dir, '--allow-modules', dirname(responderModule), '--port', '0', '--grace-ms', '5000'],
      { WEFT_API_KEY: 'sk-cli' },
    );
    try {
      const url = await s.listening;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(Number(new URL(url).port)).toBeGreaterThan(0);
      const unauthorized = await postJson(`${url}/v3/completions`, { model: 'slow', prompt: 'x' });
      expect(unauthorized.status).toBe(401);
      const res = await fetch(`${url}/v3/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-cli' },
        body: JSON.stringify({ model: 'slow', prompt: 'a b c d e', stream: true }),
      });
      // SIGTERM once the stream is known to be running, then read the rest of it.
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      while (!text.includes('data: ')) text += decoder.decode((await reader.read()).value);
      s.child.kill('SIGTERM');
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
        text += decoder.decode(chunk.value);
      const data = sseData(text);
      expect(data.at(-1)).toBe('[DONE]');
      expect(
        data
          .slice(0, -1)
          .map((d) => JSON.parse(d).choices[0].text)
          .join(''),
      ).toBe('you said: a b c d e');
      expect(await s.exited).toBe(0);
      expect(s.out()).toBe(`listening on ${url}\n`);
      const lines = s
        .err()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.some((l) => l.msg === 'request' && l.status === 200 && l.model === 'slow')).toBe(true);
      expect(lines.at(-1)?.msg).toBe('stopped');
    } finally {
      kill(s.child);
    }
  });
});
