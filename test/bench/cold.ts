/**
 * `npm run bench -- --cold [--runs 7] [--service scc]`: what each function costs at a Lambda cold start, beside the
 * floor of the SDK clients it uses, measured in the same run.
 *
 * For every function of every service: `sls package` (offline, as for a deploy, one zip per function), then from the
 * artifact Lambda would run, the size of its zip and of its handler bundle, and the time `require()` of the bundle
 * takes in a fresh Node process (median of --runs). The floor is a bundle of exactly the `@aws-sdk/client-*` packages
 * the function's code imports (found from esbuild's metafile of its handler), built with the services' esbuild
 * settings, required the same way, in turns with the function's own. Nothing is asserted: the machine is shared and
 * noisy, so the ratio is what to read; the last line says whether the worst ratio and the largest zip meet issue 17's
 * targets.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { load } from 'js-yaml';
import { ROOT } from '@charter/local/cloud';
import { packageService, serviceDirs } from '../../scripts/package-all';

interface LambdaResource {
  Type: string;
  Properties: { FunctionName?: string; Handler: string; Code: { S3Key: string } };
}

export interface ColdRow {
  service: string;
  fn: string;
  zipBytes: number;
  bundleBytes: number;
  requireMs: number;
  /** CPU time (user + system) of the same require(), median: what a loaded machine changes least. */
  requireCpuMs: number;
  clients: string[];
  floorMs: number;
  floorCpuMs: number;
}

const argValue = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** The services' own esbuild settings (services/serverless.common.yml), so the floor is built as they are. */
function serviceBuildOptions(): BuildOptions {
  const common = load(readFileSync(join(ROOT, 'services', 'serverless.common.yml'), 'utf8')) as {
    esbuild: { minify?: boolean; target?: string; platform?: 'node' };
  };
  return {
    bundle: true,
    minify: common.esbuild.minify ?? false,
    target: common.esbuild.target ?? 'node22',
    platform: common.esbuild.platform ?? 'node',
    format: 'cjs',
    logLevel: 'silent',
  };
}

