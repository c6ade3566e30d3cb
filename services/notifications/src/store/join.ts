import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CrewDeclined, CrewResendRequested } from '@charter/events';
import { conditionally, documentClient } from '@charter/shared/dynamo';
import { ClaimGoneError } from '../claim-send-record';
import { setting } from '../config';
import type { DueNotice } from '../domain/join';
import {
  JoinState,
  v1Adoption,
  type CalendarState,
  type CaptainCopy,
  type Claim,
  type CrewEventSnapshot,
  type Decline,
  type MemberRecord,
  type NoticeGroup,
  type ResendRequest,
  type Told,
} from '../domain/state';

/**
 * The join table, `charter-notifications-<stage>`, one item per booking_id (layout: `../domain/state.ts` and the
 * README). Every write is one UpdateItem; each fact moves forward only under a condition (a higher crew event
 * version, a higher calendar revision, a cancellation), and each thing that must happen once (a member's notice, a
 * CrewNotified, an alert, a decline email) is a conditional write that exactly one invocation wins.
 *
 * Bookings with something still to do carry `watch = "open"` and `watch_since` (the last change): the sparse index
 * WATCH_INDEX holds only those, so the stall check queries the bookings in flight instead of scanning history.
 */
const dynamo = documentClient();

export const WATCH_INDEX = 'watching';
const OPEN = 'open';

/** Builds one UpdateItem's expressions, every attribute name aliased (status, name, role... are reserved words). */
class Expression {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  private readonly aliases = new Map<string, string>();

  /** `members.isla-moreno.status` as `#n0.#n1.#n2`. */
  path(...segments: string[]): string {
    return segments
      .map((segment) => {
        let alias = this.aliases.get(segment);
        if (!alias) {
          alias = `#n${this.aliases.size}`;
          this.aliases.set(segment, alias);
          this.names[alias] = segment;
        }
        return alias;
      })
      .join('.');
  }

  value(value: unknown): string {
    const key = `:v${Object.keys(this.values).length}`;
    this.values[key] = value;
    return key;
  }
}

interface Update {
  set: string[];
  remove?: string[];
  condition?: string;
  returnNew?: boolean;
}

async function update(bookingId: string, expr: Expression, u: Update) {
  const clauses = [
    ...(u.set.length ? [`SET ${u.set.join(', ')}`] : []),
    ...(u.remove?.length ? [`REMOVE ${u.remove.join(', ')}`] : []),
  ];
  return dynamo.send(
    new UpdateCommand({
      TableName: setting('JOIN_TABLE'),
      Key: { booking_id: bookingId },
      UpdateExpression: clauses.join(' '),
      ...(u.condition ? { ConditionExpression: u.condition } : {}),
      ExpressionAttributeNames: expr.names,
      ...(Object.keys(expr.values).length ? { ExpressionAttributeValues: expr.values } : {}),
      ...(u.returnNew ? { ReturnValues: 'ALL_NEW' as const } : {}),
    }),
  );
}

/** A conditional UpdateItem; false when its condition did not hold (someone else got there first). */
const updateIf = (bookingId: string, expr: Expression, u: Update): Promise<boolean> =>
  conditionally(() => update(bookingId, expr, u));

/** The maps every item has, created by whichever write comes first. */
function ensureMaps(expr: Expression): string[] {
  return ['members', 'notices', 'declines', 'resends', 'alerts'].map(
    (map) => `${expr.path(map)} = if_not_exists(${expr.path(map)}, ${expr.value({})})`,
  );
}

/** An arrival that changed the state: the booking goes (back) on the watch list, its stall clock restarted. */
function watchFrom(expr: Expression, now: Date): string[] {
  const at = expr.value(now.toISOString());
  return [
    `${expr.path('watch')} = ${expr.value(OPEN)}`,
    `${expr.path('watch_since')} = ${at}`,
    `${expr.path('updated_at')} = ${at}`,
  ];
}

export type ArrivalOutcome = 'applied' | 'not_newer';

/**
 * Keeps SCC's crew event when it is newer than the one kept: the first one, or the same crew event at a higher
 * version. A cancelled one is final (a later version does not reopen it); a second crew event for the booking (another
 * event_id) is ignored. A duplicate or older delivery changes nothing (`not_newer`) and the caller goes on from the
 * state as it stands, which repeats what the first delivery may not have finished.
 */
