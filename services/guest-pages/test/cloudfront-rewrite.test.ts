import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { SLUG_PATTERN } from '@charter/events';
import fc from 'fast-check';

/**
 * The viewer-request function exactly as CloudFront runs it: the file's text evaluated in a bare
 * context (cloudfront-js-2.0 has no require, process or module), its top-level `handler` called
 * with a viewer-request event.
 */
const FILE = join(__dirname, '..', 'src', 'cloudfront', 'rewrite.js');
const code = readFileSync(FILE, 'utf8');

type Request = {
  method: string;
  uri: string;
  querystring: Record<string, unknown>;
  headers: Record<string, unknown>;
  cookies: Record<string, unknown>;
};
const handler = vm.runInNewContext(`${code}\n;handler`, vm.createContext(), { filename: 'rewrite.js' }) as (
  event: unknown,
) => Request;

function viewerRequest(uri: string) {
  return {
    version: '1.0',
    context: {
      distributionDomainName: 'd111111abcdef8.cloudfront.net',
      distributionId: 'EDFDVBD6EXAMPLE',
      eventType: 'viewer-request',
      requestId: 'r-1',
    },
    viewer: { ip: '198.51.100.7' },
    request: {
      method: 'GET',
      uri,
      querystring: { utm: { value: 'x' } },
      headers: { host: { value: 'guests.example.com' } },
      cookies: {},
    },
  };
}

const SLUG = 'Q2hhcnRlclNsdWdFeGFtcGxl';

describe('the guest site CloudFront Function (viewer request)', () => {
  it('rewrites /g/<slug> to the stored page /g/<slug>.html', () => {
    expect(handler(viewerRequest(`/g/${SLUG}`)).uri).toBe(`/g/${SLUG}.html`);
  });

  it('rewrites /g/<slug>/ (trailing slash) to the same page', () => {
    expect(handler(viewerRequest(`/g/${SLUG}/`)).uri).toBe(`/g/${SLUG}.html`);
  });

  it('accepts every URL-safe slug character and the slug lengths the contract allows (16-64)', () => {
    const edgy = 'aZ09_-aZ09_-aZ09';
    expect(handler(viewerRequest(`/g/${edgy}`)).uri).toBe(`/g/${edgy}.html`);
    const longest = 'x'.repeat(64);
    expect(handler(viewerRequest(`/g/${longest}`)).uri).toBe(`/g/${longest}.html`);
  });

  it('rewrites exactly the slugs the contract allows: its pattern is a copy of SLUG_PATTERN', () => {
    expect(code).toContain(`/^\\/g\\/(${SLUG_PATTERN.source.slice(1, -1)})\\/?$/`);
    const text = (chars: string) =>
      fc.string({ unit: fc.constantFrom(...chars), minLength: 12, maxLength: 70, size: 'max' });
    // About half slug characters only (some too short or too long), half with characters a slug never has.
    const candidate = fc.oneof(text('aZ09_-'), text('aZ09_-.%~+'));
    fc.assert(
      fc.property(candidate, (slug) => {
        const rewritten = handler(viewerRequest(`/g/${slug}`)).uri !== `/g/${slug}`;
        expect(rewritten).toBe(SLUG_PATTERN.test(slug));
      }),
    );
  });

  it.each([
    ['the site root', '/'],
    ['a page already named with .html', `/g/${SLUG}.html`],
    ['a slug shorter than 16 characters', '/g/short'],
    ['a slug longer than 64 characters', `/g/${'x'.repeat(65)}`],
    ['a slug with a dot', '/g/abcdefghij.klmnopqr'],
    ['a slug with an encoded slash', '/g/abcdefghijklmnop%2Fetc'],
    ['a deeper path', `/g/${SLUG}/photos`],
    ['a path traversal attempt', `/g/../${SLUG}`],
    ['another prefix', `/x/${SLUG}`],
    ['the favicon', '/favicon.ico'],
  ])('leaves %s untouched', (_label, uri) => {
    expect(handler(viewerRequest(uri)).uri).toBe(uri);
  });

  it('returns the request with its method, query string and headers intact', () => {
    const result = handler(viewerRequest(`/g/${SLUG}`));
    expect(result.method).toBe('GET');
    expect(result.querystring).toEqual({ utm: { value: 'x' } });
    expect(result.headers).toEqual({ host: { value: 'guests.example.com' } });
  });

  it('is the exact code the CloudFormation template embeds, within CloudFront Functions’ 10 KB limit', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the CommonJS file Serverless require()s
    const { guestRewrite } = require('../serverless/function-code.js') as { guestRewrite: () => string };
    expect(guestRewrite()).toBe(code);
    expect(Buffer.byteLength(code)).toBeLessThan(10 * 1024);
  });
});
