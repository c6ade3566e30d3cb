import { request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { RequestHandler } from '../cloud/listeners';
import { readBody } from '../servers/aws-json';
import type { FaultInjector } from './injector';
import type { FaultTarget } from './options';
import { WIRE_FAULTS, type WireFault } from './wire';

/**
 * The local cloud's own clients (provisioning, CloudFront's origin reads) add this to their user
 * agent (`customUserAgent`), so the faults meant for the system under test never hit them.
 */
export const INTERNAL_USER_AGENT = 'charter-local-internal';
/** A request replayed by the gate itself to apply a write before answering it with an error. */
const REPLAY_HEADER = 'x-charter-local-replay';
/** Presigned-POST uploads and PutObject bodies the gate may hold while it replays them. */
const MAX_REPLAY_BYTES = 64 * 1024 * 1024;

type Wrap = (handler: RequestHandler) => RequestHandler;

/**
 * A wrapper for a stand-in's request handler that answers the chosen fraction of its data-plane
 * requests with the error AWS gives for a transient fault. `self` is the stand-in's own endpoint:
 * a fault that comes after the write replays the request there first.
 */
export function faultGate(
  target: Exclude<FaultTarget, 'eventbridge'>,
  injector: FaultInjector,
  self: () => string,
): Wrap {
  const faults = WIRE_FAULTS[target];
  return (handler) => (req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    if (req.headers[REPLAY_HEADER] || isInternal(req) || !faults.dataPlane(req, url)) return handler(req, res);
    const rolls = injector.draw(target);
    if (!rolls) return handler(req, res);
    const fault = faults.fault(req, url, rolls);
    injector.record(target, fault.applied ? `${fault.kind}:after-write` : fault.kind);
    return answer(req, res, fault, self()).catch((error: Error) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`The local fault gate could not replay the request: ${error.message}`);
    });
  };
}

/**
 * A server that listens by itself (dynalite, aws-ses-v2-local): its request listeners move
 * behind the gate. Call before anything else listens for its requests.
 */
export function interpose(server: Server, wrap: Wrap): void {
  const listeners = server.listeners('request') as RequestHandler[];
  server.removeAllListeners('request');
  const original: RequestHandler = (req, res) => {
    for (const listener of listeners) void listener(req, res);
  };
  const gated = wrap(original);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => void gated(req, res));
}

function isInternal(req: IncomingMessage): boolean {
  const agents = `${String(req.headers['user-agent'] ?? '')} ${String(req.headers['x-amz-user-agent'] ?? '')}`;
  return agents.includes(INTERNAL_USER_AGENT);
}

async function answer(req: IncomingMessage, res: ServerResponse, fault: WireFault, self: string): Promise<void> {
  // The whole request is read first, as AWS reads it before answering; a replay needs it anyway.
  const body = await readBody(req, MAX_REPLAY_BYTES);
  if (fault.applied) await replay(req, body, self);
  res.writeHead(fault.status, { ...fault.headers, 'content-length': Buffer.byteLength(fault.body) });
  res.end(req.method === 'HEAD' ? undefined : fault.body);
}

/** Sends the request, as it came (its signature still matches), to the stand-in behind the gate. */
function replay(req: IncomingMessage, body: Buffer, endpoint: string): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = value;
  // Hop-by-hop framing is the connection's, not the request's: the body goes whole, with its length.
  for (const name of ['connection', 'keep-alive', 'transfer-encoding', 'expect']) delete headers[name];
  headers['content-length'] = String(body.length);
  headers[REPLAY_HEADER] = '1';
  return new Promise((resolve, reject) => {
    const sent = request(new URL(req.url ?? '/', endpoint), { method: req.method, headers }, (response) => {
      response.resume();
      response.on('end', resolve);
      response.on('error', reject);
    });
    sent.on('error', reject);
    sent.end(body);
  });
}