export async function recordCrewEvent(snapshot: CrewEventSnapshot, now: Date): Promise<ArrivalOutcome> {
  const expr = new Expression();
  const event = expr.path('crew_event');
  // An item written before v2 has a crew event with no version (it was 1) and no status (it was live).
  const version = expr.path('crew_event', 'version');
  const status = expr.path('crew_event', 'status');
  const newer =
    `(${expr.path('crew_event', 'event_id')} = ${expr.value(snapshot.event_id)} AND ` +
    `(attribute_not_exists(${version}) OR ${version} < ${expr.value(snapshot.version)}) AND ` +
    `(attribute_not_exists(${status}) OR ${status} <> ${expr.value('cancelled')}))`;
  // An item v1 wrote is adopted first (`adoptV1`): its crew event is what its members were told.
  const adopted = `(attribute_not_exists(${expr.path('sends')}) OR attribute_exists(${expr.path('adopted_v1')}))`;
  const applied = await updateIf(snapshot.booking_id, expr, {
    set: [
      `${event} = ${expr.value(snapshot)}`,
      `${expr.path('crew_event_at')} = ${expr.value(now.toISOString())}`,
      ...ensureMaps(expr),
      ...watchFrom(expr, now),
    ],
    condition: `${adopted} AND (attribute_not_exists(${event}) OR ${newer})`,
  });
  return applied ? 'applied' : 'not_newer';
}

/**
 * Adopts an item v1 wrote (one crew call per booking, in `sends`): each member it called becomes a member told a
 * call (`v1Adoption`), once (`adopted_v1`); a member already recorded the v2 way is left as it is.
 */
export async function adoptV1(state: JoinState, now: Date): Promise<void> {
  const maps = new Expression();
  await update(state.booking_id, maps, { set: ensureMaps(maps) });
  const { members, group } = v1Adoption(state);
  const expr = new Expression();
  const keep = (path: string, value: unknown) => `${path} = if_not_exists(${path}, ${expr.value(value)})`;
  const set = Object.entries(members).map(([id, record]) => keep(expr.path('members', id), record));
  if (group) set.push(keep(expr.path('notices', 'call-v1'), group));
  set.push(`${expr.path('adopted_v1')} = ${expr.value(now.toISOString())}`);
  await updateIf(state.booking_id, expr, { set, condition: `attribute_not_exists(${expr.path('adopted_v1')})` });
}

/**
 * Keeps the calendar's revision and status when newer: a higher revision, or a cancellation (final: it applies
 * whatever its revision, as in every service, and nothing applies after it).
 */
export async function recordCalendar(bookingId: string, calendar: CalendarState, now: Date): Promise<ArrivalOutcome> {
  const expr = new Expression();
  const kept = expr.path('calendar');
  // An item written before v2 has a calendar with no revision (it was 1) and no status (it was booked).
  const status = expr.path('calendar', 'status');
  const notCancelled = `(attribute_not_exists(${status}) OR ${status} <> ${expr.value('cancelled')})`;
  const olderRevision = () => {
    const revision = expr.path('calendar', 'revision');
    return `(attribute_not_exists(${revision}) OR ${revision} < ${expr.value(calendar.revision)})`;
  };
  const newer = calendar.status === 'cancelled' ? notCancelled : `(${notCancelled} AND ${olderRevision()})`;
  const applied = await updateIf(bookingId, expr, {
    set: [
      `${kept} = ${expr.value(calendar)}`,
      `${expr.path('calendar_at')} = ${expr.value(now.toISOString())}`,
      ...ensureMaps(expr),
      ...watchFrom(expr, now),
    ],
    condition: `attribute_not_exists(${kept}) OR ${newer}`,
  });
  return applied ? 'applied' : 'not_newer';
}

/** The key of a decline: one member's answer at one moment (a redelivery has the same). */
export const declineKey = (detail: Pick<CrewDeclined, 'member_id' | 'declined_at'>) =>
  `${detail.member_id}@${detail.declined_at}`;

