import type { NoticeKind } from '@charter/events';
import {
  captainOf,
  claimTime,
  inFlight,
  noticesToPublish,
  planNotices,
  unreportedKept,
  type CrewNotice,
  type MissingSide,
} from './join';
import type { JoinState, MemberRecord, OnceRecord } from './state';

/** Four times the function timeout (30 s): a claim this old has no live owner. */
export const CLAIM_LEASE_MS = 2 * 60 * 1000;

/** A member whose notice did not certainly reach them. */
export interface Undelivered {
  member_id: string;
  name: string;
  email: string;
  role: string;
  kind: NoticeKind;
  /** `not_sent`: due, and nothing could send it yet (its event was dead-lettered, and the stall check's try failed). */
  status: 'not_sent' | Exclude<MemberRecord['status'], 'idle'>;
  /** The member record's sequence when reported (for `not_sent`, the sequence the notice would have taken). */
  sequence: number;
  reason?: string;
}

export type StallAlert =
  /** One side never reached the revision (or the cancellation) the other one has. */
  | {
      kind: 'missing_step';
      key: string;
      missing: MissingSide;
      revision: number | undefined;
      cancelled: boolean;
      since: string;
    }
  | { kind: 'undelivered'; key: string; undelivered: Undelivered[] };

/** An alert claimed by a run that died before sending it (status `claimed`) is taken over; any other is out. */
export const alertOut = (record: OnceRecord | undefined) => record !== undefined && record.status !== 'claimed';

export interface StallDecision {
  /** CrewNotified events to publish now (their notices are settled, or held only by a dead invocation's claim). */
  publish: Array<{ group: string; notice: CrewNotice }>;
  alert?: StallAlert;
  /** `stop`: settled, or already reported; an arrival that changes the state puts the booking back on the list. */
  watch: 'keep' | 'stop';
}

export interface StallPolicy {
  stallMinutes: number;
  leaseMs?: number;
}

/**
 * What the scheduled stall check does with one watched booking. "Stalled" means the state last changed stallMinutes
 * ago and still: one side never caught up with the other, or some member's notice is not certainly sent. Each alert
 * has a key in `alerts`, so a booking is reported once per problem however many runs see it.
 */
export function stallDecision(state: JoinState, now: Date, policy: StallPolicy): StallDecision {
  const leaseMs = policy.leaseMs ?? CLAIM_LEASE_MS;
  const staleBefore = new Date(now.getTime() - leaseMs);
  const since = state.watch_since ?? state.updated_at;
  const stalled = since !== undefined && now.getTime() - Date.parse(since) >= policy.stallMinutes * 60_000;
  const publish = noticesToPublish(state, staleBefore);
  const reported = (key: string): StallDecision => ({ publish, watch: alertOut(state.alerts[key]) ? 'stop' : 'keep' });

  const plan = planNotices(state);
  if (plan.join.kind === 'waiting') {
    if (!stalled) return { publish, watch: 'keep' };
    const { missing, revision, cancelled } = plan.join;
    const key = `missing-${missing}-${cancelled ? 'cancel' : `r${revision ?? 0}`}`;
    if (alertOut(state.alerts[key])) return reported(key);
    return {
      publish,
      watch: 'keep',
      alert: { kind: 'missing_step', key, missing, revision, cancelled, since },
    };
  }

  const undelivered = undeliveredOf(state, plan.due, staleBefore, stalled);
  if (undelivered.length > 0) {
    if (!stalled) return { publish, watch: 'keep' };
    const key = `undelivered-${undelivered.map((u) => `${u.member_id}@${u.sequence}`).join(',')}`;
    if (alertOut(state.alerts[key])) return reported(key);
    return { publish, watch: 'keep', alert: { kind: 'undelivered', key, undelivered } };
  }
  const sending = Object.values(state.members).some(inFlight);
  const unpublished = Object.values(state.notices).some(
    (g) => g.published?.status !== 'done' && Object.keys(g.recipients).length > 0,
  );
  return { publish, watch: sending || unpublished || plan.due.length > 0 ? 'keep' : 'stop' };
}

function undeliveredOf(
  state: JoinState,
  due: ReturnType<typeof planNotices>['due'],
  staleBefore: Date,
  stalled: boolean,
): Undelivered[] {
  const out: Undelivered[] = [];
  const describe = (id: string, m: MemberRecord, status: Undelivered['status']): Undelivered => ({
    member_id: id,
    name: m.name,
    email: m.email,
    role: m.role,
    kind: m.claim?.kind ?? 'call',
    status,
    sequence: m.sequence,
    ...(m.claim?.reason ? { reason: m.claim.reason } : {}),
  });
  for (const [id, m] of unreportedKept(state)) out.push(describe(id, m, m.status as 'rejected' | 'unconfirmed'));
  for (const [id, m] of Object.entries(state.members)) {
    // Left by an invocation that died (the run's own settling could not take it over, or judge it).
    const deadClaim = inFlight(m) && m.claim && Date.parse(claimTime(m.claim)) < staleBefore.getTime();
    if (deadClaim && (m.reported ?? 0) < m.sequence) out.push(describe(id, m, m.status as 'claimed' | 'sending'));
  }
  if (stalled) {
    // A notice taken over from a claim that never reached SES is the dead claim's, reported above once stale.
    for (const notice of due.filter((n) => n.base.status !== 'claimed')) {
      const { member_id, name, email, role } = notice.member;
      out.push({ member_id, name, email, role, kind: notice.kind, status: 'not_sent', sequence: notice.sequence });
    }
  }
  return out.sort((a, b) => a.member_id.localeCompare(b.member_id));
}

/** Who hears about a stall: the captain when the roster is known and they can be reached, else the operator. */
export function alertRecipient(state: JoinState, operatorAddress: string, alert: StallAlert): string {
  if (alert.kind === 'missing_step' && alert.missing === 'crew_event') return operatorAddress;
  const captain = captainOf(state.crew_event);
  if (!captain) return operatorAddress;
  if (alert.kind === 'undelivered' && alert.undelivered.some((u) => u.member_id === captain.member_id))
    return operatorAddress;
  return captain.email;
}
