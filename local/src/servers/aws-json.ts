import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The AWS JSON 1.0/1.1 wire protocol as the SDK v3 clients speak it: POST / with
 * `X-Amz-Target: <Prefix>.<Operation>`, a JSON body, and errors as
 * `{"__type": "<Code>", "message": "..."}` with `x-amzn-ErrorType`.
 */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = code;
  }
}

/**
 * An operation is handed the request body as the SDK sent it: each declares the input shape it
 * reads (in its own signature, or the state method it calls), as AWS's service trusts its SDK.
 */
export type Operation<Input = never> = (input: Input) => unknown;
export type Operations = Record<string, Operation>;

/** How far past the limit a refused body is still read (and dropped) before the connection is cut. */
const DRAIN_LIMIT_FACTOR = 4;

export function readBody(req: IncomingMessage, limit = 10 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      if (size - chunk.length <= limit) {
        // Refused, but the rest is read and dropped (up to a bound), so the client gets the 413 rather than a
        // connection closed under it while it still sends.
        chunks.length = 0;
        reject(new AwsError('RequestEntityTooLargeException', `Request body over ${limit} bytes`, 413));
      }
      if (size > DRAIN_LIMIT_FACTOR * limit) req.destroy();
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType: string,
  extra: Record<string, string> = {},
): void {
  const text = JSON.stringify(body ?? {});
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': cryptoRandomId(),
    ...extra,
  });
  res.end(text);
}

export const cryptoRandomId = () => globalThis.crypto.randomUUID();

export function awsJsonHandler(targetPrefix: string, operations: Operations, version: '1.0' | '1.1') {
  const contentType = `application/x-amz-json-${version}`;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const target = String(req.headers['x-amz-target'] ?? '');
      const [prefix, operation] = target.split('.');
      if (req.method !== 'POST' || prefix !== targetPrefix || !operation) {
        throw new AwsError(
          'UnknownOperationException',
          `Expected POST with X-Amz-Target ${targetPrefix}.<Operation>, got ${req.method} ${target || '(none)'}`,
        );
      }
      const handler = operations[operation];
      if (!handler)
        throw new AwsError('UnknownOperationException', `${operation} is not supported by the local ${targetPrefix}`);
      const body = await readBody(req);
      let input: unknown = {};
      if (body.length > 0) {
        try {
          input = JSON.parse(body.toString('utf8'));
        } catch {
          throw new AwsError('SerializationException', 'The request body is not valid JSON');
        }
      }
      const output = await (handler as Operation<unknown>)(input);
      sendJson(res, 200, output ?? {}, contentType);
    } catch (error) {
      const aws = error instanceof AwsError ? error : new AwsError('InternalFailure', (error as Error).message, 500);
      sendJson(res, aws.statusCode, { __type: aws.code, message: aws.message }, contentType, {
        'x-amzn-errortype': aws.code,
      });
    }
  };
}

/** Listens on 127.0.0.1 only; a busy port is an error naming the port and what wanted it. */
export function listen(server: Server, port: number, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`Port ${port} (${what}) is already in use: stop whatever holds it, or start with --port-base <n>`)
          : error,
      );
    };
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });
}

export { createServer };