/** Keeps a CrewDeclined until the captain has been told (the first copy; redeliveries change nothing). */
export async function recordDecline(detail: CrewDeclined): Promise<void> {
  const decline: Decline = {
    member_id: detail.member_id,
    revision: detail.revision,
    version: detail.version,
    declined_at: detail.declined_at,
    ...(detail.reason ? { reason: detail.reason } : {}),
  };
  await keepFirstCopy(detail.booking_id, 'declines', declineKey(detail), decline);
}

/** The first copy of what an event asked for (a decline, a resend request), under `<map>.<key>`; `now` rewatches. */
async function keepFirstCopy(bookingId: string, map: 'declines' | 'resends', key: string, value: unknown, now?: Date) {
  const maps = new Expression();
  await update(bookingId, maps, { set: ensureMaps(maps) });
  const expr = new Expression();
  const at = expr.path(map, key);
  const keep = `${at} = if_not_exists(${at}, ${expr.value(value)})`;
  await update(bookingId, expr, { set: [keep, ...(now ? watchFrom(expr, now) : [])] });
}

/** The booking's item, read consistently (it decides who is due what). */
export async function getJoin(bookingId: string): Promise<JoinState | undefined> {
  const result = await dynamo.send(
    new GetCommand({ TableName: setting('JOIN_TABLE'), Key: { booking_id: bookingId }, ConsistentRead: true }),
  );
  return result.Item ? JoinState.parse(result.Item) : undefined;
}

/**
 * Claims one member's notice: a compare-and-set on the member's record as the decision read it (`notice.base`): its
 * `sequence` (the notices claimed so far) and its status, or, for a claim that never reached SES, the invocation
 * holding it. Two deliveries that computed the same notice from the same state cannot both win, and one that read an
 * older state (the member told something since) fails and recomputes. Creates the notice's CrewNotified group.
 *
 * A retry of this very write (the SDK's, after DynamoDB applied it and the answer was lost) meets its own claim: the
 * condition accepts it as ours rather than skip the member.
 */
export function claimNotice(bookingId: string, notice: DueNotice, claimer: string, now: Date): Promise<boolean> {
  const expr = new Expression();
  const id = notice.member.member_id;
  const member = (...field: string[]) => expr.path('members', id, ...field);
  const next = notice.expected + 1;
  const claim: Claim = {
    kind: notice.kind,
    fields: notice.fields,
    revision: notice.revision,
    version: notice.version,
    sequence: notice.sequence,
    group: notice.group,
    claimed_by: claimer,
    claimed_at: now.toISOString(),
  };
  const group: NoticeGroup = {
    kind: notice.kind,
    revision: notice.revision,
    version: notice.version,
    event_id: notice.event_id,
    recipients: {},
  };
  const groupPath = expr.path('notices', notice.group);
  const createGroup = `${groupPath} = if_not_exists(${groupPath}, ${expr.value(group)})`;
  const ours = claimHeldBy(expr, id, claimer, next, ['claimed']);
  const base = notice.base;
  const { name, email, role } = notice.member;
  if (base.status === 'none') {
    const record: MemberRecord = { name, email, role, sequence: next, status: 'claimed', claim };
    return updateIf(bookingId, expr, {
      set: [`${member()} = ${expr.value(record)}`, createGroup],
      condition: `attribute_exists(${expr.path('members')}) AND (attribute_not_exists(${member()}) OR ${ours})`,
    });
  }
  const from =
    base.status === 'claimed'
      ? claimHeldBy(expr, id, base.claimedBy, next, ['claimed'])
      : `(${member('status')} = ${expr.value(base.status)} AND ${member('sequence')} = ${expr.value(notice.expected)})`;
  return updateIf(bookingId, expr, {
    set: [
      `${member('status')} = ${expr.value('claimed')}`,
      `${member('sequence')} = ${expr.value(next)}`,
      `${member('claim')} = ${expr.value(claim)}`,
      `${member('name')} = ${expr.value(name)}`,
      `${member('email')} = ${expr.value(email)}`,
      `${member('role')} = ${expr.value(role)}`,
      createGroup,
    ],
    condition: `${from} OR ${ours}`,
  });
}

/** The member's claim at `sequence` is held by `claimer`, in one of the given states. */
function claimHeldBy(
  expr: Expression,
  memberId: string,
  claimer: string,
  sequence: number,
  statuses: Array<MemberRecord['status']>,
): string {
  const status = expr.path('members', memberId, 'status');
  const anyOf = statuses.map((s) => `${status} = ${expr.value(s)}`).join(' OR ');
  return (
    `(${expr.path('members', memberId, 'claim', 'claimed_by')} = ${expr.value(claimer)} AND ` +
    `${expr.path('members', memberId, 'sequence')} = ${expr.value(sequence)} AND (${anyOf}))`
  );
}

