import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { mapStackTrace, readSourceMap } from '../scripts/stack-trace';

describe('npm run stack-trace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'charter-trace-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("maps a minified bundle's frames to the source line that threw, with the map kept beside the zip", () => {
    const source = join(dir, 'handler.ts');
    writeFileSync(
      source,
      [
        'export function handler(input: { value?: number }): number {',
        '  const doubled = (input.value ?? 0) * 2;',
        "  if (doubled > 10) throw new Error('too big');",
        '  return doubled;',
        '}',
        'handler({ value: 6 });',
      ].join('\n'),
    );
    // As the services build: minified, a .map beside the bundle and no sourceMappingURL in it.
    const bundle = join(dir, 'handler.js');
    buildSync({ entryPoints: [source], outfile: bundle, bundle: true, minify: true, sourcemap: 'external' });
    let trace = '';
    try {
      execFileSync(process.execPath, [bundle], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      trace = (error as { stderr: string }).stderr;
    }
    expect(trace).toMatch(/handler\.js:1:\d+/);
    const mapped = mapStackTrace(trace, readSourceMap(`${bundle}.map`), 'handler.js');
    expect(mapped).toMatch(/handler\.ts:3:\d+/);
    expect(mapped).not.toMatch(/handler\.js:1:\d+/);
    expect(mapped).toContain('too big');
  });
});
