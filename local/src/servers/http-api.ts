import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CorsWiring, RouteWiring } from '../definitions/service';
import type { LambdaRuntime } from '../lambda/runtime';
import { readBody } from './aws-json';
import { TokenBucket } from './throttle';

/**
 * API Gateway HTTP API with payload format 2.0: routes from every service's `httpApi` events on
 * one port, the most specific route winning as API Gateway chooses, CORS answered by the
 * gateway from the service's `httpApi.cors`, each route throttled as its stage says (a token
 * bucket per route), and the Lambda result mapped back to HTTP.
 *
 * The gateway's own answers (no route, too large, throttled, a bad path) are JSON `{error, message}`: AWS's carry
 * `message` alone, and a throttled one no Retry-After (an HTTP API cannot add it), so a client must not need either.
 */
interface CompiledRoute extends RouteWiring {
  regex: RegExp;
  params: string[];
  literalSegments: number;
  cors?: CorsWiring;
  bucket?: TokenBucket;
}

const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
const TEXT_TYPES = /^(text\/|application\/(json|x-www-form-urlencoded|xml|javascript)|[^;]*\+json|[^;]*\+xml)/i;

function compile(route: RouteWiring, cors?: CorsWiring): CompiledRoute {
  const params: string[] = [];
  const segments = route.path.split('/').filter(Boolean);
  let literalSegments = 0;
  const pattern = segments
    .map((segment) => {
      const greedy = /^\{(\w+)\+\}$/.exec(segment);
      if (greedy) {
        params.push(greedy[1]!);
        return '/(.+)';
      }
      const param = /^\{(\w+)\}$/.exec(segment);
      if (param) {
        params.push(param[1]!);
        return '/([^/]+)';
      }
      literalSegments++;
      return `/${segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
    })
    .join('');
  return {
    ...route,
    regex: new RegExp(`^${pattern || '/'}$`),
    params,
    literalSegments,
    ...(cors ? { cors } : {}),
    ...(route.throttle ? { bucket: new TokenBucket(route.throttle) } : {}),
  };
}

export class HttpApi {
  private readonly routes: CompiledRoute[] = [];

  constructor(
    private readonly runtime: LambdaRuntime,
    private readonly meta: { accountId: string; apiId: string; domainName: string },
  ) {}

  addRoutes(routes: RouteWiring[], cors?: CorsWiring): void {
    this.routes.push(...routes.map((r) => compile(r, cors)));
    // Literal segments beat parameters; a greedy {proxy+} comes last.
    this.routes.sort((a, b) => b.literalSegments - a.literalSegments || a.params.length - b.params.length);
  }

  list(): string[] {
    return this.routes.map((r) => r.routeKey);
  }

  private match(
    method: string,
    path: string,
  ): { route: CompiledRoute; pathParameters: Record<string, string> | undefined } | undefined {
    for (const route of this.routes) {
      if (route.method !== method && route.method !== 'ANY' && route.method !== '*') continue;
      const m = route.regex.exec(path);
      if (!m) continue;
      // A path parameter that is not valid percent-encoding (`%zz`, half a UTF-8 sequence) cannot be decoded.
      try {
        return {
          route,
          pathParameters: Object.fromEntries(route.params.map((name, i) => [name, decodeURIComponent(m[i + 1]!)])),
        };
      } catch {
        return { route, pathParameters: undefined };
      }
    }
    return undefined;
  }

  private corsHeaders(cors: CorsWiring | undefined, origin: string | undefined): Record<string, string> {
    if (!cors || !origin) return {};
    const allowed = cors.allowedOrigins.includes('*') || cors.allowedOrigins.includes(origin);
    if (!allowed) return {};
    return {
      'access-control-allow-origin': cors.allowedOrigins.includes('*') && !cors.allowCredentials ? '*' : origin,
      ...(cors.allowCredentials ? { 'access-control-allow-credentials': 'true' } : {}),
      ...(cors.exposedResponseHeaders.length
        ? { 'access-control-expose-headers': cors.exposedResponseHeaders.join(',') }
        : {}),
      vary: 'origin',
    };
  }

  handler() {
    return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      const url = URL.parse(req.url ?? '/', 'http://local');
      if (!url) return gatewayError(res, 400, 'bad_request', 'Bad Request: the request target is not a URL');
      const method = (req.method ?? 'GET').toUpperCase();
      const origin = req.headers.origin;
      try {
        if (method === 'OPTIONS' && req.headers['access-control-request-method']) {
          const requested = String(req.headers['access-control-request-method']).toUpperCase();
          const cors = this.match(requested, url.pathname)?.route.cors;
          const base = this.corsHeaders(cors, origin);
          if (!cors || !base['access-control-allow-origin']) return end(res, 204, {}, '');
          return end(
            res,
            204,
            {
              ...base,
              'access-control-allow-methods': cors.allowedMethods.join(','),
              'access-control-allow-headers': cors.allowedHeaders.join(','),
              ...(cors.maxAge !== undefined ? { 'access-control-max-age': String(cors.maxAge) } : {}),
            },
            '',
          );
        }
        const matched = this.match(method, url.pathname);
        if (!matched) return gatewayError(res, 404, 'not_found', 'Not Found');
        const cors = this.corsHeaders(matched.route.cors, origin);
        const token = matched.route.bucket?.take() ?? { ok: true };
        if (!token.ok) {
          const { routeKey } = matched.route;
          const message = `Too Many Requests: ${routeKey} is throttled; retry in ${token.retryAfterSeconds} s.`;
          return gatewayError(res, 429, 'too_many_requests', message, {
            ...cors,
            'retry-after': String(token.retryAfterSeconds),
          });
        }
        if (!matched.pathParameters) return gatewayError(res, 400, 'bad_request', 'Bad Request: the path is not valid');
        const body = await readBody(req, MAX_PAYLOAD_BYTES).catch(() => undefined);
        if (body === undefined) return gatewayError(res, 413, 'payload_too_large', 'Request Entity Too Large', cors);
        const event = this.eventOf(req, url, method, matched.route, matched.pathParameters, body);
        const result = await this.runtime.invoke(matched.route.functionName, event, event.requestContext.requestId);
        if (!result.ok) return gatewayError(res, 500, 'internal_error', 'Internal Server Error', cors);
        return this.respond(res, result.result, cors);
      } catch (error) {
        return gatewayError(res, 500, 'internal_error', `Internal Server Error: ${(error as Error).message}`);
      }
    };
  }

  private eventOf(
    req: IncomingMessage,
    url: URL,
    method: string,
    route: CompiledRoute,
    pathParameters: Record<string, string>,
    body: Buffer,
  ) {
    const headers: Record<string, string> = {};
    const cookies: string[] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i]!.toLowerCase();
      const value = req.rawHeaders[i + 1]!;
      if (name === 'cookie')
        cookies.push(
          ...value
            .split(';')
            .map((c) => c.trim())
            .filter(Boolean),
        );
      else headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
    }
    const query: Record<string, string> = {};
    for (const [key, value] of url.searchParams)
      query[key] = query[key] === undefined ? value : `${query[key]},${value}`;
    const contentType = headers['content-type'] ?? '';
    const isText = body.length === 0 || TEXT_TYPES.test(contentType);
    const now = new Date();
    const requestId = randomUUID();
    return {
      version: '2.0',
      routeKey: route.routeKey,
      rawPath: url.pathname,
      rawQueryString: url.search.replace(/^\?/, ''),
      ...(cookies.length ? { cookies } : {}),
      headers,
      ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
      ...(route.params.length ? { pathParameters } : {}),
      requestContext: {
        accountId: this.meta.accountId,
        apiId: this.meta.apiId,
        domainName: headers.host ?? this.meta.domainName,
        domainPrefix: (headers.host ?? this.meta.domainName).split('.')[0],
        http: {
          method,
          path: url.pathname,
          protocol: `HTTP/${req.httpVersion}`,
          sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId,
        routeKey: route.routeKey,
        stage: '$default',
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
      },
      ...(body.length ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
      isBase64Encoded: !isText,
    };
  }

  private respond(res: ServerResponse, result: unknown, cors: Record<string, string>): void {
    // Payload 2.0: a result without statusCode is taken as a 200 JSON body.
    if (!result || typeof result !== 'object' || !('statusCode' in result)) {
      return end(
        res,
        200,
        { 'content-type': 'application/json', ...cors },
        typeof result === 'string' ? result : JSON.stringify(result),
      );
    }
    const r = result as {
      statusCode: number;
      headers?: Record<string, unknown>;
      cookies?: string[];
      body?: string;
      isBase64Encoded?: boolean;
    };
    const headers: Record<string, string | string[]> = { ...cors };
    for (const [name, value] of Object.entries(r.headers ?? {})) headers[name.toLowerCase()] = String(value);
    if (r.cookies?.length) headers['set-cookie'] = r.cookies;
    const body =
      r.body === undefined
        ? Buffer.alloc(0)
        : r.isBase64Encoded
          ? Buffer.from(r.body, 'base64')
          : Buffer.from(r.body, 'utf8');
    end(res, r.statusCode, headers, body);
  }
}

function gatewayError(
  res: ServerResponse,
  status: number,
  error: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  end(res, status, { 'content-type': 'application/json', ...headers }, JSON.stringify({ error, message }));
}

function end(
  res: ServerResponse,
  status: number,
  headers: Record<string, string | string[]>,
  body: string | Buffer,
): void {
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body), 'apigw-requestid': randomUUID() });
  res.end(body);
}