/**
 * Marks the claim `sending`, just before SendEmail: from here the notice may have gone, so it is never sent again
 * automatically. False when another invocation took the claim over meanwhile (then this one sends nothing).
 */
export function markNoticeSending(bookingId: string, notice: DueNotice, claimer: string, now: Date): Promise<boolean> {
  const expr = new Expression();
  const id = notice.member.member_id;
  const sendingAt = expr.path('members', id, 'claim', 'sending_at');
  return updateIf(bookingId, expr, {
    set: [
      `${expr.path('members', id, 'status')} = ${expr.value('sending')}`,
      `${sendingAt} = if_not_exists(${sendingAt}, ${expr.value(now.toISOString())})`,
    ],
    // `sending` too: the SDK's retry of this write after a lost answer meets its own mark.
    condition: claimHeldBy(expr, id, claimer, notice.expected + 1, ['claimed', 'sending']),
  });
}

/**
 * The sending mark taken back (`sending` -> `claimed`): SES certainly did not take the notice (throttled, a server
 * fault) and this invocation waits before trying again, or the mark's own write failed. Killed while it waits, it
 * leaves a claim that never reached SES, which the next delivery takes over and sends, rather than one judged
 * `unconfirmed`. False when the claim is no longer this invocation's sending claim.
 */
export function unmarkNoticeSending(bookingId: string, notice: DueNotice, claimer: string): Promise<boolean> {
  const expr = new Expression();
  const id = notice.member.member_id;
  return updateIf(bookingId, expr, {
    set: [`${expr.path('members', id, 'status')} = ${expr.value('claimed')}`],
    remove: [expr.path('members', id, 'claim', 'sending_at')],
    // `claimed` too: the SDK's retry of this write after a lost answer meets its own change.
    condition: claimHeldBy(expr, id, claimer, notice.expected + 1, ['sending', 'claimed']),
  });
}

/** The operator's resend requests a notice carried, marked served at its sequence (in the write that ends it). */
const servedBy = (expr: Expression, notice: DueNotice) =>
  notice.resends.map((key) => `${expr.path('resends', key, 'served')} = ${expr.value(notice.sequence)}`);

/** SES accepted the notice: it becomes what the member was last told, and a recipient of its CrewNotified. */
export async function recordNoticeSent(
  bookingId: string,
  notice: DueNotice,
  claimer: string,
  messageId: string,
  now: Date,
  copy?: CaptainCopy,
): Promise<void> {
  const expr = new Expression();
  const id = notice.member.member_id;
  const told: Told = {
    kind: notice.kind,
    fields: notice.fields,
    revision: notice.revision,
    version: notice.version,
    sequence: notice.sequence,
    message_id: messageId,
    sent_at: now.toISOString(),
  };
  const recipient = { email: notice.member.email, message_id: messageId };
  // `unconfirmed` too: a stall check may have judged the claim dead while SES answered; the answer settles it.
  const held = claimHeldBy(expr, id, claimer, notice.expected + 1, ['sending', 'unconfirmed']);
  // The SDK's retry of this write, after DynamoDB applied it and the answer was lost, finds it done.
  const recordedAlready = `${expr.path('members', id, 'told', 'message_id')} = ${expr.value(messageId)}`;
  const recorded = await updateIf(bookingId, expr, {
    set: [
      `${expr.path('members', id, 'status')} = ${expr.value('idle')}`,
      `${expr.path('members', id, 'told')} = ${expr.value(told)}`,
      `${expr.path('notices', notice.group, 'recipients', id)} = ${expr.value(recipient)}`,
      ...servedBy(expr, notice),
      // In the same write as the notice: a copy due is never lost to a crash between the two.
      ...(copy ? [`${expr.path('members', id, 'copy')} = ${expr.value(copy)}`] : []),
    ],
    remove: [expr.path('members', id, 'claim')],
    condition: `${held} OR ${recordedAlready}`,
  });
  if (!recorded)
    throw new ClaimGoneError(
      `the ${notice.kind} notice to ${id} was claimed by ${claimer} but its claim is gone; ` +
        `message ${messageId} not recorded`,
    );
}

