import { fieldsOf, snapshotOf, type JoinState } from '../src/domain/state';
import { CLAIM_LEASE_MS, alertRecipient, stallDecision } from '../src/domain/stall';
import {
  ROSTER,
  at,
  calendarUpdated,
  claimedRecord,
  eventCancelled,
  eventCreated,
  eventUpdated,
  joinState,
  joined,
  minutesAfter,
  toldRecord,
} from './fixtures';

const created = eventCreated();
const rescheduled = eventUpdated(created, { charter_start: '11:00' });
const policy = { stallMinutes: 15 };
const OPERATOR = 'ops@crew.example.com';
const toldAll = () => Object.fromEntries(ROSTER.map((m) => [m.member_id, toldRecord(m, 'call', fieldsOf(created))]));
const calendarAt = (revision: number) => {
  const { year, calendar_url, status } = calendarUpdated('xhqgmdh', { revision });
  return { revision, status, year, calendar_url };
};
const published = () => ({
  'call-v1': {
    kind: 'call' as const,
    revision: 1,
    version: 1,
    event_id: created.event_id,
    recipients: Object.fromEntries(ROSTER.map((m) => [m.member_id, { email: m.email, message_id: 'm' }])),
    published: { status: 'done' as const, claimed_at: at(1), claimed_by: 'x' },
  },
});

describe('the stall check decides from the state and the tick', () => {
  it('keeps watching a booking whose calendar is behind for less than stallMinutes', () => {
    const state = joinState({ crew_event: snapshotOf(created, false) });
    expect(stallDecision(state, minutesAfter(14), policy)).toEqual({ publish: [], watch: 'keep' });
  });

  it('reports the calendar that never confirmed, once stallMinutes passed since the last change', () => {
    const state = joinState({ crew_event: snapshotOf(created, false) });
    expect(stallDecision(state, minutesAfter(15), policy).alert).toEqual({
      kind: 'missing_step',
      key: 'missing-calendar-r1',
      missing: 'calendar',
      revision: 1,
      cancelled: false,
      since: at(0),
    });
    expect(alertRecipient(state, OPERATOR, stallDecision(state, minutesAfter(15), policy).alert!)).toBe(
      'captain@crew.example.com',
    );
  });

  it('reports a calendar stuck at an older revision under its own key (a new problem, a new alert)', () => {
    const state = joinState({
      crew_event: snapshotOf(rescheduled, false),
      calendar: calendarAt(1),
      members: toldAll(),
    });
    expect(stallDecision(state, minutesAfter(20), policy).alert).toMatchObject({
      key: 'missing-calendar-r2',
      revision: 2,
    });
  });

  it('reports a missing crew event to the operator (no roster, no captain)', () => {
    const state = joinState({ calendar: calendarAt(1) });
    const { alert } = stallDecision(state, minutesAfter(20), policy);
    expect(alert).toMatchObject({ key: 'missing-crew_event-r1', missing: 'crew_event' });
    expect(alertRecipient(state, OPERATOR, alert!)).toBe(OPERATOR);
  });

  it('stops watching once the problem was reported (its key is in alerts)', () => {
    const state = joinState({
      crew_event: snapshotOf(created, false),
      alerts: { 'missing-calendar-r1': { status: 'done', claimed_at: at(16), claimed_by: 'x' } },
    });
    expect(stallDecision(state, minutesAfter(30), policy)).toEqual({ publish: [], watch: 'stop' });
  });

  it('says nothing, and stops watching, about a booking cancelled before anyone was called', () => {
    const state = joinState({ crew_event: snapshotOf(eventCancelled(created), true) });
    expect(stallDecision(state, minutesAfter(60), policy)).toEqual({ publish: [], watch: 'stop' });
  });

  it('stops watching a settled booking', () => {
    expect(stallDecision(joined(created, toldAll(), { notices: published() }), minutesAfter(60), policy)).toEqual({
      publish: [],
      watch: 'stop',
    });
  });

  it('reports members whose notice was refused, unanswered, or held by a dead claim; and not the others', () => {
    const fields = fieldsOf(created);
    const members = {
      ...toldAll(),
      'isla-moreno': claimedRecord(ROSTER[1]!, fields, 'unconfirmed'),
      'theo-park': claimedRecord(ROSTER[2]!, fields, 'sending', at(1)),
    };
    const state = joined(created, members, { notices: published() });
    const decision = stallDecision(state, minutesAfter(16), policy);
    expect(decision.alert).toMatchObject({
      kind: 'undelivered',
      key: 'undelivered-isla-moreno@1,theo-park@1',
      undelivered: [
        { member_id: 'isla-moreno', status: 'unconfirmed', kind: 'call' },
        { member_id: 'theo-park', status: 'sending', kind: 'call' },
      ],
    });
    expect(alertRecipient(state, OPERATOR, decision.alert!)).toBe('captain@crew.example.com');
  });

  it('does not count a fresh claim (a live invocation) as stuck', () => {
    const members = { ...toldAll(), 'theo-park': claimedRecord(ROSTER[2]!, fieldsOf(created), 'claimed', at(15)) };
    const decision = stallDecision(joined(created, members), minutesAfter(16), { ...policy, leaseMs: CLAIM_LEASE_MS });
    expect(decision).toEqual({ publish: [], watch: 'keep' });
  });

  it('reports members due a notice nobody claimed (the event was dead-lettered) as not sent', () => {
    const decision = stallDecision(joined(created), minutesAfter(16), policy);
    expect(decision.alert).toMatchObject({
      kind: 'undelivered',
      key: 'undelivered-isla-moreno@0,rowan-hale@0,theo-park@0',
    });
  });

  it('does not report a member again once reported at that sequence', () => {
    const members: JoinState['members'] = {
      ...toldAll(),
      'isla-moreno': { ...claimedRecord(ROSTER[1]!, fieldsOf(created), 'rejected'), reported: 1 },
    };
    expect(stallDecision(joined(created, members, { notices: published() }), minutesAfter(60), policy)).toEqual({
      publish: [],
      watch: 'stop',
    });
  });

  it('tells the operator, not the captain, when the captain is the one not reached', () => {
    const members = { ...toldAll(), 'rowan-hale': claimedRecord(ROSTER[0]!, fieldsOf(created), 'rejected') };
    const state = joined(created, members, { notices: published() });
    expect(alertRecipient(state, OPERATOR, stallDecision(state, minutesAfter(16), policy).alert!)).toBe(OPERATOR);
  });

  it('publishes a CrewNotified whose publisher died (claim older than the lease), and keeps watching', () => {
    const notices = published();
    const stale = {
      ...notices['call-v1'],
      published: { status: 'claimed' as const, claimed_at: at(1), claimed_by: 'dead' },
    };
    const decision = stallDecision(
      joined(created, toldAll(), { notices: { 'call-v1': stale } }),
      minutesAfter(20),
      policy,
    );
    expect(decision.watch).toBe('keep');
    expect(decision.publish.map((p) => [p.group, p.notice.kind, p.notice.recipients.length])).toEqual([
      ['call-v1', 'call', 3],
    ]);
  });
});
