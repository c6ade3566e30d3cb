/**
 * What every function's bundle holds, built as serverless-esbuild builds it (the settings of
 * services/serverless.common.yml): every handler of every service in one esbuild run, nothing
 * written, read from esbuild's metafile. Full `zod` (its `classic` API and all 40+ locales) and
 * Powertools' parser (built on full zod) cost each bundle about 410 KB and 25 ms of cold start
 * (issue 17); the schemas are on `zod/mini` with the English locale alone, through
 * `@charter/events/zod`. A service that imports `zod`, `z.locales` or the parser again fails here.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { load } from 'js-yaml';
import { ROOT } from '@charter/local/cloud';
import { serviceDirs } from '../scripts/package-all';

interface EsbuildSettings {
  bundle?: boolean;
  minify?: boolean;
  target?: string;
  platform?: 'node';
}

/**
 * Every `handler: src/handlers/<name>.handler` of a serverless.yml, as its TypeScript entry. A line match, not a YAML
 * load: the files hold CloudFormation tags (!Ref, !GetAtt) that a plain YAML schema refuses, and a handler is always
 * one plain line.
 */
function handlerEntries(serviceKey: string, dir: string): Record<string, string> {
  const yml = readFileSync(join(dir, 'serverless.yml'), 'utf8');
  const entries: Record<string, string> = {};
  for (const [, handler] of yml.matchAll(/^\s+handler:\s*(\S+)\.[A-Za-z_$][\w$]*\s*$/gm)) {
    entries[`${serviceKey}/${handler!.split('/').pop()}`] = join(dir, `${handler}.ts`);
  }
  return entries;
}

const services = serviceDirs();
const entries = Object.fromEntries(services.flatMap(({ key, dir }) => Object.entries(handlerEntries(key, dir))));
/** Each function's bundle: its name (service/handler), the package files esbuild put in it and their bytes in it. */
let bundles: { name: string; inputs: string[]; bytesBySource: Record<string, number> }[] = [];

beforeAll(async () => {
  const common = (
    load(readFileSync(join(ROOT, 'services', 'serverless.common.yml'), 'utf8')) as {
      esbuild: EsbuildSettings;
    }
  ).esbuild;
  const result = await build({
    entryPoints: entries,
    bundle: common.bundle ?? true,
    minify: common.minify ?? true,
    target: common.target ?? 'node22',
    platform: common.platform ?? 'node',
    format: 'cjs',
    outdir: join(ROOT, '.esbuild', 'bundles-test'),
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const outputs: Metafile['outputs'] = result.metafile.outputs;
  bundles = Object.entries(outputs)
    .filter(([file]) => file.endsWith('.js'))
    .map(([file, output]) => ({
      name: relative(join(ROOT, '.esbuild', 'bundles-test'), join(ROOT, file)).replace(/\.js$/, ''),
      inputs: Object.keys(output.inputs),
      bytesBySource: Object.fromEntries(Object.entries(output.inputs).map(([input, i]) => [input, i.bytesInOutput])),
    }));
}, 120_000);

const holding = (pattern: RegExp) =>
  bundles.filter((b) => b.inputs.some((input) => pattern.test(input))).map((b) => b.name);

describe("every function's bundle (serverless-esbuild's settings)", () => {
  it('builds a bundle for every handler of every service', () => {
    expect(services.length).toBeGreaterThanOrEqual(6);
    for (const { key } of services) expect(Object.keys(entries).some((name) => name.startsWith(`${key}/`))).toBe(true);
    expect(bundles.map((b) => b.name).sort()).toEqual(Object.keys(entries).sort());
  });

  it('validates with zod/mini (zod/v4/mini and zod/v4/core), with English messages wherever it is', () => {
    const withMini = holding(/node_modules\/zod\/v4\/mini\//);
    expect(withMini).toEqual(expect.arrayContaining(['bus/intake', 'scc/on-booking-event', 'ops/on-email-event']));
    expect(holding(/node_modules\/zod\/v4\/core\//)).toEqual(expect.arrayContaining(withMini));
  });

  it("holds no full zod: nothing of zod's classic API", () => {
    expect(holding(/node_modules\/zod\/v4\/classic\//)).toEqual([]);
    expect(holding(/node_modules\/zod\/(index|v3\/)/)).toEqual([]);
  });

  it('holds one zod locale, English, never the 40+ of z.locales', () => {
    expect(holding(/node_modules\/zod\/v4\/locales\/(?!en\.js$|index\.js$)/)).toEqual([]);
    expect(holding(/node_modules\/zod\/v4\/locales\/en\.js$/)).toEqual(holding(/node_modules\/zod\/v4\/mini\//));
  });

  it("holds no Powertools parser (its schemas are built on full zod): the bus envelope is shared's", () => {
    expect(holding(/@aws-lambda-powertools\/parser\//)).toEqual([]);
    expect(holding(/shared\/src\/bus-envelope\.ts$/)).toEqual(
      expect.arrayContaining(['scc/on-booking-event', 'ops/on-email-event']),
    );
  });

  it('holds each AWS SDK package once: none from a copy nested under another package (npm overrides)', () => {
    // @aws-sdk/s3-presigned-post pins its own client-s3; without the override, a second one (146 KB minified).
    expect(holding(/node_modules\/.+\/node_modules\/@aws-sdk\//)).toEqual([]);
    expect(holding(/node_modules\/@aws-sdk\/s3-presigned-post\//)).toEqual(
      expect.arrayContaining(['guest-pages/presign', 'guest-pages/on-booking-event']),
    );
  });

  it('holds at most 300 KB beside the AWS SDK (59-265 KB today: libphonenumber, zod/mini, Powertools, ours)', () => {
    // The SDK is each function's floor (npm run bench -- --cold); what is ours to keep small is the rest. A new
    // dependency of a few hundred KB fails here, before anyone runs the bench.
    const sdk = /node_modules\/(@aws-sdk|@smithy|@aws-crypto|@aws\/|tslib|fast-xml-parser|strnum|bowser|uuid)/;
    const beside = bundles.map((b) => ({
      name: b.name,
      kb: Math.round(
        Object.entries(b.bytesBySource)
          .filter(([input]) => !sdk.test(input))
          .reduce((sum, [, bytes]) => sum + bytes, 0) / 1024,
      ),
    }));
    expect(beside.filter((b) => b.kb > 300)).toEqual([]);
    // The measure is real: the scrubber's libphonenumber alone is over 100 KB where it is.
    expect(beside.find((b) => b.name === 'scc/crew-page')!.kb).toBeGreaterThan(100);
  });
});
