import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createContext, Script } from 'node:vm';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { DistributionWiring } from '../definitions/service';
import { CloudFrontError, XML_DECLARATION } from './cloudfront-api';

/**
 * CloudFront as the services use it: each distribution served from its S3 origin through the
 * viewer-request CloudFront Function the service ships (the same file, run in a fresh VM
 * context as cloudfront-js-2.0 runs it), and an edge cache that honours the object's
 * Cache-Control and keeps errors for their ErrorCachingMinTTL. Its API is cloudfront-api.ts.
 */
/** The managed SimpleCORS response-headers policy. */
const SIMPLE_CORS = '60669652-455b-4ae9-85a4-c4c02393f86c';
/** The managed SecurityHeadersPolicy, with the headers CloudFront's documentation lists for it. */
const SECURITY_HEADERS = '67f7725c-6f97-4210-82d7-5512b31e9d03';
const SECURITY_HEADER_VALUES = {
  'referrer-policy': 'strict-origin-when-cross-origin',
  'strict-transport-security': 'max-age=31536000',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN',
  'x-xss-protection': '1; mode=block',
};
/** Managed CachingOptimized: default TTL one day when the origin sends no Cache-Control. */
const DEFAULT_TTL_SECONDS = 86400;
/** CloudFront keeps an error this long unless CustomErrorResponses sets the code's ErrorCachingMinTTL. */
export const DEFAULT_ERROR_CACHING_SECONDS = 10;
/** The error statuses CloudFront caches (416 it never does). */
const CACHED_ERRORS = new Set([400, 403, 404, 405, 414, 500, 501, 502, 503, 504]);
/** For these, an origin's no-store, no-cache or private keeps the error out of the cache; for the others not. */
const ERRORS_HONOURING_NO_STORE = new Set([404, 410, 414, 501]);

export interface Invalidation {
  id: string;
  callerReference: string;
  paths: string[];
  createdAt: Date;
}

interface CachedObject {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  storedAt: number;
  ttlMs: number;
}

/** What a viewer-request function returns: the request (maybe with a new uri), or a response to send instead. */
interface ViewerRequestResult {
  uri?: string;
  statusCode?: number;
  headers?: Record<string, { value: string }>;
  body?: string | { data?: string };
}
type ViewerRequestFunction = (event: unknown) => ViewerRequestResult | Promise<ViewerRequestResult> | undefined;

export class Distribution {
  readonly invalidations: Invalidation[] = [];
  private readonly cache = new Map<string, CachedObject>();
  private readonly viewerRequest?: ViewerRequestFunction;
  readonly stats = { hits: 0, misses: 0, invalidatedObjects: 0 };
  /** When it was provisioned: the API's LastModifiedTime. */
  readonly createdAt = new Date();

  constructor(
    readonly wiring: DistributionWiring,
    private readonly s3: S3Client,
    /** The edge's clock (a test moves it past a TTL instead of waiting). */
    private readonly now: () => number = Date.now,
  ) {
    if (wiring.viewerRequestFunction)
      this.viewerRequest = loadFunction(wiring.viewerRequestFunction.code, wiring.viewerRequestFunction.name);
  }

  invalidate(callerReference: string, paths: string[]): { invalidation: Invalidation; created: boolean } {
    const existing = this.invalidations.find((i) => i.callerReference === callerReference);
    if (existing) {
      if (JSON.stringify(existing.paths) !== JSON.stringify(paths))
        throw new CloudFrontError(
          409,
          'InvalidationBatchAlreadyExists',
          'The CallerReference you attempted to use is already in use with a different batch.',
        );
      return { invalidation: existing, created: false };
    }
    for (const path of paths) {
      if (!path.startsWith('/'))
        throw new CloudFrontError(
          400,
          'InvalidArgument',
          `Your request contains one or more invalid invalidation paths: ${path}`,
        );
    }
    const invalidation = {
      id: `I${randomUUID().replace(/-/g, '').slice(0, 13).toUpperCase()}`,
      callerReference,
      paths,
      createdAt: new Date(),
    };
    this.invalidations.push(invalidation);
    for (const key of [...this.cache.keys()]) {
      if (paths.some((p) => (p.endsWith('*') ? key.startsWith(p.slice(0, -1)) : key === p))) {
        this.cache.delete(key);
        this.stats.invalidatedObjects++;
      }
    }
    return { invalidation, created: true };
  }

