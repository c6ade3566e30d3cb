/**
 * Every error the services raise on purpose, in one hierarchy. What a caller or Lambda does with
 * one follows from its class alone:
 *
 * | class                | an HTTP route answers                     | a bus consumer                   |
 * |----------------------|-------------------------------------------|----------------------------------|
 * | HttpError            | its status and `{error, message}`         | (not raised there)               |
 * | NotConfiguredError   | 500 `not_configured`, ERROR log naming it | throws: retried, then DLQ        |
 * | PermanentFailure     | 500 (a fault of ours)                     | dead-letters at once, no retry   |
 * | anything else        | 500 `internal_error`                      | throws: Lambda retries, then DLQ |
 *
 * A missing setting is retried rather than dead-lettered: the operator fixes the stage, and the
 * retries (or a redrive) then succeed.
 */

export type FieldIssue = { path: string; message: string };

const describeFields = (fields: readonly FieldIssue[]) => fields.map((f) => `${f.path}: ${f.message}`).join('; ');

/** An error that crosses an HTTP edge: `httpHandler` maps it to the contract's response in one place. */
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
    readonly fields: FieldIssue[],
    code = 'validation_failed',
  ) {
    super(422, code, describeFields(fields), { fields });
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

/**
 * A failure no retry will cure (a refused recipient, an event that can never be valid): a bus
 * consumer dead-letters it at once with its reason instead of letting Lambda retry it twice.
 */
export class PermanentFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentFailure';
  }
}

/**
 * A booking event of a revision already applied, with other content (a partner that changed a booking without raising
 * its revision, or sent one revision as both a create and an update): which content is right is the partner's to say,
 * so it changes nothing and is dead-lettered with reason `revision_conflict`, visible to the operator, rather than
 * taken as a redelivery and silently ignored.
 */
export class RevisionConflictError extends PermanentFailure {
  readonly reason = 'revision_conflict';
  constructor(
    readonly bookingId: string,
    readonly revision: number,
  ) {
    super(
      `revision_conflict: booking ${bookingId} revision ${revision} was applied with other content; ` +
        'the partner must send the change with a higher revision',
    );
    this.name = 'RevisionConflictError';
  }
}

/** A bus event that can never succeed, whatever the retry: its fields are named in the message. */
export class InvalidEventError extends PermanentFailure {
  constructor(
    readonly fields: FieldIssue[],
    readonly bookingId?: string,
  ) {
    super(`invalid event: ${describeFields(fields)}`);
    this.name = 'InvalidEventError';
  }
}

/** A detail we were about to publish breaks its own contract: a bug, which no retry cures. */
export class EventValidationError extends PermanentFailure {
  constructor(
    readonly detailType: string,
    readonly fields: FieldIssue[],
  ) {
    super(`${detailType} detail is invalid: ${describeFields(fields)}`);
    this.name = 'EventValidationError';
  }
}

/** EventBridge refuses a PutEvents entry over 256 KB; the same entry is refused every time. */
export class EventTooLargeError extends PermanentFailure {
  constructor(
    readonly bytes: number,
    limit: number,
  ) {
    super(`The event entry is ${bytes} bytes; EventBridge accepts at most ${limit}.`);
    this.name = 'EventTooLargeError';
  }
}

/** EventBridge refused an entry after our retries (throttling that outlasted them, or a refusal). */
export class PublishError extends Error {
  constructor(
    readonly errorCode: string | undefined,
    message: string | undefined,
  ) {
    super(`EventBridge refused the event: ${errorCode ?? 'unknown'} ${message ?? ''}`.trim());
    this.name = 'PublishError';
  }
}

/**
 * Another partner's event named a booking that belongs to someone else (ids are public in the calendar JSON): it
 * changes nothing anywhere and is dead-lettered with reason `not_owner`, visible to the operator.
 */
export class NotOwnerError extends PermanentFailure {
  readonly reason = 'not_owner';
  constructor(
    readonly bookingId: string,
    readonly partner: string,
    readonly owner: string,
  ) {
    super(`not_owner: booking ${bookingId} belongs to ${owner}; an event from ${partner} cannot change it`);
    this.name = 'NotOwnerError';
  }
}