/**
 * SES certainly did not send it (throttled, a server fault): give the claim back, the sequence with it, and the record
 * as it was read (an unconfirmed or rejected notice stays what it was).
 */
export function releaseNotice(bookingId: string, notice: DueNotice, claimer: string): Promise<boolean> {
  const expr = new Expression();
  const id = notice.member.member_id;
  const condition = claimHeldBy(expr, id, claimer, notice.expected + 1, ['claimed', 'sending']);
  const base = notice.base;
  if (base.status === 'none')
    return updateIf(bookingId, expr, { set: [], remove: [expr.path('members', id)], condition });
  const back = [
    `${expr.path('members', id, 'sequence')} = ${expr.value(notice.expected)}`,
    `${expr.path('members', id, 'status')} = ${expr.value(base.status === 'claimed' ? 'idle' : base.status)}`,
  ];
  if (base.status === 'unconfirmed' || base.status === 'rejected')
    return updateIf(bookingId, expr, {
      set: [...back, `${expr.path('members', id, 'claim')} = ${expr.value(base.claim)}`],
      condition,
    });
  return updateIf(bookingId, expr, { set: back, remove: [expr.path('members', id, 'claim')], condition });
}

/**
 * The notice ends without a message id: refused for good, or possibly sent with the answer lost. It stays so. The
 * operator's resend requests it carried are served by it all the same (at its sequence, whose record says how it
 * ended): one request, one attempt; left unserved, every later delivery and stall check would try it again.
 */
export function markNoticeFailed(
  bookingId: string,
  notice: DueNotice,
  claimer: string,
  status: 'rejected' | 'unconfirmed',
  reason: string,
  now: Date,
): Promise<boolean> {
  const expr = new Expression();
  const id = notice.member.member_id;
  return updateIf(bookingId, expr, {
    set: [
      `${expr.path('members', id, 'status')} = ${expr.value(status)}`,
      `${expr.path('members', id, 'claim', 'reason')} = ${expr.value(reason)}`,
      `${expr.path('members', id, 'claim', 'failed_at')} = ${expr.value(now.toISOString())}`,
      ...servedBy(expr, notice),
    ],
    condition: claimHeldBy(expr, id, claimer, notice.expected + 1, ['sending', status]),
  });
}

/**
 * A `sending` claim whose invocation is certainly gone (its own retry sees it, or the lease passed) and that recorded
 * no answer: SES may have taken it. It becomes `unconfirmed`, for the stall check to report.
 */
export function markNoticeUnknown(
  bookingId: string,
  memberId: string,
  record: Pick<MemberRecord, 'sequence'> & { claim: Pick<Claim, 'claimed_by'> },
  reason: string,
  now: Date,
): Promise<boolean> {
  const expr = new Expression();
  return updateIf(bookingId, expr, {
    set: [
      `${expr.path('members', memberId, 'status')} = ${expr.value('unconfirmed')}`,
      `${expr.path('members', memberId, 'claim', 'reason')} = ${expr.value(reason)}`,
      `${expr.path('members', memberId, 'claim', 'failed_at')} = ${expr.value(now.toISOString())}`,
    ],
    condition: claimHeldBy(expr, memberId, record.claim.claimed_by, record.sequence, ['sending']),
  });
}

/** A claim that never reached SES, for a notice no longer due: given back (taken from `claimedBy`). */
export function voidClaim(bookingId: string, memberId: string, claimedBy: string, expected: number): Promise<boolean> {
  const expr = new Expression();
  return updateIf(bookingId, expr, {
    set: [
      `${expr.path('members', memberId, 'status')} = ${expr.value('idle')}`,
      `${expr.path('members', memberId, 'sequence')} = ${expr.value(expected)}`,
    ],
    remove: [expr.path('members', memberId, 'claim')],
    condition: claimHeldBy(expr, memberId, claimedBy, expected + 1, ['claimed']),
  });
}

/** The key of a resend request: one member, one request (a redelivery has the same). */
export const resendKey = (detail: Pick<CrewResendRequested, 'member_id' | 'requested_at'>) =>
  `${detail.member_id}@${detail.requested_at}`;

