import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../servers/aws-json';
import type { LambdaRuntime } from './runtime';

/**
 * Lambda's Invoke API (REST-JSON, 2015-03-31) for the local functions, so tools such as
 * `npm run dlq -- redrive` use the real `@aws-sdk/client-lambda`, locally as in AWS.
 */
export function invokeApiHandler(runtime: LambdaRuntime) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://local');
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = body === undefined ? '' : JSON.stringify(body);
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
        ...headers,
      });
      res.end(text);
    };
    const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(url.pathname);
    if (req.method !== 'POST' || !match)
      return send(
        404,
        { Type: 'User', message: `No local Lambda API at ${req.method} ${url.pathname}` },
        { 'x-amzn-errortype': 'ResourceNotFoundException' },
      );
    const given = decodeURIComponent(match[1]!);
    const name = given.startsWith('arn:') ? (given.split(':')[6] ?? '') : given;
    if (!runtime.names().includes(name)) {
      return send(
        404,
        { Type: 'User', Message: `Function not found: ${given}` },
        { 'x-amzn-errortype': 'ResourceNotFoundException' },
      );
    }
    const raw = (await readBody(req, 6 * 1024 * 1024)).toString('utf8');
    let payload: unknown;
    try {
      payload = raw ? JSON.parse(raw) : {};
    } catch {
      return send(
        400,
        { Type: 'User', message: 'Could not parse request body into json' },
        { 'x-amzn-errortype': 'InvalidRequestContentException' },
      );
    }
    const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    if (type === 'DryRun') return send(204, undefined);
    if (type === 'Event') {
      runtime.invokeAsync(name, payload);
      return send(202, undefined);
    }
    const result = await runtime.invoke(name, payload);
    if (result.ok) return send(200, result.result, { 'x-amz-executed-version': '$LATEST' });
    return send(200, result.error, { 'x-amz-function-error': 'Unhandled', 'x-amz-executed-version': '$LATEST' });
  };
}
