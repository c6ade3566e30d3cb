import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { SES_BACKOFF, backoffDelayMs, isRetriable, type BackoffPolicy, type SendFailure } from './domain/delivery';

/** Who holds a claim: unique per attempt, since Lambda keeps the request id when it retries an invocation. */
export const claimerOf = (context: Context) => `${context.awsRequestId}/${randomUUID().slice(0, 8)}`;

/**
 * True when two claimers are attempts of the same invocation (the same request id, which Lambda keeps across its
 * retries): the earlier one is certainly over, since Lambda retries only an attempt that ended.
 */
export const sameInvocation = (a: string, b: string) => a !== b && a.split('/')[0] === b.split('/')[0];

/** What a claimed send that did not certainly go out becomes, and keeps: it is never sent again automatically. */
export type KeptStatus = 'rejected' | 'unconfirmed';

export interface ClaimSendRecordSteps<Sent extends { ok: true }> {
  /** The conditional write that makes this invocation the only one that may send; false when another holds it. */
  claim: () => Promise<boolean>;
  /**
   * Written just before each request `send` makes (an email): from here what is sent may have gone. Until then the
   * claim is only a right to send, which another invocation may take over (this one then sends nothing: false), so
   * one that dies between its claim and its send costs nothing. Left out where a repeat is harmless (CrewNotified).
   */
  markSending?: () => Promise<boolean>;
  /**
   * The mark taken back (`sending` -> `claimed`, conditional on still holding it): before each backoff wait after SES
   * certainly did not take the message (throttled, a server fault), and after a mark whose write failed. So an
   * invocation killed while it waits to try again, or whose mark's answer was lost, leaves a claim anyone takes over,
   * not one judged `unconfirmed`: only "a request went out and its answer was lost" stays unknown. False when the
   * claim is no longer held so (nothing more is sent). Required with `markSending`.
   */
  unmarkSending?: () => Promise<boolean>;
  /** One request (SES SendEmail, EventBridge PutEvents), `attempt` counting from 1. A throw counts as not sent. */
  send: (attempt: number) => Promise<Sent | SendFailure>;
  /** Attempts of a send that certainly did not go out (throttled, a server fault) within this invocation. */
  sendPolicy?: BackoffPolicy;
  /** It went out: the claim becomes a record of it. Tried again on a failure (see RECORD_POLICY). */
  record: (sent: Sent) => Promise<unknown>;
  /** It certainly did not go out (throttled, a server fault): the claim is given back for a later attempt. */
  release: () => Promise<unknown>;
  /**
   * Refused for good (`rejected`), or perhaps gone with the answer lost (`unconfirmed`): the claim
   * stays, so nobody sends it again. Left out where `send` never returns a failure (PutEvents throws).
   */
  keep?: (status: KeptStatus, reason: string) => Promise<unknown>;
  /** The wait between record attempts (tests pass their own). */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * What was sent (its message id) is only in this invocation's memory until recorded: a record lost to a DynamoDB
 * fault that outlasted the SDK's retries turns a sent message into one that may have gone, reported to a person. So
 * the record is tried a few more times, a few seconds in all, before the invocation gives up.
 */
export const RECORD_POLICY: BackoffPolicy = { attempts: 4, baseMs: 250, capMs: 2000 };

/** Thrown by a record whose claim is no longer this invocation's: trying again cannot help. */
export class ClaimGoneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClaimGoneError';
  }
}

async function recordPersistently(record: () => Promise<unknown>, sleep: (ms: number) => Promise<void>) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await record();
    } catch (error) {
      if (error instanceof ClaimGoneError || attempt >= RECORD_POLICY.attempts) throw error;
      await sleep(backoffDelayMs(attempt, RECORD_POLICY));
    }
  }
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export type ClaimSendRecordOutcome<Sent> =
  | { kind: 'claimed_elsewhere' }
  | { kind: 'sent'; sent: Sent }
  | { kind: 'released' | KeptStatus; reason: string; attempts: number };

/**
 * Claim, (mark sending,) send, record: the one way this service does what must happen at most once per booking
 * (a member's crew email, an alert, CrewNotified). SES SendEmail has no idempotency key and
 * EventBridge delivers every event at least once, often concurrently, so the claim, a
 * conditional write, is what lets exactly one invocation send. The sending mark tells "about to send" from "may
 * have sent": only the second is never sent again. What the send's answer leads to
 * is the same for every caller; how each step is written, and what is logged, is theirs.
 */
export async function claimSendRecord<Sent extends { ok: true }>(
  steps: ClaimSendRecordSteps<Sent>,
): Promise<ClaimSendRecordOutcome<Sent>> {
  if (!(await steps.claim())) return { kind: 'claimed_elsewhere' };
  const policy = steps.sendPolicy ?? SES_BACKOFF;
  const sleep = steps.sleep ?? defaultSleep;
  // Our own retry loop rather than the SDK's (its retries are off for SendEmail): each attempt is marked, and the mark
  // taken back before each wait, which the SDK's retry loop has no hook between attempts for.
  for (let attempt = 1; ; attempt++) {
    // A throw here leaves the claim as it is (or takes the mark back): not sent, so whoever comes next takes it over.
    if (steps.markSending && !(await markOrTakeBack(steps))) return { kind: 'claimed_elsewhere' };
    let result: Sent | SendFailure;
    try {
      result = await steps.send(attempt);
    } catch (error) {
      await steps.release();
      throw error;
    }
    if (result.ok) {
      await recordPersistently(() => steps.record(result), sleep);
      return { kind: 'sent', sent: result };
    }
    const { reason, attempts } = result;
    if (isRetriable(result) && attempt < policy.attempts) {
      if (steps.unmarkSending && !(await steps.unmarkSending())) return { kind: 'claimed_elsewhere' };
      await sleep(backoffDelayMs(attempt, policy));
      continue;
    }
    if (isRetriable(result)) {
      await steps.release();
      return { kind: 'released', reason, attempts };
    }
    const status = result.kind === 'rejected' ? 'rejected' : 'unconfirmed';
    await steps.keep?.(status, reason);
    return { kind: status, reason, attempts };
  }
}

/**
 * The sending mark, taken back if its write failed: nothing was sent, and a mark DynamoDB applied while its answer
 * was lost would otherwise leave `sending` behind, which the next attempt would judge "may have gone".
 */
async function markOrTakeBack(steps: Pick<ClaimSendRecordSteps<{ ok: true }>, 'markSending' | 'unmarkSending'>) {
  try {
    return await steps.markSending!();
  } catch (error) {
    await steps.unmarkSending?.().catch(() => false);
    throw error;
  }
}
