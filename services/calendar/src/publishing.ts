import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@aws-lambda-powertools/logger';
import { publish } from '@charter/shared/publisher';
import type { CalendarUpdatedInput } from '@charter/events';
import { rebuildLeaseMs, setting } from './config';
import { calendarUpdateOf, type BookingHead } from './domain/booking-head';
import { nextInvalidationStep, type CoalescingPolicy, type InvalidationStep } from './domain/invalidation';
import { buildPublicCalendar, entriesDigest, publicCalendarJson } from './domain/public-calendar';
import { fileEntry, queryYearEntries, type YearVersion } from './store/entries';
import { createInvalidation, putPublicCalendar } from './store/public-site';
import {
  claimInvalidation,
  completeInvalidation,
  forgetBuild,
  listYearStates,
  readYearState,
  reclaimInvalidation,
  recordBuild,
  releaseRebuildLease,
  tryAcquireRebuildLease,
  type YearState,
} from './store/years';

/**
 * How an entry reaches `calendar/<year>.json` without losing a concurrent booking:
 *
 * 1. the entry is filed from the booking's head, then the year's `version` is bumped (store/entries.ts);
 * 2. `publishYear` waits until the bucket holds a build of at least that version. One caller at
 *    a time holds the year's rebuild lease; it reads the version, queries every entry of the
 *    year, PUTs the JSON and records the version it built, and repeats while the version moved
 *    meanwhile. The others poll and return once the recorded build covers their version.
 *
 * Because a build reads the version before querying, a build of version v holds every change
 * up to v. Because one holder writes at a time, builds land in order: a slow builder's older
 * snapshot cannot overwrite a newer one, so once a change is in the JSON it stays there until
 * a later change of the same booking. A burst of N changes costs a handful of rebuilds, not N.
 */

/**
 * The year's JSON had not caught up when this invocation had to answer. Transient: the bus
 * retries the event, the dashboard is answered 503 and retries the same request.
 */
export class RebuildTimeoutError extends Error {
  constructor(
    readonly year: number,
    readonly target: number,
    readonly built: number,
  ) {
    super(`calendar ${year} is still at version ${built}, below ${target}, as this invocation runs out of time; retry`);
    this.name = 'RebuildTimeoutError';
  }
}

/**
 * A builder outlived its lease, so its build was discarded (forgetBuild) and the invocation
 * fails, to be retried. The lease outlasts every function's timeout, so this marks a fault.
 */
export class LeaseLostError extends Error {
  constructor(readonly year: number) {
    super(`the rebuild lease of calendar ${year} expired while this builder held it; its build was discarded`);
    this.name = 'LeaseLostError';
  }
}

/** A holder rebuilds at most this many times in a row, then lets a waiter take over. */
const MAX_PASSES_PER_LEASE = 5;
const FIRST_POLL_MS = 40;
const MAX_POLL_MS = 400;
/** A claimed invalidation unconfirmed this long is finished by someone else (same reference). */
const RESUME_INVALIDATION_AFTER_MS = 15_000;

const jitter = (ms: number) => ms / 2 + Math.random() * ms;

export const coalescingPolicy = (): CoalescingPolicy => ({
  windowMs: setting('INVALIDATION_WINDOW_SECONDS') * 1000,
  resumeAfterMs: RESUME_INVALIDATION_AFTER_MS,
});

/** What a step needs of the invocation running it. */
export interface Invocation {
  /** The handler's logger, carrying the booking id. */
  logger: Logger;
  /** When waiting on a rebuild must stop (ms since the epoch). */
  deadline: number;
  /** Lambda's request id, which it keeps when it retries an invocation. */
  requestId?: string;
}

/** The handler's invocation, its deadline keeping a margin to answer or fail cleanly. */
export function invocationOf(
  logger: Logger,
  context: { getRemainingTimeInMillis?: () => number; awsRequestId?: string } | undefined,
): Invocation {
  const remaining =
    typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 10_000;
  return {
    logger,
    deadline: Date.now() + Math.max(remaining - 1_500, 1_000),
    ...(context?.awsRequestId ? { requestId: context.awsRequestId } : {}),
  };
}

export interface Announced {
  /** Every year whose JSON was brought up to date, with the version it holds at least. */
  years: YearVersion[];
  /** What CalendarUpdated said; none for a tombstone (a cancellation that came first: no year, nobody to tell). */
  update?: CalendarUpdatedInput;
  eventId?: string;
}

/**
 * Files the head's entry (store/entries.ts), returns once every year it touched is in the bucket as the head has it,
 * and only then announces CalendarUpdated, so whoever follows the announcement finds the booking's revision in the
 * JSON (or, for a cancellation, no longer finds it). Idempotent: a redelivery runs it again from the same head.
 */
export async function fileAndAnnounce(head: BookingHead, invocation: Invocation): Promise<Announced> {
  const years = await fileEntry(head);
  for (const { year, version } of years) await publishYear(year, version, invocation);
  for (const { year } of years) await invalidateQuietly(year, invocation.logger);
  const update = calendarUpdateOf(head, setting('CALENDAR_SITE_URL'));
  if (!update) return { years };
  return { years, update, eventId: await publish('CalendarUpdated', update) };
}

