import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createContext, Script } from 'node:vm';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { DistributionWiring } from '../definitions/service';
import { readBody } from './aws-json';

/**
 * CloudFront as the services use it: each distribution served from its S3 origin through the
 * viewer-request CloudFront Function the service ships (the same file, run in a fresh VM
 * context as cloudfront-js-2.0 runs it), an edge cache that honours the object's Cache-Control,
 * and the CreateInvalidation / GetInvalidation / ListInvalidations API (REST-XML, 2020-05-31).
 */
const API_PREFIX = '/2020-05-31/distribution/';
const XMLNS = 'http://cloudfront.amazonaws.com/doc/2020-05-31/';
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

interface Invalidation {
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

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const tag = (name: string, inner: string) => `<${name}>${inner}</${name}>`;
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
/** A CloudFront API document: the declaration, then the root element in CloudFront's namespace. */
const cloudFrontXml = (root: string, inner: string) => `${XML_DECLARATION}<${root} xmlns="${XMLNS}">${inner}</${root}>`;

export class Distribution {
  readonly invalidations: Invalidation[] = [];
  private readonly cache = new Map<string, CachedObject>();
  private readonly viewerRequest?: ViewerRequestFunction;
  readonly stats = { hits: 0, misses: 0, invalidatedObjects: 0 };

  constructor(
    readonly wiring: DistributionWiring,
    private readonly s3: S3Client,
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
      const now = Date.now();
      if (cached && now - cached.storedAt < cached.ttlMs) {
        this.stats.hits++;
        return send(
          res,
          cached.status,
          {
            ...cached.headers,
            ...this.policyHeaders(req),
            'x-cache': 'Hit from cloudfront',
            age: String(Math.floor((now - cached.storedAt) / 1000)),
          },
          cached.body,
          method,
        );
      }
      this.stats.misses++;
      const object = await this.fetchOrigin(uri);
      if (object.status === 200 && object.ttlMs > 0) this.cache.set(uri, { ...object, storedAt: now });
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
        return { status: 403, headers: { 'content-type': 'application/xml' }, body, ttlMs: 0 };
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

export class CloudFrontError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const invalidationXml = (i: Invalidation) => {
  const paths =
    tag('Quantity', String(i.paths.length)) + tag('Items', i.paths.map((p) => tag('Path', xmlEscape(p))).join(''));
  const batch = tag('Paths', paths) + tag('CallerReference', xmlEscape(i.callerReference));
  const fields = tag('Id', i.id) + tag('Status', 'Completed') + tag('CreateTime', i.createdAt.toISOString());
  return cloudFrontXml('Invalidation', fields + tag('InvalidationBatch', batch));
};

/** The CloudFront control-plane API for the local distributions. */
export function cloudFrontApiHandler(distributions: Map<string, Distribution>) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://local');
    const respond = (status: number, xml: string, extra: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'text/xml', 'x-amz-cf-id': randomUUID(), ...extra });
      res.end(xml);
    };
    try {
      const match = /^\/2020-05-31\/distribution\/([^/]+)\/invalidation(?:\/([^/]+))?$/.exec(url.pathname);
      if (!url.pathname.startsWith(API_PREFIX) || !match)
        throw new CloudFrontError(404, 'NotFound', `No local CloudFront API at ${req.method} ${url.pathname}`);
      const distribution = distributions.get(match[1]!);
      if (!distribution)
        throw new CloudFrontError(404, 'NoSuchDistribution', 'The specified distribution does not exist.');
      if (req.method === 'POST' && !match[2]) {
        const xml = (await readBody(req)).toString('utf8');
        const callerReference = /<CallerReference>([\s\S]*?)<\/CallerReference>/.exec(xml)?.[1];
        const paths = [...xml.matchAll(/<Path>([\s\S]*?)<\/Path>/g)].map((m) =>
          m[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'),
        );
        const quantity = Number(/<Quantity>(\d+)<\/Quantity>/.exec(xml)?.[1]);
        if (!callerReference) throw new CloudFrontError(400, 'MissingBody', 'CallerReference is required.');
        if (paths.length === 0 || quantity !== paths.length)
          throw new CloudFrontError(
            400,
            'InconsistentQuantities',
            'The value of Quantity and the size of Items do not match.',
          );
        const { invalidation, created } = distribution.invalidate(callerReference, paths);
        return respond(created ? 201 : 200, invalidationXml(invalidation), {
          location: `${API_PREFIX}${distribution.wiring.id}/invalidation/${invalidation.id}`,
        });
      }
      if (req.method === 'GET' && match[2]) {
        const invalidation = distribution.invalidations.find((i) => i.id === match[2]);
        if (!invalidation)
          throw new CloudFrontError(404, 'NoSuchInvalidation', 'The specified invalidation does not exist.');
        return respond(200, invalidationXml(invalidation));
      }
      if (req.method === 'GET') {
        const items = [...distribution.invalidations]
          .reverse()
          .map((i) =>
            tag(
              'InvalidationSummary',
              tag('Id', i.id) + tag('CreateTime', i.createdAt.toISOString()) + tag('Status', 'Completed'),
            ),
          )
          .join('');
        const list =
          tag('Marker', '') +
          tag('MaxItems', '1000') +
          tag('IsTruncated', 'false') +
          tag('Quantity', String(distribution.invalidations.length)) +
          (items ? tag('Items', items) : '');
        return respond(200, cloudFrontXml('InvalidationList', list));
      }
      throw new CloudFrontError(405, 'MethodNotAllowed', `${req.method} is not supported here`);
    } catch (error) {
      const cf =
        error instanceof CloudFrontError ? error : new CloudFrontError(500, 'InternalError', (error as Error).message);
      const fields = tag('Type', 'Sender') + tag('Code', cf.code) + tag('Message', xmlEscape(cf.message));
      const inner = tag('Error', fields) + tag('RequestId', randomUUID());
      // CloudFront's error documents declare no encoding.
      respond(cf.status, `<?xml version="1.0"?>\n<ErrorResponse xmlns="${XMLNS}">${inner}</ErrorResponse>`);
    }
  };
}
