import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { close, listen } from '../servers/aws-json';
import type { EndpointKey, Endpoints } from './ports';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** A request to a recorded stand-in: who made it (the SDK's app id), its operation and its input. */
export interface RecordedCall {
  /** The SDK's app id as sent (a library may append to it: Powertools adds `-PT-...`). */
  appId?: string;
  /** The function that made it, where the app id names one. */
  functionName?: string;
  operation: string;
  input: Record<string, unknown>;
}

/**
 * The servers of one local cloud, the endpoint each answers at, and the requests each has
 * served by operation: the benchmark replays that mix as its floor.
 */
export class Listeners {
  readonly endpoints = {} as Endpoints;
  private readonly servers: Server[] = [];
  private readonly requests = new Map<string, number>();
  private readonly recording = new Map<EndpointKey, RecordedCall[]>();

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
      const calls = this.recording.get(key);
      // The stand-in's own handler, registered first, is reading the body too: both see every chunk.
      if (calls) recordCall(req, operation, calls);
    });
    this.servers.push(server);
    this.endpoints[key] = `http://127.0.0.1:${port}`;
  }

  /** From now on, keeps every request a stand-in with a JSON protocol serves (`calls`), e.g. for tests of IAM. */
  record(key: EndpointKey): void {
    if (!this.recording.has(key)) this.recording.set(key, []);
  }

  calls(key: EndpointKey): RecordedCall[] {
    return [...(this.recording.get(key) ?? [])];
  }

  requestCounts(): Record<string, number> {
    return Object.fromEntries(this.requests);
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.servers.map(close));
  }
}

function recordCall(req: IncomingMessage, operation: string, calls: RecordedCall[]): void {
  const app = /\bapp\/(\S+)/.exec(String(req.headers['user-agent'] ?? ''))?.[1];
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      input = {};
    }
    calls.push({ ...(app ? { appId: app } : {}), operation: operation.split(':').pop()!, input });
  });
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
