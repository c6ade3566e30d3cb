import { createHash, randomUUID } from 'node:crypto';
import { request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createContext, Script } from 'node:vm';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { BehaviorWiring, CacheTtl, DistributionWiring, ResponseHeadersWiring } from '../definitions/service';
import { readBody } from './aws-json';
import { CloudFrontError, XML_DECLARATION } from './cloudfront-api';

/**
 * CloudFront as the services use it: each request goes to the first cache behaviour whose path pattern matches (else
 * the default), which serves it from an S3 origin through the viewer-request CloudFront Function the service ships
 * (the same file, run in a fresh VM context as cloudfront-js-2.0 runs it) and an edge cache that honours the object's
 * Cache-Control within the cache policy's TTLs and keeps errors for their ErrorCachingMinTTL, or passes it, uncached,
 * to a custom origin (a local endpoint). The behaviour's response-headers policy is applied to what it answers. Its
 * API is cloudfront-api.ts.
 */
/** Managed CachingOptimized's TTLs: at least 1 s, a day when the origin sends no Cache-Control, at most a year. */
const CACHING_OPTIMIZED_TTL: CacheTtl = { min: 1, default: 86400, max: 31536000 };
/** Hop-by-hop headers (RFC 9110 7.6.1), never passed between viewer, CloudFront and a custom origin. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);
/** CloudFront's origin response timeout (30 s by default). */
const ORIGIN_READ_TIMEOUT_MS = 30_000;
const VIA = '1.1 local.cloudfront.net (CloudFront)';