/** Milliseconds `require(file)` takes in a fresh process: wall-clock, and CPU time (user + system). */
function requireOnce(file: string): { wall: number; cpu: number } {
  const script =
    `const c=process.cpuUsage(),t=performance.now();require(${JSON.stringify(file)});` +
    'const w=performance.now()-t,u=process.cpuUsage(c);process.stdout.write(w+" "+(u.user+u.system)/1000)';
  const out = execFileSync(process.execPath, ['-e', script], {
    env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', NODE_OPTIONS: '' },
    encoding: 'utf8',
    // The SDK's NodeVersionSupportWarning on Node 20, once per process: not what this measures.
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [wall, cpu] = out.split(' ').map(Number);
  return { wall: wall!, cpu: cpu! };
}

type RequireTimes = Pick<ColdRow, 'requireMs' | 'requireCpuMs' | 'floorMs' | 'floorCpuMs'>;

/**
 * The medians of `runs` fresh-process require() times of a bundle and of its floor, taken in turns: the machine is
 * shared, and a floor timed minutes apart from its bundle would put the load's changes into the ratio. CPU time is
 * kept too: on a loaded machine the wall-clock time is mostly waiting for a core.
 */
function pairedRequireTimes(bundle: string, floor: string, runs: number): RequireTimes {
  const ofBundle: Array<{ wall: number; cpu: number }> = [];
  const ofFloor: Array<{ wall: number; cpu: number }> = [];
  for (let i = 0; i < runs; i++) {
    ofBundle.push(requireOnce(bundle));
    ofFloor.push(requireOnce(floor));
  }
  return {
    requireMs: median(ofBundle.map((t) => t.wall)),
    requireCpuMs: median(ofBundle.map((t) => t.cpu)),
    floorMs: median(ofFloor.map((t) => t.wall)),
    floorCpuMs: median(ofFloor.map((t) => t.cpu)),
  };
}

/** The `@aws-sdk/client-*` packages a handler's source pulls in, from esbuild's metafile. */
async function sdkClientsOf(serviceDir: string, handlerPath: string, options: BuildOptions): Promise<string[]> {
  const result = await build({
    ...options,
    entryPoints: [join(serviceDir, `${handlerPath}.ts`)],
    write: false,
    metafile: true,
    outfile: 'out.js',
  });
  const clients = new Set<string>();
  for (const input of Object.keys(result.metafile.inputs)) {
    const match = /node_modules\/@aws-sdk\/(client-[a-z0-9-]+)\//.exec(input);
    if (match) clients.add(`@aws-sdk/${match[1]}`);
  }
  return [...clients].sort();
}

/** A bundle of exactly these clients (whole packages), built with the services' settings, once per set. */
async function floorBundle(clients: string[], dir: string, options: BuildOptions): Promise<string> {
  const file = join(dir, `floor-${clients.map((c) => c.replace('@aws-sdk/client-', '')).join('+') || 'none'}.js`);
  if (!existsSync(file)) {
    await build({
      ...options,
      stdin: { contents: clients.map((c) => `export * from '${c}';`).join('\n'), resolveDir: ROOT, loader: 'ts' },
      outfile: file,
    });
  }
  return file;
}

function unzip(zip: string, into: string): void {
  mkdirSync(into, { recursive: true });
  try {
    execFileSync('unzip', ['-q', '-o', zip, '-d', into]);
  } catch {
    // No unzip on the machine: Python's zipfile module does the same.
    execFileSync('python3', ['-m', 'zipfile', '-e', zip, into]);
  }
}

export async function measureColdStarts(options: { runs: number; only?: string }): Promise<ColdRow[]> {
  const work = mkdtempSync(join(tmpdir(), 'charter-cold-'));
  const buildOptions = serviceBuildOptions();
  const rows: ColdRow[] = [];
  try {
    for (const { key, dir } of serviceDirs()) {
      if (options.only && options.only !== key) continue;
      const outDir = join(work, key);
      const template = JSON.parse(readFileSync(await packageService(dir, 'ci', outDir), 'utf8')) as {
        Resources: Record<string, LambdaResource>;
      };
      const functions = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
      for (const [logicalId, resource] of functions) {
        const zipName = resource.Properties.Code.S3Key.split('/').pop()!;
        const zipPath = join(outDir, zipName);
        const unpacked = join(outDir, 'unpacked', zipName.replace(/\.zip$/, ''));
        if (!existsSync(unpacked)) unzip(zipPath, unpacked);
        const handlerPath = resource.Properties.Handler.replace(/\.[^.]+$/, '');
        const bundle = join(unpacked, `${handlerPath}.js`);
        const clients = await sdkClientsOf(dir, handlerPath, buildOptions);
        const floor = await floorBundle(clients, work, buildOptions);
        rows.push({
          service: key,
          fn: (resource.Properties.FunctionName ?? logicalId).replace(/^charter-[a-z-]+?-ci-/, ''),
          zipBytes: statSync(zipPath).size,
          bundleBytes: statSync(bundle).size,
          clients,
          ...pairedRequireTimes(bundle, floor, options.runs),
        });
      }
    }
    return rows;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

/** Issue 17's targets: every function's require() within 1.3x of its floor, every function's zip under 400 KB. */
export const TARGET_RATIO = 1.3;
export const TARGET_ZIP_BYTES = 400 * 1024;

const ratio = (r: ColdRow) => r.requireMs / r.floorMs;
const cpuRatio = (r: ColdRow) => r.requireCpuMs / r.floorCpuMs;

export function printColdTable(rows: ColdRow[], runs: number): void {
  console.log(`\ncold start: require() of each function's bundle, median of ${runs} fresh processes`);
  console.log(
    `(${new Date().toISOString()}, node ${process.version}); floor: the same @aws-sdk/client-* packages alone`,
  );
  const header = ['function', 'zip', 'bundle', 'require', 'floor', 'ratio', 'cpu ratio', 'over target', 'SDK clients'];
  const lines = rows.map((r) => [
    `${r.service}/${r.fn}`,
    kb(r.zipBytes),
    kb(r.bundleBytes),
    `${r.requireMs.toFixed(1)} ms`,
    `${r.floorMs.toFixed(1)} ms`,
    `${ratio(r).toFixed(2)}x`,
    `${cpuRatio(r).toFixed(2)}x`,
    [ratio(r) > TARGET_RATIO ? 'ratio' : '', r.zipBytes >= TARGET_ZIP_BYTES ? 'zip' : ''].filter(Boolean).join(', ') ||
      '-',
    r.clients.map((c) => c.replace('@aws-sdk/client-', '')).join(', '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]) =>
    cells.map((c, i) => (i === 0 || i === 8 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(format(header));
  for (const line of lines) console.log(format(line));
  const worstBy = (of: (r: ColdRow) => number) => rows.reduce((a, b) => (of(b) > of(a) ? b : a));
  const worst = worstBy(ratio);
  const worstCpu = worstBy(cpuRatio);
  const largest = worstBy((r) => r.zipBytes);
  const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
  const name = (r: ColdRow) => `${r.service}/${r.fn}`;
  console.log(
    `worst ratio ${ratio(worst).toFixed(2)}x (${name(worst)}), target <= ${TARGET_RATIO}x: ` +
      `${verdict(ratio(worst) <= TARGET_RATIO)}; worst cpu ratio ${cpuRatio(worstCpu).toFixed(2)}x ` +
      `(${name(worstCpu)}); largest zip ${kb(largest.zipBytes)} (${name(largest)}), target < ` +
      `${kb(TARGET_ZIP_BYTES)}: ${verdict(largest.zipBytes < TARGET_ZIP_BYTES)}`,
  );
}

export async function runColdBench(): Promise<void> {
  const runs = Number(argValue('--runs') ?? 7);
  const rows = await measureColdStarts({ runs, ...(argValue('--service') ? { only: argValue('--service') } : {}) });
  printColdTable(rows, runs);
  const out = argValue('--json');
  if (out) writeFileSync(out, JSON.stringify(rows, null, 2));
}