/** Keeps the operator's resend request until a notice to the member serves it (the first copy; redeliveries none). */
export async function recordResend(detail: CrewResendRequested, now: Date): Promise<void> {
  const request: ResendRequest = {
    member_id: detail.member_id,
    requested_at: detail.requested_at,
    version: detail.version,
  };
  await keepFirstCopy(detail.booking_id, 'resends', resendKey(detail), request, now);
}

/** Where a one-off action's record lives: a CrewNotified, a decline email, an alert. */
export type OncePath =
  | { kind: 'crew_notified'; group: string }
  | { kind: 'decline'; key: string }
  | { kind: 'alert'; key: string }
  /** The captain's copy of a member's notice, the one at `sequence` (a newer notice's copy replaces it). */
  | { kind: 'copy'; member: string; sequence: number };

const segmentsOf = (at: OncePath): string[] => {
  switch (at.kind) {
    case 'crew_notified':
      return ['notices', at.group, 'published'];
    case 'decline':
      return ['declines', at.key, 'told'];
    case 'alert':
      return ['alerts', at.key];
    case 'copy':
      return ['members', at.member, 'copy', 'sent'];
  }
};

export interface OnceClaimOptions {
  /** A claim older than this (left by an invocation that died) may be taken over. */
  staleBefore?: Date;
  /** A claim that never reached SES (status `claimed`), held by this claimer as read: taken over. */
  takeOverFrom?: string;
  /** Only while the item is as the caller read it (a stall alert for a step that just happened is moot). */
  unchangedSince?: string;
}

/**
 * Claims a one-off action for this invocation. A retry of this very write (the SDK's, after DynamoDB applied it and
 * the answer was lost) meets its own claim and accepts it.
 */
export function claimOnce(
  bookingId: string,
  at: OncePath,
  claimer: string,
  now: Date,
  options: OnceClaimOptions = {},
): Promise<boolean> {
  const expr = new Expression();
  const segments = segmentsOf(at);
  const path = expr.path(...segments);
  const parent = expr.path(...segments.slice(0, -1));
  const status = expr.path(...segments, 'status');
  const claimedBy = expr.path(...segments, 'claimed_by');
  const heldBy = (who: string) => `(${status} = ${expr.value('claimed')} AND ${claimedBy} = ${expr.value(who)})`;
  const open = [`attribute_not_exists(${path})`, heldBy(claimer)];
  if (options.takeOverFrom) open.push(heldBy(options.takeOverFrom));
  if (options.staleBefore) {
    open.push(
      `(${status} = ${expr.value('claimed')} AND ` +
        `${expr.path(...segments, 'claimed_at')} < ${expr.value(options.staleBefore.toISOString())})`,
    );
  }
  let condition = `attribute_exists(${parent}) AND (${open.join(' OR ')})`;
  // A copy claimed as read: a newer notice's copy may have replaced it since.
  if (at.kind === 'copy')
    condition += ` AND ${expr.path(...segments.slice(0, -1), 'sequence')} = ${expr.value(at.sequence)}`;
  if (options.unchangedSince) condition += ` AND ${expr.path('updated_at')} = ${expr.value(options.unchangedSince)}`;
  return updateIf(bookingId, expr, {
    set: [`${path} = ${expr.value({ status: 'claimed', claimed_at: now.toISOString(), claimed_by: claimer })}`],
    condition,
  });
}

/** Just before SendEmail: from here the email may have gone, and no one takes the claim over. */
export const markOnceSending = (bookingId: string, at: OncePath, claimer: string) =>
  setHeldOnceStatus(bookingId, at, claimer, 'sending');

/** The mark taken back before a backoff wait, or after the mark's write failed (see unmarkNoticeSending). */
export const unmarkOnceSending = (bookingId: string, at: OncePath, claimer: string) =>
  setHeldOnceStatus(bookingId, at, claimer, 'claimed');

/**
 * A claim this invocation holds, `claimed` or `sending`, set to one of the two. Either status is accepted, so the SDK's
 * retry of the write after a lost answer meets its own change.
 */
