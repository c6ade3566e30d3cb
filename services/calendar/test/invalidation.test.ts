import fc from 'fast-check';
import {
  callerReference,
  maxInvalidationsForBurst,
  nextInvalidationStep,
  type CoalescingPolicy,
  type InvalidationState,
} from '../src/domain/invalidation';

const policy: CoalescingPolicy = { windowMs: 30_000, resumeAfterMs: 15_000 };
const clean: InvalidationState = { year: 2027, epoch: 1_700_000_000_000, put_seq: 0, invalidated_seq: 0 };

describe('when to invalidate /calendar/<year>.json', () => {
  it('does nothing for a year whose every PUT is already invalidated', () => {
    expect(nextInvalidationStep(clean, 0, policy)).toEqual({ kind: 'clean' });
    expect(
      nextInvalidationStep({ ...clean, put_seq: 4, invalidated_seq: 4, last_invalidated_at: 0 }, 1, policy),
    ).toEqual({ kind: 'clean' });
  });

  it('invalidates the first change at once (leading edge)', () => {
    expect(nextInvalidationStep({ ...clean, put_seq: 1 }, 1000, policy)).toEqual({
      kind: 'claim',
      seq: 1,
      ref: 'calendar-2027-1700000000000-1',
    });
  });

  it('waits out the window after an invalidation, then claims everything PUT meanwhile in one', () => {
    const state = { ...clean, put_seq: 9, invalidated_seq: 1, last_invalidated_at: 10_000 };
    expect(nextInvalidationStep(state, 39_999, policy)).toEqual({ kind: 'wait', due_at: 40_000 });
    expect(nextInvalidationStep(state, 40_000, policy)).toMatchObject({ kind: 'claim', seq: 9 });
  });

  it('leaves a fresh claim to its claimer and finishes a stale one with the same reference', () => {
    const state = {
      ...clean,
      put_seq: 3,
      invalidated_seq: 3,
      last_invalidated_at: 0,
      pending_ref: 'calendar-2027-1-3',
      pending_claimed_at: 0,
    };
    expect(nextInvalidationStep(state, 14_999, policy)).toEqual({ kind: 'in_flight', ref: 'calendar-2027-1-3' });
    expect(nextInvalidationStep(state, 15_000, policy)).toEqual({ kind: 'resume', ref: 'calendar-2027-1-3' });
  });

  it('gives each PUT sequence of each year record its own CallerReference, and a retry the same one', () => {
    const a = callerReference({ year: 2027, epoch: 1, put_seq: 5 });
    expect(callerReference({ year: 2027, epoch: 1, put_seq: 5 })).toBe(a);
    expect(callerReference({ year: 2027, epoch: 1, put_seq: 6 })).not.toBe(a);
    expect(callerReference({ year: 2028, epoch: 1, put_seq: 5 })).not.toBe(a);
    expect(callerReference({ year: 2027, epoch: 2, put_seq: 5 })).not.toBe(a);
  });

  /**
   * A model of the table: every PUT is followed by several concurrent invocations that read the
   * same state and race for the conditional claim; claimers sometimes crash before CloudFront
   * answers; a sweep runs every minute. Whatever the burst, the number of distinct invalidations
   * stays within the documented bound, every PUT ends up invalidated, and without crashes the
   * last one within the window plus a sweep interval.
   */
  it('keeps any burst within 2 + floor(burst / window) invalidations and still invalidates the last change', () => {
    const SWEEP_MS = 60_000;
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 180_000 }), { minLength: 1, maxLength: 300, size: 'large' }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: SWEEP_MS - 1 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }),
        (rawTimes, concurrency, sweepOffset, crashes) => {
          const times = [...rawTimes].sort((a, b) => a - b);
          const state: InvalidationState = { ...clean };
          const issued = new Set<string>();
          let claims = 0;
          let lastPutCoveredAt: number | undefined;

          const invoke = (now: number) => {
            const step = nextInvalidationStep({ ...state }, now, policy);
            if (step.kind === 'claim') {
              // The conditional write: only the first of the concurrent readers gets here.
              Object.assign(state, {
                invalidated_seq: step.seq,
                last_invalidated_at: now,
                pending_ref: step.ref,
                pending_claimed_at: now,
              });
              if (crashes[claims++ % crashes.length]) return; // crashed before CloudFront answered
              issued.add(step.ref);
              delete state.pending_ref;
              delete state.pending_claimed_at;
            } else if (step.kind === 'resume') {
              issued.add(step.ref);
              delete state.pending_ref;
              delete state.pending_claimed_at;
            } else return;
            if (
              state.invalidated_seq === times.length &&
              lastPutCoveredAt === undefined &&
              state.pending_ref === undefined
            )
              lastPutCoveredAt = now;
          };

          const events: { at: number; kind: 'put' | 'sweep' }[] = times.map((at) => ({ at, kind: 'put' }));
          const end = times[times.length - 1]! + policy.windowMs + 2 * (crashes.length + 1) * SWEEP_MS;
          for (let at = sweepOffset; at <= end; at += SWEEP_MS) events.push({ at, kind: 'sweep' });
          events.sort((a, b) => a.at - b.at || (a.kind === 'put' ? -1 : 1));

          for (const event of events) {
            if (event.kind === 'put') {
              state.put_seq++;
              // Concurrent invocations: the claim is conditional, so after the first wins the rest see its claim.
              for (let i = 0; i < concurrency; i++) invoke(event.at);
            } else invoke(event.at);
          }

          const burstMs = times[times.length - 1]! - times[0]!;
          expect(issued.size).toBeLessThanOrEqual(maxInvalidationsForBurst(burstMs, policy.windowMs));
          expect(state.invalidated_seq).toBe(times.length);
          expect(state.pending_ref).toBeUndefined();
          // Without crashes the last change is invalidated within the window plus one sweep interval.
          if (!crashes.includes(true))
            expect(lastPutCoveredAt).toBeLessThanOrEqual(times[times.length - 1]! + policy.windowMs + SWEEP_MS);
        },
      ),
      { numRuns: 300 },
    );
  });
});
