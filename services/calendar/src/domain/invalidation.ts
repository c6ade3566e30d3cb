import * as z from '@charter/events/zod';

/**
 * When to invalidate `/calendar/<year>.json` on CloudFront. Invalidations past the free tier
 * cost money and AWS limits how many run at once, so a burst of bookings in one year must not
 * cause one per booking. The rule, per year:
 *
 * - every PUT of changed content adds one to `put_seq`; the year is dirty while
 *   `put_seq > invalidated_seq`;
 * - a dirty year is invalidated at once if its last invalidation is at least `windowMs` old
 *   (leading edge: a lone booking is visible quickly), otherwise it waits; the sweep that runs
 *   every minute invalidates what is still dirty once the window has passed (trailing edge);
 * - a claim is a conditional write on `last_invalidated_at`, so of many concurrent invocations
 *   exactly one issues it; it records the CallerReference first, so a crash between the claim
 *   and the CloudFront call is finished later with the same reference, which CloudFront treats as
 *   the same invalidation.
 *
 * Bound: claims of one year are at least `windowMs` apart, so a burst lasting T causes at most
 * 1 (leading) + floor(T / window) (during) + 1 (trailing) invalidations of that year, whatever
 * the number of bookings; see `maxInvalidationsForBurst`.
 */
export const InvalidationState = z.object({
  year: z.number(),
  /** When the year's record was created (ms); part of the CallerReference, see `callerReference`. */
  epoch: z._default(z.number(), 0),
  /** A year nothing was PUT for yet, or never invalidated, counts 0. */
  put_seq: z._default(z.number(), 0),
  invalidated_seq: z._default(z.number(), 0),
  last_invalidated_at: z.optional(z.number()),
  pending_ref: z.optional(z.string()),
  pending_claimed_at: z.optional(z.number()),
});
export type InvalidationState = z.infer<typeof InvalidationState>;

export interface CoalescingPolicy {
  windowMs: number;
  /** A claim older than this whose invalidation was not confirmed is finished by someone else. */
  resumeAfterMs: number;
}

export type InvalidationStep =
  | { kind: 'clean' }
  | { kind: 'wait'; due_at: number }
  | { kind: 'in_flight'; ref: string }
  | { kind: 'resume'; ref: string }
  | { kind: 'claim'; seq: number; ref: string };

export function nextInvalidationStep(
  state: InvalidationState,
  now: number,
  policy: CoalescingPolicy,
): InvalidationStep {
  if (state.pending_ref !== undefined) {
    const claimedAt = state.pending_claimed_at ?? 0;
    return now - claimedAt >= policy.resumeAfterMs
      ? { kind: 'resume', ref: state.pending_ref }
      : { kind: 'in_flight', ref: state.pending_ref };
  }
  if (state.put_seq <= state.invalidated_seq) return { kind: 'clean' };
  if (state.last_invalidated_at !== undefined) {
    const dueAt = state.last_invalidated_at + policy.windowMs;
    if (now < dueAt) return { kind: 'wait', due_at: dueAt };
  }
  return { kind: 'claim', seq: state.put_seq, ref: callerReference(state) };
}

/**
 * One reference per (year record, PUT sequence): a retry of the same claim reuses it and
 * CloudFront answers with the invalidation it already made. The epoch keeps a recreated table,
 * whose sequences start again at 1, from reusing references CloudFront still remembers.
 */
export const callerReference = (state: Pick<InvalidationState, 'year' | 'epoch' | 'put_seq'>) =>
  `calendar-${state.year}-${state.epoch}-${state.put_seq}`;

/** The most invalidations one year gets from a burst of changes lasting `burstMs`. */
export const maxInvalidationsForBurst = (burstMs: number, windowMs: number) => 2 + Math.floor(burstMs / windowMs);
