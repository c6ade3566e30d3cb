/**
 * Errors that cross an HTTP edge. Each carries the contract's `{error, message}` pair, so a
 * handler throws one and `httpHandler` maps it to a response in one place.
 */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (message: string, code = 'bad_request') => new HttpError(400, code, message);
export const unauthorized = (message: string, code = 'unauthorized') => new HttpError(401, code, message);
export const forbidden = (message: string, code = 'forbidden') => new HttpError(403, code, message);
export const notFound = (message: string, code = 'not_found') => new HttpError(404, code, message);
export const conflict = (message: string, code = 'conflict') => new HttpError(409, code, message);
export const payloadTooLarge = (message: string, code = 'payload_too_large') => new HttpError(413, code, message);
export const unsupportedMediaType = (message: string, code = 'unsupported_media_type') =>
  new HttpError(415, code, message);

/** A field-level validation failure: 422 with every bad field named. */
export class ValidationError extends HttpError {
  constructor(
    readonly fields: { path: string; message: string }[],
    code = 'validation_failed',
  ) {
    super(422, code, fields.map((f) => `${f.path}: ${f.message}`).join('; '), { fields });
    this.name = 'ValidationError';
  }
}

/**
 * A secret or setting the service needs is missing. Never swallowed: it answers 500
 * `not_configured` and logs at ERROR naming what is missing, so an operator can fix the stage.
 */
export class NotConfiguredError extends Error {
  readonly statusCode = 500;
  readonly code = 'not_configured';
  constructor(
    readonly missing: string,
    detail?: string,
  ) {
    super(`${missing} is not configured${detail ? `: ${detail}` : ''}`);
    this.name = 'NotConfiguredError';
  }
}
