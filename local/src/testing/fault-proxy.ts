import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { crc32 } from 'node:zlib';

/**
 * A targeted fault between a function and two stand-ins (DynamoDB and SES), for the one request a test names: the
 * local cloud's `--faults` pick requests at random, this picks one. A test points a function's
 * `AWS_ENDPOINT_URL_DYNAMODB` / `AWS_ENDPOINT_URL_SESV2` at `url`. Each request is read whole, then `decide` says
 * what happens to it:
 * - `forward`: passed on as it came (its signature still matches) and answered with the stand-in's answer;
 * - `lose-answer`: passed on, so DynamoDB applies it, then answered with the InternalServerError (500) DynamoDB sends
 *   when the answer is lost, which the SDK retries: a retried conditional write then meets its own first attempt;
 * - `hold`: never answered, as when the function is stopped at its timeout while it waits;
 * - `throttle`: not passed on, answered with SES's TooManyRequestsException (429): SES did not take the message.
 */
export type ProxyAction = 'forward' | 'lose-answer' | 'hold' | 'throttle';

export interface ProxiedRequest {
  target: 'dynamodb' | 'ses';
  /** DynamoDB's operation (`UpdateItem`), or SES's path. */
  operation: string;
  body: string;
}

export interface FaultProxy {
  url: string;
  /** What went through, in order, with what was done to it. */
  log: Array<ProxiedRequest & { action: ProxyAction }>;
  close(): Promise<void>;
}

/** Starts the proxy in front of the given stand-ins (the local cloud's `endpoints.dynamodb`, `endpoints.ses`). */
export async function faultProxy(
  endpoints: { dynamodb: string; ses?: string },
  decide: (request: ProxiedRequest) => ProxyAction,
): Promise<FaultProxy> {
  const log: FaultProxy['log'] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const amzTarget = String(req.headers['x-amz-target'] ?? '');
      const proxied: ProxiedRequest = amzTarget.startsWith('DynamoDB_')
        ? { target: 'dynamodb', operation: amzTarget.split('.')[1] ?? '', body: body.toString('utf8') }
        : { target: 'ses', operation: req.url ?? '/', body: body.toString('utf8') };
      const action = decide(proxied);
      log.push({ ...proxied, action });
      if (action === 'hold') return;
      if (action === 'throttle') return sesThrottled(res);
      const endpoint = endpoints[proxied.target];
      if (!endpoint) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        return void res.end(`no ${proxied.target} endpoint behind this proxy`);
      }
      void pass(req, body, endpoint).then(
        (answer) => (action === 'lose-answer' ? answerLost(res) : relay(res, answer)),
        (error: Error) => {
          res.writeHead(502, { 'content-type': 'text/plain' });
          res.end(error.message);
        },
      );
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    log,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

function pass(req: IncomingMessage, body: Buffer, endpoint: string): Promise<Answer> {
  const headers = { ...req.headers, 'content-length': String(body.length) };
  delete headers.connection;
  delete headers['transfer-encoding'];
  return new Promise((resolve, reject) => {
    const sent = request(new URL(req.url ?? '/', endpoint), { method: req.method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 500, headers: response.headers, body: Buffer.concat(chunks) }),
      );
      response.on('error', reject);
    });
    sent.on('error', reject);
    sent.end(body);
  });
}

function relay(res: ServerResponse, answer: Answer): void {
  const headers = { ...answer.headers, 'content-length': String(answer.body.length) };
  delete headers.connection;
  delete headers['transfer-encoding'];
  res.writeHead(answer.status, headers);
  res.end(answer.body);
}

/** SES v2's TooManyRequestsException, as the service sends it. */
function sesThrottled(res: ServerResponse): void {
  const body = JSON.stringify({ message: 'Too many requests.' });
  res.writeHead(429, {
    'content-type': 'application/json',
    'x-amzn-errortype': 'TooManyRequestsException:http://internal.amazon.com/coral/com.amazon.sesv2/',
    'content-length': String(Buffer.byteLength(body)),
  });
  res.end(body);
}

/** DynamoDB's InternalServerError, as the service sends it (with the CRC32 it sends of every body). */
function answerLost(res: ServerResponse): void {
  const body = JSON.stringify({
    __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
    message: 'Internal server error',
  });
  res.writeHead(500, {
    'content-type': 'application/x-amz-json-1.0',
    'x-amzn-errortype': 'InternalServerError',
    'x-amz-crc32': String(crc32(body)),
    'content-length': String(Buffer.byteLength(body)),
  });
  res.end(body);
}