/** Returns once `calendar/<year>.json` was built from version `target` or later. */
export async function publishYear(year: number, target: number, invocation: Invocation): Promise<void> {
  for (let wait = FIRST_POLL_MS; ; wait = Math.min(wait * 2, MAX_POLL_MS)) {
    const state = await readYearState(year);
    if (!state) throw new Error(`calendar ${year} has no year record; fileEntry creates it before publishing`);
    if (state.built_version >= target) return;
    const now = Date.now();
    // Owners are prefixed with the request id: Lambda retries only an attempt that ended (a timeout stops it), so a
    // lease held by an earlier attempt of this very invocation has no live holder and is taken at once.
    const attempt = invocation.requestId ? `${invocation.requestId}/` : undefined;
    const heldByEarlierAttempt = attempt !== undefined && state.lease_owner?.startsWith(attempt) === true;
    if (state.lease_until === undefined || state.lease_until < now || heldByEarlierAttempt) {
      const owner = `${attempt ?? ''}${randomUUID()}`;
      if (await tryAcquireRebuildLease(year, owner, now, rebuildLeaseMs(), attempt)) {
        try {
          await rebuildWhileBehind(year, owner, invocation.logger);
        } finally {
          await releaseRebuildLease(year, owner);
        }
        wait = FIRST_POLL_MS / 2;
        continue;
      }
    }
    if (Date.now() + wait > invocation.deadline) throw new RebuildTimeoutError(year, target, state.built_version);
    await sleep(jitter(wait));
  }
}

async function rebuildWhileBehind(year: number, owner: string, logger: Logger): Promise<void> {
  for (let pass = 1; pass <= MAX_PASSES_PER_LEASE; pass++) {
    const state = await readYearState(year);
    if (!state || state.built_version >= state.version) return;
    const started = Date.now();
    // The version is read before the query: the build holds every change up to it.
    const entries = await queryYearEntries(year);
    const calendar = buildPublicCalendar(year, entries, new Date());
    const digest = entriesDigest(calendar);
    const wrote = digest !== state.built_digest;
    if (wrote) await putPublicCalendar(year, publicCalendarJson(calendar), state.version);
    const leaseUntil = Date.now() + rebuildLeaseMs();
    if (!(await recordBuild(year, owner, { version: state.version, digest, wrote, leaseUntil }))) {
      await forgetBuild(year);
      throw new LeaseLostError(year);
    }
    logger.info('calendar rebuilt', {
      year,
      version: state.version,
      entries: calendar.entries.length,
      wrote,
      pass,
      ms: Date.now() - started,
    });
  }
}

/** Takes the year's next invalidation step; issues at most one CreateInvalidation. */
async function invalidateIfDue(
  year: number,
  logger: Logger,
  now = Date.now(),
): Promise<InvalidationStep & { issued?: string }> {
  const state = await readYearState(year);
  if (!state) return { kind: 'clean' };
  const step = nextInvalidationStep(state, now, coalescingPolicy());
  if (step.kind === 'claim' && (await claimInvalidation(state, step, now))) {
    return { ...step, issued: await issue(year, step.ref, logger) };
  }
  if (step.kind === 'resume' && (await reclaimInvalidation(year, step.ref, state.pending_claimed_at, now))) {
    return { ...step, issued: await issue(year, step.ref, logger) };
  }
  return step;
}

async function issue(year: number, ref: string, logger: Logger): Promise<string> {
  const id = await createInvalidation(year, ref);
  await completeInvalidation(year, ref);
  logger.info('calendar invalidation created', { year, caller_reference: ref, invalidation_id: id });
  return id ?? ref;
}

/**
 * A booking is saved and in the bucket by now; a failed invalidation must not fail it. The
 * claim stays recorded, and the sweep finishes it with the same CallerReference.
 */
async function invalidateQuietly(year: number, logger: Logger): Promise<void> {
  try {
    await invalidateIfDue(year, logger);
  } catch (error) {
    logger.error('calendar invalidation failed; the sweep will retry it', { year, error: error as Error });
  }
}

export interface SweepReport {
  years: { year: number; rebuilt: boolean; step: InvalidationStep['kind'] | 'failed'; issued?: string }[];
}

/**
 * The scheduled safety net: rebuilds a year whose builder died before catching up, issues the
 * trailing invalidation of a burst once its window has passed, and finishes stale claims. One
 * year's failure is logged and leaves the others to be swept; the next run tries it again.
 */
export async function sweepYears(invocation: Invocation): Promise<SweepReport> {
  const report: SweepReport = { years: [] };
  for (const state of await listYearStates()) {
    const rebuilt = needsRebuild(state, Date.now());
    try {
      if (rebuilt) await publishYear(state.year, state.version, invocation);
      const step = await invalidateIfDue(state.year, invocation.logger);
      report.years.push({
        year: state.year,
        rebuilt,
        step: step.kind,
        ...(step.issued ? { issued: step.issued } : {}),
      });
    } catch (error) {
      invocation.logger.error('calendar sweep failed for a year; the next sweep retries it', {
        year: state.year,
        error: error as Error,
      });
      report.years.push({ year: state.year, rebuilt: false, step: 'failed' });
    }
  }
  return report;
}

const needsRebuild = (state: YearState, now: number) =>
  state.built_version < state.version && (state.lease_until === undefined || state.lease_until < now);
