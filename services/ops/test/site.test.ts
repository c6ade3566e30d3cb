/**
 * The console's static site: the page loads nothing the CSP (OpsSiteHeadersPolicy: script-src 'self', style-src
 * 'self') would block and nothing the deploy does not upload, and the deploy plugin puts exactly those files.
 * The page in a browser, through the local distribution, is test/browser/ops-console.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readYaml } from '@charter/local/definitions';

const SERVICE_DIR = join(__dirname, '..');
// Typed here as far as the test uses it.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain CommonJS, as Serverless loads it
const SiteUploads = require('../../serverless/site-uploads.js') as new (
  serverless: FakeServerless,
  options: object,
  utils: { log: { notice: (message: string) => void } },
) => { hooks: Record<string, () => unknown> };

interface SiteUpload {
  bucket: string;
  cacheControl: string;
  files: Array<{ key: string; file: string; contentType: string }>;
}
interface FakeServerless {
  serviceDir: string;
  service: { custom: { siteUploads: unknown } };
  classes: { Error: typeof Error };
  getProvider: () => {
    request: (service: string, method: string, params: Record<string, unknown>) => Promise<unknown>;
  };
}

const definition = readYaml(join(SERVICE_DIR, 'serverless.yml')) as { custom: { siteUploads: SiteUpload[] } };
const [site] = definition.custom.siteUploads;
const read = (file: string) => readFileSync(join(SERVICE_DIR, file), 'utf8');
const page = read('site/console.html');
const script = read('site/console.js');

describe("the console's files", () => {
  it('are three: the page at /console, its script and its style', () => {
    expect(definition.custom.siteUploads).toHaveLength(1);
    expect(site!.files.map((f) => [f.key, f.contentType])).toEqual([
      ['console', 'text/html; charset=utf-8'],
      ['console.js', 'text/javascript; charset=utf-8'],
      ['console.css', 'text/css; charset=utf-8'],
    ]);
  });

  it('load only what the site serves: no inline script, style, handler, and nothing from elsewhere', () => {
    const references = [...page.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
    const own = references.filter((r) => !r.startsWith('data:'));
    expect(own.sort()).toEqual(['/console.css', '/console.js']);
    for (const path of own) expect(site!.files.map((f) => `/${f.key}`)).toContain(path);
    // script-src 'self' and style-src 'self' refuse inline code and style attributes: none may be relied on.
    expect(page).not.toMatch(/<script>|<style|\sstyle=|\son[a-z]+=/i);
    expect(page).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
  });

  it('build no markup from data, and keep the token in this tab only', () => {
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
    expect(script).toContain('sessionStorage');
    expect(script).not.toContain('localStorage');
  });
});

describe('serverless/site-uploads.js (the deploy step)', () => {
  const calls: Array<[string, string, Record<string, unknown>]> = [];
  const logged: string[] = [];
  let answer: (method: string, params: Record<string, unknown>) => Promise<unknown> = () => Promise.resolve({});
  const plugin = (uploads: unknown) =>
    new SiteUploads(
      {
        serviceDir: SERVICE_DIR,
        service: { custom: { siteUploads: uploads } },
        classes: { Error },
        getProvider: () => ({
          request: (service, method, params) => {
            calls.push([service, method, params]);
            return answer(method, params);
          },
        }),
      },
      {},
      { log: { notice: (message) => logged.push(message) } },
    );
  const withBucket = [{ ...site!, bucket: 'charter-ops-site-test' }];
  beforeEach(() => {
    calls.length = 0;
    logged.length = 0;
    answer = () => Promise.resolve({});
  });

  it('puts each file after a deploy with its content type and Cache-Control, byte for byte', async () => {
    await plugin(withBucket).hooks['after:deploy:deploy']!();
    expect(
      calls.map(([service, method, p]) => [service, method, p.Bucket, p.Key, p.ContentType, p.CacheControl]),
    ).toEqual(site!.files.map((f) => ['S3', 'putObject', 'charter-ops-site-test', f.key, f.contentType, 'no-cache']));
    for (const [, , params] of calls) {
      const file = site!.files.find((f) => f.key === params.Key)!;
      expect((params.Body as Buffer).equals(readFileSync(join(SERVICE_DIR, file.file)))).toBe(true);
    }
    expect(logged).toEqual(['site: 3 file(s) in s3://charter-ops-site-test (console, console.js, console.css)']);
  });

  it('fails every command (sls package too) on a file that is not there, naming it', () => {
    const missing = [{ ...withBucket[0]!, files: [{ key: 'x', file: 'site/nope.html', contentType: 'text/html' }] }];
    expect(() => plugin(missing).hooks.initialize!()).toThrow(
      'custom.siteUploads: site/nope.html (for s3://charter-ops-site-test/x) does not exist',
    );
    expect(() => plugin([{ files: [] }]).hooks.initialize!()).toThrow('custom.siteUploads: entry 0 has no bucket');
    expect(calls).toEqual([]);
  });

  it('empties the whole bucket, page by page, before `sls remove` (a bucket holding objects stays)', async () => {
    // Two pages: today's files and one an earlier deploy left (since renamed).
    const pages: Record<string, unknown> = {
      first: { Contents: [{ Key: 'console' }, { Key: 'console.js' }], IsTruncated: true, NextContinuationToken: 'p2' },
      p2: { Contents: [{ Key: 'old-console.js' }], IsTruncated: false },
    };
    answer = (method, params) =>
      Promise.resolve(method === 'listObjectsV2' ? pages[(params.ContinuationToken as string) ?? 'first'] : {});
    await plugin(withBucket).hooks['before:remove:remove']!();
    expect(calls.map(([, method, p]) => [method, p.ContinuationToken ?? (p.Delete as object | undefined)])).toEqual([
      ['listObjectsV2', undefined],
      ['deleteObjects', { Objects: [{ Key: 'console' }, { Key: 'console.js' }], Quiet: true }],
      ['listObjectsV2', 'p2'],
      ['deleteObjects', { Objects: [{ Key: 'old-console.js' }], Quiet: true }],
    ]);
  });

  it('stops `sls remove` on an object S3 would not delete, and on any error but a missing bucket', async () => {
    answer = (method) =>
      Promise.resolve(
        method === 'listObjectsV2'
          ? { Contents: [{ Key: 'console' }], IsTruncated: false }
          : { Errors: [{ Key: 'console', Code: 'AccessDenied', Message: 'Access Denied' }] },
      );
    await expect(plugin(withBucket).hooks['before:remove:remove']!()).rejects.toThrow(
      'site: 1 object(s) of s3://charter-ops-site-test not deleted (console: AccessDenied Access Denied)',
    );
    // A stage never deployed has no bucket: nothing to empty.
    answer = () => Promise.reject(Object.assign(new Error('gone'), { providerError: { code: 'NoSuchBucket' } }));
    await expect(plugin(withBucket).hooks['before:remove:remove']!()).resolves.toBeUndefined();
    answer = () => Promise.reject(Object.assign(new Error('denied'), { providerError: { code: 'AccessDenied' } }));
    await expect(plugin(withBucket).hooks['before:remove:remove']!()).rejects.toThrow('denied');
  });
});
