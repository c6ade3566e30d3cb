import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import * as z from '@charter/events/zod';
import { HttpError, NotConfiguredError, ValidationError, badRequest, payloadTooLarge } from './errors';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2 & { statusCode: number };
export type HttpHandler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

/** Bodies above this are refused before parsing; API Gateway itself stops at 10 MB. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...SECURITY_HEADERS,
      ...headers,
    },
    body: JSON.stringify(body),
  };
}

export function html(statusCode: number, body: string, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      ...SECURITY_HEADERS,
      ...headers,
    },
    body,
  };
}

export const errorBody = (code: string, message: string, details?: Record<string, unknown>) => ({
  error: code,
  message,
  ...details,
});

/** API Gateway HTTP APIs lower-case header names, but a test or proxy may not: look up both. */
export function header(event: HttpEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

/** The body exactly as the client sent it (signatures are computed over these bytes). */
export function rawBody(event: HttpEvent, maxBytes = DEFAULT_MAX_BODY_BYTES): string {
  const body = event.body ?? '';
  const buffer = event.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
  if (buffer.byteLength > maxBytes) {
    throw payloadTooLarge(`The request body is ${buffer.byteLength} bytes; the limit is ${maxBytes}.`);
  }
  return buffer.toString('utf8');
}

export function parseJson(text: string): unknown {
  if (text.trim() === '') throw badRequest('The request body is empty; send a JSON object.', 'bad_json');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`The request body is not valid JSON (${(error as Error).message}).`, 'bad_json');
  }
}

export const jsonBody = (event: HttpEvent, maxBytes = DEFAULT_MAX_BODY_BYTES): unknown =>
  parseJson(rawBody(event, maxBytes));

export function issuesOf(error: z.core.$ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({ path: issue.path.join('.') || '(body)', message: issue.message }));
}

/** Validates with a zod schema; a failure is a 422 naming each bad field. */
export function validate<S extends z.ZodMiniType>(schema: S, value: unknown, code = 'validation_failed'): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(issuesOf(result.error), code);
  return result.data;
}

/**
 * Wraps an HTTP API handler: maps thrown HttpErrors to the contract's `{error, message}`
 * responses in one place, turns a missing secret or setting into a loud 500 `not_configured`,
 * and logs any other fault at ERROR without leaking it to the caller.
 */
export function httpHandler(logger: Logger, fn: HttpHandler): HttpHandler {
  return async (event, context) => {
    logger.resetKeys();
    logger.addContext(context);
    logger.appendKeys({ route: event.routeKey });
    try {
      return await fn(event, context);
    } catch (error) {
      return errorResponse(logger, error);
    }
  };
}

export function errorResponse(logger: Logger, error: unknown): HttpResult {
  if (error instanceof HttpError) {
    if (error.statusCode >= 500) logger.error(error.message, { error });
    else logger.info('request refused', { status: error.statusCode, code: error.code, reason: error.message });
    return json(error.statusCode, errorBody(error.code, error.message, error.details));
  }
  if (error instanceof NotConfiguredError) {
    logger.error(`not configured: ${error.message}`, { missing: error.missing });
    return json(
      500,
      errorBody(
        error.code,
        `This service is not configured: ${error.message}. The operator has been told in the logs.`,
      ),
    );
  }
  logger.error('unhandled error', { error: error as Error });
  return json(
    500,
    errorBody('internal_error', 'Something went wrong on our side. It has been logged; please retry later.'),
  );
}
