/**
 * How the notifier reads an SES answer. What matters is whether the message may have gone:
 * - throttled: SES refused for rate (the message did not go); retry with backoff.
 * - transient: SES answered with a server fault, or we never reached it; the message did not go.
 * - rejected: SES refused this message for good (unverified sender, bad address, paused account):
 *   no retry will cure it, so the event is dead-lettered with the reason.
 * - no_response: the request may have reached SES and the answer was lost; the message may have
 *   gone, so it is never retried automatically (at most once per crew member).
 */
export type SesFailureKind = 'throttled' | 'transient' | 'rejected' | 'no_response';

export interface SesFailure {
  kind: SesFailureKind;
  /** "MessageRejected: Email address is not verified." */
  reason: string;
}

/** A send that failed, after `attempts` tries. */
export type SendFailure = SesFailure & { ok: false; attempts: number };

const THROTTLING = new Set([
  'TooManyRequestsException',
  'Throttling',
  'ThrottlingException',
  'LimitExceededException',
  'LimitExceeded',
]);

const PERMANENT = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'MailFromDomainNotVerified',
  'BadRequestException',
  'NotFoundException',
  'AccountSuspendedException',
  'SendingPausedException',
  'InvalidParameterValue',
]);

/** SES's own answers that a request failed on its side (SES v2 error types): the message was not taken. */
const SES_FAILED = new Set(['InternalFailure', 'InternalServiceErrorException', 'ServiceUnavailable']);

/** Errors raised before a request left this machine or reached SES: nothing was sent. */
const NEVER_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'CredentialsProviderError',
]);

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

export function classifySesError(error: unknown): SesFailure {
  const e = (error ?? {}) as SdkErrorShape;
  const name = e.name ?? 'Error';
  const reason = `${name}: ${e.message ?? 'no message'}`;
  const status = e.$metadata?.httpStatusCode;
  if (THROTTLING.has(name) || status === 429) return { kind: 'throttled', reason };
  if (PERMANENT.has(name)) return { kind: 'rejected', reason };
  // Only SES's own answers that it failed (InternalFailure, or 503 ServiceUnavailable) say the message did not go; a
  // 502 or 504 from something in between, or an unnamed 500, may come after SES took it: never sent again.
  if (SES_FAILED.has(name) || status === 503) return { kind: 'transient', reason };
  if (status !== undefined && status >= 500) return { kind: 'no_response', reason };
  if (status !== undefined && status >= 400) return { kind: 'rejected', reason };
  if (NEVER_CONNECTED.has(e.code ?? '') || NEVER_CONNECTED.has(name)) return { kind: 'transient', reason };
  return { kind: 'no_response', reason };
}

export interface BackoffPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  baseMs: number;
  capMs: number;
}

/** A few attempts inside one invocation; Lambda's own retries (minutes apart) come after. */
export const SES_BACKOFF: BackoffPolicy = { attempts: 4, baseMs: 200, capMs: 3000 };

/**
 * "Full jitter" backoff: a random wait up to base * 2^(attempt-1), capped, so many invocations
 * throttled together do not retry in lockstep. `attempt` counts failures so far (1 = after the first).
 */
export function backoffDelayMs(
  attempt: number,
  policy: BackoffPolicy = SES_BACKOFF,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

export const isRetriable = (failure: SesFailure) => failure.kind === 'throttled' || failure.kind === 'transient';