function setHeldOnceStatus(
  bookingId: string,
  at: OncePath,
  claimer: string,
  to: 'claimed' | 'sending',
): Promise<boolean> {
  const expr = new Expression();
  const segments = segmentsOf(at);
  const status = expr.path(...segments, 'status');
  return updateIf(bookingId, expr, {
    set: [`${status} = ${expr.value(to)}`],
    condition:
      `${expr.path(...segments, 'claimed_by')} = ${expr.value(claimer)} AND ` +
      `(${status} = ${expr.value('claimed')} OR ${status} = ${expr.value('sending')})`,
  });
}

export interface OnceRecordOptions {
  /** Take the booking off the watch list (an alert was sent: a human knows). */
  unwatch?: boolean;
  /** Members reported by a delivery alert, with the sequence reported. */
  reported?: Record<string, number>;
}

/** Records a claimed one-off action as done, with the id of what was sent (SES message id, EventBridge event id). */
export async function recordOnce(
  bookingId: string,
  at: OncePath,
  claimer: string,
  id: string,
  now: Date,
  options: OnceRecordOptions = {},
): Promise<void> {
  const expr = new Expression();
  const segments = segmentsOf(at);
  const set = [
    `${expr.path(...segments, 'status')} = ${expr.value('done')}`,
    `${expr.path(...segments, 'id')} = ${expr.value(id)}`,
    `${expr.path(...segments, 'done_at')} = ${expr.value(now.toISOString())}`,
    ...Object.entries(options.reported ?? {}).map(
      ([member, sequence]) => `${expr.path('members', member, 'reported')} = ${expr.value(sequence)}`,
    ),
  ];
  await updateIf(bookingId, expr, {
    set,
    remove: options.unwatch ? [expr.path('watch'), expr.path('watch_since')] : [],
    condition: `${expr.path(...segments, 'claimed_by')} = ${expr.value(claimer)}`,
  });
}

/** The action failed before taking effect: give the claim back so a later attempt may take it. */
export function releaseOnce(bookingId: string, at: OncePath, claimer: string): Promise<boolean> {
  const expr = new Expression();
  const segments = segmentsOf(at);
  return updateIf(bookingId, expr, {
    set: [],
    remove: [expr.path(...segments)],
    condition: `${expr.path(...segments, 'claimed_by')} = ${expr.value(claimer)}`,
  });
}

/** An email SES refused for good (`rejected`), or that may have gone (`unconfirmed`): kept so, never retried. */
export function markOnceKept(
  bookingId: string,
  at: OncePath,
  claimer: string,
  status: 'rejected' | 'unconfirmed',
  reason: string,
): Promise<boolean> {
  const expr = new Expression();
  const segments = segmentsOf(at);
  return updateIf(bookingId, expr, {
    set: [
      `${expr.path(...segments, 'status')} = ${expr.value(status)}`,
      `${expr.path(...segments, 'reason')} = ${expr.value(reason)}`,
    ],
    condition: `${expr.path(...segments, 'claimed_by')} = ${expr.value(claimer)}`,
  });
}

/**
 * Takes a booking off the watch list (settled, or reported to a human), unless an event changed it since the item was
 * read: that arrival put it back on the list, and it stays there.
 */
export async function stopWatching(state: Pick<JoinState, 'booking_id' | 'updated_at'>): Promise<void> {
  const expr = new Expression();
  await updateIf(state.booking_id, expr, {
    set: [],
    remove: [expr.path('watch'), expr.path('watch_since')],
    condition: state.updated_at
      ? `${expr.path('updated_at')} = ${expr.value(state.updated_at)}`
      : `attribute_exists(${expr.path('booking_id')}) AND attribute_not_exists(${expr.path('updated_at')})`,
  });
}

/**
 * Booking ids on the watch list since before `cutoff`, oldest first. Only unsettled bookings are in the index, so
 * each page is bounded by the bookings in flight, not by history.
 */
export async function watchedSince(cutoff: Date, limit = 500): Promise<string[]> {
  const ids: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: setting('JOIN_TABLE'),
        IndexName: WATCH_INDEX,
        KeyConditionExpression: '#watch = :open AND watch_since <= :cutoff',
        ExpressionAttributeNames: { '#watch': 'watch' },
        ExpressionAttributeValues: { ':open': OPEN, ':cutoff': cutoff.toISOString() },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) ids.push(String(item.booking_id));
    startKey = page.LastEvaluatedKey;
  } while (startKey && ids.length < limit);
  return ids.slice(0, limit);
}