  handler() {
    return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      const method = (req.method ?? 'GET').toUpperCase();
      const url = new URL(req.url ?? '/', 'http://local');
      if (method !== 'GET' && method !== 'HEAD') {
        return send(
          res,
          403,
          { 'content-type': 'text/plain' },
          Buffer.from(
            'This distribution is not configured to allow the HTTP request method that was used for this request.',
          ),
          method,
        );
      }
      let uri = url.pathname;
      if (this.viewerRequest) {
        // cloudfront-js-2.0 allows an async handler: await whatever it returns.
        const result = await this.viewerRequest(viewerEvent(this.wiring.id, req, url));
        if (result && typeof result === 'object' && 'statusCode' in result) {
          const headers = Object.fromEntries(
            Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v.value)]),
          );
          const body = typeof result.body === 'object' ? (result.body.data ?? '') : (result.body ?? '');
          return send(res, Number(result.statusCode), headers, Buffer.from(body), method);
        }
        uri = String(result?.uri ?? uri);
      }
      const cached = this.cache.get(uri);
      const now = this.now();
      if (cached && now - cached.storedAt < cached.ttlMs) {
        this.stats.hits++;
        return send(
          res,
          cached.status,
          {
            ...cached.headers,
            ...this.policyHeaders(req),
            // CloudFront marks an error as an error, from the cache or not.
            'x-cache': cached.status === 200 ? 'Hit from cloudfront' : 'Error from cloudfront',
            age: String(Math.floor((now - cached.storedAt) / 1000)),
          },
          cached.body,
          method,
        );
      }
      this.stats.misses++;
      const object = await this.fetchOrigin(uri);
      // An error is cached too, for its ErrorCachingMinTTL: a page written a moment after a 403 stays 403 that long.
      if (object.ttlMs > 0) this.cache.set(uri, { ...object, storedAt: now });
      return send(
        res,
        object.status,
        {
          ...object.headers,
          ...this.policyHeaders(req),
          'x-cache': object.status === 200 ? 'Miss from cloudfront' : 'Error from cloudfront',
        },
        object.body,
        method,
      );
    };
  }

  private policyHeaders(req: IncomingMessage): Record<string, string> {
    if (this.wiring.responseHeadersPolicyId === SECURITY_HEADERS) return SECURITY_HEADER_VALUES;
    return this.wiring.responseHeadersPolicyId === SIMPLE_CORS && req.headers.origin
      ? { 'access-control-allow-origin': '*' }
      : {};
  }

  /**
   * How long CloudFront keeps an error from the origin: the code's ErrorCachingMinTTL (10 s unless set), or the
   * origin's max-age if longer; no-store, no-cache or private count only for 404, 410, 414 and 501.
   */
  errorTtlMs(status: number, cacheControl?: string): number {
    if (!CACHED_ERRORS.has(status)) return 0;
    const minimum = this.wiring.errorCachingMinTtl[status] ?? DEFAULT_ERROR_CACHING_SECONDS;
    const cc = cacheControl?.toLowerCase() ?? '';
    if (ERRORS_HONOURING_NO_STORE.has(status) && /\b(no-store|no-cache|private)\b/.test(cc)) return 0;
    const maxAge = /s-maxage=(\d+)/.exec(cc) ?? /max-age=(\d+)/.exec(cc);
    return Math.max(minimum, maxAge ? Number(maxAge[1]) : 0) * 1000;
  }

  private async fetchOrigin(uri: string, attempt = 1): Promise<Omit<CachedObject, 'storedAt'>> {
    const key = decodeURIComponent(uri.replace(/^\//, ''));
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.wiring.originBucket, Key: key }));
      const body = Buffer.from(await object.Body!.transformToByteArray());
      // s3rver writes objects in place, so a read racing a PUT can be torn; S3 never serves one. Read again.
      const md5 = createHash('md5').update(body).digest('hex');
      const torn =
        (object.ContentLength !== undefined && body.length !== object.ContentLength) ||
        (object.ETag !== undefined && object.ETag.replace(/"/g, '') !== md5);
      if (torn && attempt < 5) {
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
        return this.fetchOrigin(uri, attempt + 1);
      }
      const headers: Record<string, string> = {};
      if (object.ContentType) headers['content-type'] = object.ContentType;
      if (object.CacheControl) headers['cache-control'] = object.CacheControl;
      if (object.ETag) headers.etag = object.ETag;
      if (object.LastModified) headers['last-modified'] = object.LastModified.toUTCString();
      return { status: 200, headers, body, ttlMs: ttlOf(object.CacheControl) * 1000 };
    } catch (error) {
      // With origin access control and no s3:ListBucket, S3 answers a missing key with 403, as here.
      const name = (error as Error).name;
      if ((name === 'AbortError' || /aborted|ECONNRESET|premature/i.test((error as Error).message)) && attempt < 5)
        return this.fetchOrigin(uri, attempt + 1);
      if (name === 'NoSuchKey' || name === 'NotFound' || name === 'AccessDenied') {
        const body = Buffer.from(
          `${XML_DECLARATION}<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`,
        );
        return { status: 403, headers: { 'content-type': 'application/xml' }, body, ttlMs: this.errorTtlMs(403) };
      }
      // S3's own fault (SlowDown 503, InternalError 500) reaches the viewer as that status, kept for its
      // ErrorCachingMinTTL like any error (10 s unless the distribution says otherwise).
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0;
      if (status >= 500) {
        const body = Buffer.from(`${XML_DECLARATION}<Error><Code>${name}</Code><Message>${name}</Message></Error>`);
        return { status, headers: { 'content-type': 'application/xml' }, body, ttlMs: this.errorTtlMs(status) };
      }
      throw error;
    }
  }
}

