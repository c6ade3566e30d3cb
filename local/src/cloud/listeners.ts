import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { close, listen } from '../servers/aws-json';
import type { EndpointKey, Endpoints } from './ports';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * The servers of one local cloud, the endpoint each answers at, and the requests each has
 * served by operation: the benchmark replays that mix as its floor.
 */
export class Listeners {
  readonly endpoints = {} as Endpoints;
  private readonly servers: Server[] = [];
  private readonly requests = new Map<string, number>();

  constructor(readonly portOf: (key: EndpointKey) => number) {}

  /** Serves the handler on 127.0.0.1 at the key's port. */
  async serve(key: EndpointKey, handler: RequestHandler): Promise<void> {
    // Every handler answers its own errors; as with http's own callback, a rejection escaping one is a crash.
    const server = createServer((req, res) => void handler(req, res));
    server.keepAliveTimeout = 5000;
    this.adopt(key, server, await listen(server, this.portOf(key), key));
  }

  /** A server that listens by itself (dynalite, aws-ses-v2-local), already listening on `port`. */
  adopt(key: EndpointKey, server: Server, port: number): void {
    server.on('request', (req: IncomingMessage) => {
      const operation = operationOf(key, req);
      this.requests.set(operation, (this.requests.get(operation) ?? 0) + 1);
    });
    this.servers.push(server);
    this.endpoints[key] = `http://127.0.0.1:${port}`;
  }

  requestCounts(): Record<string, number> {
    return Object.fromEntries(this.requests);
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.servers.map(close));
  }
}

/** `dynamodb:PutItem` (JSON protocols), `s3:PUT object`, `ses:POST /v2/email/outbound-emails`, `guestSite:GET`. */
function operationOf(key: EndpointKey, req: IncomingMessage): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return `${key}:${target.split('.').pop()}`;
  const path = new URL(req.url ?? '/', 'http://local').pathname;
  if (key === 's3') return `s3:${req.method} ${path.split('/').filter(Boolean).length > 1 ? 'object' : 'bucket'}`;
  if (key === 'ses') return `ses:${req.method} ${path}`;
  return `${key}:${req.method}`;
}