/** A message's hop-by-hop headers: the fixed ones and every header its own Connection header names. */
function hopByHop(headers: IncomingHttpHeaders): Set<string> {
  const connection = headers.connection;
  const named = (Array.isArray(connection) ? connection.join(',') : (connection ?? ''))
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  return new Set([...HOP_BY_HOP, ...named]);
}
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
  /** Each behaviour's viewer-request function, loaded once. */
  private readonly viewerRequest = new Map<BehaviorWiring, ViewerRequestFunction>();
  readonly stats = { hits: 0, misses: 0, invalidatedObjects: 0 };
  /** When it was provisioned: the API's LastModifiedTime. */
  readonly createdAt = new Date();

  constructor(
    readonly wiring: DistributionWiring,
    private readonly s3: S3Client,
    /** The edge's clock (a test moves it past a TTL instead of waiting). */
    private readonly now: () => number = Date.now,
  ) {
    for (const behavior of wiring.behaviors) {
      const fn = behavior.viewerRequestFunction;
      if (fn) this.viewerRequest.set(behavior, loadFunction(fn.code, fn.name));
    }
  }

  /** CloudFront's choice: the first cache behaviour whose path pattern matches the path, else the default. */
  behaviorFor(path: string): BehaviorWiring {
    const { behaviors } = this.wiring;
    return behaviors.find((b) => b.pathPattern === undefined || pathPatternMatches(b.pathPattern, path))!;
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
      const { defaultRootObject } = this.wiring;
      // Only the root itself: CloudFront applies no default object to a subdirectory.
      let uri = url.pathname === '/' && defaultRootObject ? `/${defaultRootObject}` : url.pathname;
      const behavior = this.behaviorFor(uri);
      if (!behavior.allowedMethods.includes(method)) {
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
      const viewerRequest = this.viewerRequest.get(behavior);
      if (viewerRequest) {
        // cloudfront-js-2.0 allows an async handler: await whatever it returns.
        const result = await viewerRequest(viewerEvent(this.wiring.id, req, url, uri));
        if (result && typeof result === 'object' && 'statusCode' in result) {
          const headers = Object.fromEntries(
            Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v.value)]),
          );
          const body = typeof result.body === 'object' ? (result.body.data ?? '') : (result.body ?? '');
          return send(res, Number(result.statusCode), headers, Buffer.from(body), method);
        }
        uri = String(result?.uri ?? uri);
      }
      if (behavior.origin.kind === 'custom') return this.forward(req, res, behavior, uri, url.search);
      const cached = this.cache.get(uri);
      const now = this.now();
      if (cached && now - cached.storedAt < cached.ttlMs) {
        this.stats.hits++;
        return send(
          res,
          cached.status,
          {
            ...withPolicy(cached.headers, behavior.responseHeaders, req),
            // CloudFront marks an error as an error, from the cache or not.
            'x-cache': cached.status === 200 ? 'Hit from cloudfront' : 'Error from cloudfront',
            age: String(Math.floor((now - cached.storedAt) / 1000)),
          },
          cached.body,
          method,
        );
      }
      this.stats.misses++;
      const object = await this.fetchOrigin(behavior, uri);
      // An error is cached too, for its ErrorCachingMinTTL: a page written a moment after a 403 stays 403 that long.
      if (object.ttlMs > 0) this.cache.set(uri, { ...object, storedAt: now });
      return send(
        res,
        object.status,
        {
          ...withPolicy(object.headers, behavior.responseHeaders, req),
          'x-cache': object.status === 200 ? 'Miss from cloudfront' : 'Error from cloudfront',
        },
        object.body,
        method,
      );
    };
  }

  /**
   * A custom origin (CachingDisabled: nothing kept), over HTTP to its local endpoint. With AllViewerExceptHostHeader
   * the viewer's headers (but Host), cookies and query string go along; with no origin request policy none of them
   * (CachingDisabled's cache key has none). The origin sees its own host, as API Gateway must. node:http, not fetch:
   * fetch would decompress the body and drop the framing CloudFront relays as the origin sent it.
   */
  private async forward(
    req: IncomingMessage,
    res: ServerResponse,
    behavior: BehaviorWiring,
    uri: string,
    search: string,
  ): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const { origin } = behavior;
    if (origin.kind !== 'custom') throw new Error(`origin ${origin.id} is not a custom origin`);
    const body = await readBody(req);
    const all = behavior.forward === 'all-except-host';
    const headers: IncomingHttpHeaders = {};
    const dropped = hopByHop(req.headers);
    if (all) for (const [name, value] of Object.entries(req.headers)) if (!dropped.has(name)) headers[name] = value;
    // CloudFront appends the viewer's address to an X-Forwarded-For the viewer sent.
    const viewer = req.socket.remoteAddress ?? '127.0.0.1';
    const forwardedFor = all ? req.headers['x-forwarded-for'] : undefined;
    Object.assign(headers, {
      host: new URL(origin.endpoint).host,
      via: VIA,
      'x-forwarded-for': forwardedFor ? `${String(forwardedFor)}, ${viewer}` : viewer,
      'x-amz-cf-id': randomUUID(),
    });
    delete headers['content-length'];
    if (body.length > 0 || ['POST', 'PUT', 'PATCH'].includes(method)) headers['content-length'] = String(body.length);
    const target = `${origin.endpoint}${origin.path}${uri}${all ? search : ''}`;
    let response: OriginResponse;
    try {
      response = await requestOrigin(target, method, headers, body);
    } catch (error) {
      const timedOut = /timeout/.test((error as Error).message);
      const text = timedOut
        ? 'CloudFront attempted to establish a connection with the origin, but the origin did not respond in time.'
        : "CloudFront wasn't able to connect to the origin.";
      const headers = { 'content-type': 'text/plain', 'x-cache': 'Error from cloudfront' };
      return send(res, timedOut ? 504 : 502, headers, Buffer.from(text), method);
    }
    const relayed: Record<string, string | string[]> = {};
    const droppedFromOrigin = hopByHop(response.headers);
    for (const [name, value] of Object.entries(response.headers))
      if (value !== undefined && !droppedFromOrigin.has(name) && name !== 'content-length') relayed[name] = value;
    res.writeHead(response.status, {
      ...withPolicy(relayed, behavior.responseHeaders, req),
      'x-cache': response.status < 400 ? 'Miss from cloudfront' : 'Error from cloudfront',
      via: VIA,
      // A HEAD's answer keeps the length the origin gave the resource.
      'content-length': method === 'HEAD' ? (response.headers['content-length'] ?? '0') : String(response.body.length),
    });
    res.end(method === 'HEAD' ? undefined : response.body);
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

  private async fetchOrigin(
    behavior: BehaviorWiring,
    uri: string,
    attempt = 1,
  ): Promise<Omit<CachedObject, 'storedAt'>> {
    const { origin } = behavior;
    if (origin.kind !== 's3') throw new Error(`origin ${origin.id} is not an S3 origin`);
    const key = decodeURIComponent(`${origin.path}${uri}`.replace(/^\//, ''));
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: origin.bucket, Key: key }));
      const body = Buffer.from(await object.Body!.transformToByteArray());
      // s3rver writes objects in place, so a read racing a PUT can be torn; S3 never serves one. Read again.
      const md5 = createHash('md5').update(body).digest('hex');
      const torn =
        (object.ContentLength !== undefined && body.length !== object.ContentLength) ||
        (object.ETag !== undefined && object.ETag.replace(/"/g, '') !== md5);
      if (torn && attempt < 5) {
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
        return this.fetchOrigin(behavior, uri, attempt + 1);
      }
      const headers: Record<string, string> = {};
      if (object.ContentType) headers['content-type'] = object.ContentType;
      if (object.CacheControl) headers['cache-control'] = object.CacheControl;
      if (object.ETag) headers.etag = object.ETag;
      if (object.LastModified) headers['last-modified'] = object.LastModified.toUTCString();
      // The other metadata S3 stores and answers with.
      if (object.ContentDisposition) headers['content-disposition'] = object.ContentDisposition;
      if (object.ContentLanguage) headers['content-language'] = object.ContentLanguage;
      if (object.ContentEncoding) headers['content-encoding'] = object.ContentEncoding;
      for (const [name, value] of Object.entries(object.Metadata ?? {})) headers[`x-amz-meta-${name}`] = value;
      return { status: 200, headers, body, ttlMs: ttlOf(object.CacheControl, behavior.ttl) * 1000 };
    } catch (error) {
      // With origin access control and no s3:ListBucket, S3 answers a missing key with 403, as here.
      const name = (error as Error).name;
      if ((name === 'AbortError' || /aborted|ECONNRESET|premature/i.test((error as Error).message)) && attempt < 5)
        return this.fetchOrigin(behavior, uri, attempt + 1);
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

/**
 * Seconds the cache policy keeps an object: s-maxage, else max-age, else its DefaultTTL, held between its MinTTL and
 * MaxTTL; no-store, no-cache or private keep it for the MinTTL (CachingOptimized's: 1 s), as CloudFront documents.
 */
export function ttlOf(cacheControl: string | undefined, ttl: CacheTtl = CACHING_OPTIMIZED_TTL): number {
  if (!cacheControl) return ttl.default;
  const cc = cacheControl.toLowerCase();
  if (/\b(no-store|no-cache|private)\b/.test(cc)) return ttl.min;
  const s = /s-maxage=(\d+)/.exec(cc) ?? /max-age=(\d+)/.exec(cc);
  return s ? Math.min(ttl.max, Math.max(ttl.min, Number(s[1]))) : ttl.default;
}

/**
 * CloudFront's path pattern: `*` any run of characters (slashes too), `?` exactly one, everything else literal and
 * case-sensitive; a pattern without its leading slash means the same as with it.
 */
export function pathPatternMatches(pattern: string, path: string): boolean {
  const normalized = pattern.startsWith('/') || pattern === '*' ? pattern : `/${pattern}`;
  const regex = normalized
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, 's').test(path);
}

/**
 * A response-headers policy over the origin's headers: a header with Override replaces the origin's, one without is
 * added only when the origin sent none; SimpleCORS's only on a CORS request.
 */
function withPolicy<T extends string | string[]>(
  origin: Record<string, T>,
  policy: ResponseHeadersWiring | undefined,
  req: IncomingMessage,
): Record<string, T | string> {
  if (!policy) return origin;
  const out: Record<string, T | string> = { ...origin };
  const present = new Set(Object.keys(origin).map((name) => name.toLowerCase()));
  const apply = policy.headers.concat(req.headers.origin ? policy.corsHeaders : []);
  for (const header of apply) {
    if (present.has(header.name) && !header.override) continue;
    for (const name of Object.keys(out)) if (name.toLowerCase() === header.name) delete out[name];
    out[header.name] = header.value;
  }
  return out;
}

interface OriginResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One request to a custom origin, its whole answer read; a connection error or the read timeout rejects. */
function requestOrigin(target: string, method: string, headers: IncomingHttpHeaders, body: Buffer) {
  return new Promise<OriginResponse>((resolve, reject) => {
    const outgoing = request(target, { method, headers }, (incoming) => {
      readBody(incoming).then(
        (data) => resolve({ status: incoming.statusCode ?? 502, headers: incoming.headers, body: data }),
        reject,
      );
    });
    outgoing.setTimeout(ORIGIN_READ_TIMEOUT_MS, () => outgoing.destroy(new Error('origin read timeout')));
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** Runs the function file the service deploys in a fresh context, as CloudFront Functions run it. */
export function loadFunction(code: string, name: string): ViewerRequestFunction {
  const context = createContext({ console });
  new Script(`${code}\n;globalThis.__handler = handler;`, { filename: `${name}.js` }).runInContext(context);
  const handler = (context as { __handler?: ViewerRequestFunction }).__handler;
  if (typeof handler !== 'function') throw new Error(`CloudFront Function ${name} defines no handler(event)`);
  return (event) => handler(JSON.parse(JSON.stringify(event)) as unknown);
}

function viewerEvent(distributionId: string, req: IncomingMessage, url: URL, uri: string) {
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
    request: { method: req.method, uri, querystring, headers, cookies: {} },
  };
}

function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: Buffer,
  method: string,
): void {
  res.writeHead(status, { ...headers, 'content-length': body.length, via: VIA });
  res.end(method === 'HEAD' ? undefined : body);
}