/** Seconds CachingOptimized keeps an object: s-maxage, else max-age, else the default; 0 for no-store/private. */
export function ttlOf(cacheControl: string | undefined): number {
  if (!cacheControl) return DEFAULT_TTL_SECONDS;
  const cc = cacheControl.toLowerCase();
  if (/\b(no-store|no-cache|private)\b/.test(cc)) return 0;
  const s = /s-maxage=(\d+)/.exec(cc) ?? /max-age=(\d+)/.exec(cc);
  return s ? Number(s[1]) : DEFAULT_TTL_SECONDS;
}

/** Runs the function file the service deploys in a fresh context, as CloudFront Functions run it. */
export function loadFunction(code: string, name: string): ViewerRequestFunction {
  const context = createContext({ console });
  new Script(`${code}\n;globalThis.__handler = handler;`, { filename: `${name}.js` }).runInContext(context);
  const handler = (context as { __handler?: ViewerRequestFunction }).__handler;
  if (typeof handler !== 'function') throw new Error(`CloudFront Function ${name} defines no handler(event)`);
  return (event) => handler(JSON.parse(JSON.stringify(event)) as unknown);
}

function viewerEvent(distributionId: string, req: IncomingMessage, url: URL) {
  const headers: Record<string, { value: string }> = {};
  for (const [name, value] of Object.entries(req.headers))
    if (name !== 'cookie' && value !== undefined) headers[name] = { value: String(value) };
  const querystring: Record<string, { value: string }> = {};
  for (const [key, value] of url.searchParams) querystring[key] = { value };
  return {
    version: '1.0',
    context: {
      distributionDomainName: req.headers.host ?? '',
      distributionId,
      eventType: 'viewer-request',
      requestId: randomUUID(),
    },
    viewer: { ip: req.socket.remoteAddress ?? '127.0.0.1' },
    request: { method: req.method, uri: url.pathname, querystring, headers, cookies: {} },
  };
}

function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: Buffer,
  method: string,
): void {
  res.writeHead(status, { ...headers, 'content-length': body.length, via: '1.1 local.cloudfront.net (CloudFront)' });
  res.end(method === 'HEAD' ? undefined : body);
}
