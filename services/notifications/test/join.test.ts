import {
  changesBetween,
  isSettled,
  joinOf,
  memberDue,
  noticesToPublish,
  planNotices,
  type DueNotice,
} from '../src/domain/join';
import { fieldsOf, snapshotOf, type JoinState, type MemberRecord } from '../src/domain/state';
import {
  NEW_HAND,
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

const [captain, mate, deckhand] = ROSTER as [(typeof ROSTER)[0], (typeof ROSTER)[0], (typeof ROSTER)[0]];
const created = eventCreated();
const rescheduled = eventUpdated(created, { charter_date: '2024-05-31', charter_start: '11:00', guest_count: 6 });
const cancelled = eventCancelled(rescheduled, { reason: 'Small craft advisory' });
const calendarAt = (revision: number, status: 'booked' | 'tentative' | 'cancelled' = 'booked') => {
  const { revision: r, status: s, year, calendar_url } = calendarUpdated('xhqgmdh', { revision, status });
  return { revision: r, status: s, year, calendar_url };
};
const everyoneTold = (fields = fieldsOf(created)) =>
  Object.fromEntries(ROSTER.map((m) => [m.member_id, toldRecord(m, 'call', fields)]));
const kinds = (due: DueNotice[]) => due.map((n) => [n.member.member_id, n.kind]);

describe('the join: notices wait until scc and the calendar are at the same revision', () => {
  it.each<[string, Partial<JoinState>, ReturnType<typeof joinOf>['kind'], Record<string, unknown>?]>([
    [
      'only the crew event',
      { crew_event: snapshotOf(created, false) },
      'waiting',
      { missing: 'calendar', revision: 1 },
    ],
    ['only the calendar', { calendar: calendarAt(1) }, 'waiting', { missing: 'crew_event', revision: 1 }],
    ['both at revision 1', { crew_event: snapshotOf(created, false), calendar: calendarAt(1) }, 'joined'],
    [
      'a tentative entry at the same revision',
      { crew_event: snapshotOf(created, false), calendar: calendarAt(1, 'tentative') },
      'joined',
    ],
    [
      'scc at 2, the calendar at 1',
      { crew_event: snapshotOf(rescheduled, false), calendar: calendarAt(1) },
      'waiting',
      { missing: 'calendar', revision: 2 },
    ],
    [
      'scc at 1, the calendar at 2',
      { crew_event: snapshotOf(created, false), calendar: calendarAt(2) },
      'waiting',
      { missing: 'crew_event', revision: 2 },
    ],
    [
      'a crew-only change (same revision, higher version): scc alone',
      {
        crew_event: snapshotOf(eventUpdated(created, { cause: 'crew', crew: [captain, mate] }), false),
        calendar: calendarAt(1),
      },
      'joined',
    ],
    ['both cancelled', { crew_event: snapshotOf(cancelled, true), calendar: calendarAt(3, 'cancelled') }, 'joined'],
    [
      'both cancelled at different revisions (a cancellation applies whatever its revision)',
      { crew_event: snapshotOf(cancelled, true), calendar: calendarAt(2, 'cancelled') },
      'joined',
    ],
    ['scc cancelled before anyone was told', { crew_event: snapshotOf(cancelled, true) }, 'nothing_to_tell'],
    [
      'the calendar cancelled before anyone was told',
      { crew_event: snapshotOf(created, false), calendar: calendarAt(2, 'cancelled') },
      'nothing_to_tell',
    ],
    ['the calendar cancelled, no crew event ever', { calendar: calendarAt(2, 'cancelled') }, 'nothing_to_tell'],
    [
      'scc cancelled after a call, the calendar not yet',
      { crew_event: snapshotOf(cancelled, true), calendar: calendarAt(2), members: everyoneTold() },
      'waiting',
      { missing: 'calendar', cancelled: true },
    ],
    [
      'the calendar cancelled after a call, scc not yet',
      { crew_event: snapshotOf(rescheduled, false), calendar: calendarAt(3, 'cancelled'), members: everyoneTold() },
      'waiting',
      { missing: 'crew_event', cancelled: true },
    ],
  ])('%s: %s', (_name, parts, kind, detail = {}) => {
    const join = joinOf(joinState(parts));
    expect(join.kind).toBe(kind);
    expect(join).toMatchObject(detail);
  });
});

describe('what a member is due (memberDue)', () => {
  const live = snapshotOf(rescheduled, false);
  const over = snapshotOf(cancelled, true);
  const was = fieldsOf(created);

  it('a member on the crew never told anything: the call, with the latest details, SEQUENCE 0', () => {
    const due = memberDue(live, mate, undefined, true);
    expect(due).toMatchObject({
      kind: 'notice',
      notice: { kind: 'call', sequence: 0, expected: 0, fields: fieldsOf(rescheduled) },
    });
  });

  describe('a member whose email changed on the crew (the same member_id)', () => {
    const moved = { ...mate, email: 'Isla.Moreno@crew.example.com' };
    const toldOld = toldRecord(mate, 'call', fieldsOf(rescheduled));

    it('the old address first: a removal of what it was told, to the old address', () => {
      expect(memberDue(live, moved, toldOld, true)).toMatchObject({
        kind: 'notice',
        notice: { kind: 'removal', member: { member_id: mate.member_id, email: mate.email }, sequence: 1 },
      });
    });

    it('then the new address: the call, once the old one was told it is off', () => {
      const removed = { ...toldRecord(mate, 'removal', fieldsOf(rescheduled), 2) };
      expect(memberDue(live, moved, removed, true)).toMatchObject({
        kind: 'notice',
        notice: { kind: 'call', member: { email: moved.email }, sequence: 2 },
      });
    });

    it('a cancellation goes where the invite went', () => {
      expect(memberDue(over, moved, toldOld, true)).toMatchObject({
        kind: 'notice',
        notice: { kind: 'cancel', member: { email: mate.email } },
      });
    });

    describe('after SES refused the old address (record `rejected`)', () => {
      const asked = ['isla-moreno@2024-05-20T10:00:00.000Z'];
      // Called at the old address, then a later notice to it refused; and refused from the first (never told).
      const refusedAfterCall: MemberRecord = {
        ...toldRecord(mate, 'call', was, 2),
        status: 'rejected',
        claim: { ...claimedRecord(mate, was, 'rejected').claim!, kind: 'resend', sequence: 1, group: 'resend-s1' },
      };
      const refusedCall = claimedRecord(mate, was, 'rejected');

      it.each([
        ['called, then a notice refused', refusedAfterCall, 2],
        ['the call itself refused', refusedCall, 1],
      ])('%s: the call to the new address, nothing to the old', (_, record, sequence) => {
        expect(memberDue(live, moved, record, true)).toMatchObject({
          kind: 'notice',
          notice: {
            kind: 'call',
            member: moved,
            fields: fieldsOf(rescheduled),
            expected: sequence,
            sequence,
            base: { status: 'rejected', claim: record.claim },
            group: `call-v${live.version}`,
            resends: [],
          },
        });
      });

      it.each([
        ['called, then a notice refused', refusedAfterCall],
        ['the call itself refused', refusedCall],
      ])("%s, with the operator's resend: the same call, serving it", (_, record) => {
        expect(memberDue(live, moved, record, true, asked)).toMatchObject({
          kind: 'notice',
          notice: { kind: 'call', member: moved, base: { status: 'rejected' }, resends: asked },
        });
      });

      it('a removal to the old address refused in its turn: the call to the new one, not the removal again', () => {
        const removalRefused: MemberRecord = {
          ...refusedAfterCall,
          claim: { ...refusedAfterCall.claim!, kind: 'removal', group: 'removal-v2' },
        };
        expect(memberDue(live, moved, removalRefused, true, asked)).toMatchObject({
          kind: 'notice',
          notice: { kind: 'call', member: moved, resends: asked },
        });
      });

      it('still held at the same address, off the crew, or for a cancelled charter', () => {
        expect(memberDue(live, mate, refusedAfterCall, true)).toEqual({ kind: 'held', status: 'rejected' });
        expect(memberDue(live, moved, refusedAfterCall, false)).toEqual({ kind: 'held', status: 'rejected' });
        expect(memberDue(over, moved, refusedAfterCall, true)).toEqual({ kind: 'held', status: 'rejected' });
      });

      it('the booking: one call, to the new address, and nothing to anyone else', () => {
        const patched = eventUpdated(created, { cause: 'crew', crew: [captain, moved, deckhand] });
        const state = joined(patched, { ...everyoneTold(), [mate.member_id]: refusedAfterCall });
        const plan = planNotices(state);
        expect(plan.due.map((n) => [n.member.member_id, n.kind, n.member.email])).toEqual([
          [mate.member_id, 'call', moved.email],
        ]);
        expect(plan.held).toEqual([]);
      });
    });

    it('the same address in another case is the same address: nothing', () => {
      const upper = { ...mate, email: mate.email.toUpperCase() };
      expect(memberDue(live, upper, toldOld, true)).toEqual({ kind: 'none' });
    });
  });

  it('a member told the same details already: nothing', () => {
    expect(memberDue(live, mate, toldRecord(mate, 'call', fieldsOf(rescheduled)), true)).toEqual({ kind: 'none' });
  });

  it('a member called at an older revision with other details: the change, old -> new from what THEY were told', () => {
    const due = memberDue(live, mate, toldRecord(mate, 'call', was), true);
    expect(due.kind).toBe('notice');
    if (due.kind !== 'notice') return;
    expect(due.notice).toMatchObject({
      kind: 'change',
      sequence: 1,
      expected: 1,
      group: `change-v${rescheduled.version}`,
    });
    expect(due.notice.changes).toEqual([
      { field: 'charter_date', from: '2024-05-30', to: '2024-05-31' },
      { field: 'charter_start', from: '10:00', to: '11:00' },
      { field: 'guest_count', from: 4, to: 6 },
    ]);
  });

  it('a change back to what a member was told last: nothing (they know it already)', () => {
    const movedBack = snapshotOf(
      eventUpdated(rescheduled, { charter_date: '2024-05-30', charter_start: '10:00', guest_count: 4 }),
      false,
    );
    expect(memberDue(movedBack, mate, toldRecord(mate, 'change', was, 2), true)).toEqual({ kind: 'none' });
  });

  it('a member told a removal and back on the crew: a new call, the sequence going on', () => {
    const due = memberDue(live, mate, toldRecord(mate, 'removal', was, 2), true);
    expect(due).toMatchObject({ kind: 'notice', notice: { kind: 'call', sequence: 2, expected: 2 } });
  });

  it('a member called and now off the crew: the removal, with the details they knew', () => {
    const due = memberDue(live, deckhand, toldRecord(deckhand, 'call', was), false);
    expect(due).toMatchObject({ kind: 'notice', notice: { kind: 'removal', sequence: 1, fields: was } });
  });

  it('a member off the crew and told so: nothing', () => {
    expect(memberDue(live, deckhand, toldRecord(deckhand, 'removal', was, 2), false)).toEqual({ kind: 'none' });
  });

  it('a member off the crew and never called: nothing', () => {
    expect(memberDue(live, deckhand, undefined, false)).toEqual({ kind: 'none' });
  });

  it('the booking cancelled after the call: the cancel, with what they knew and the reason', () => {
    const due = memberDue(over, mate, toldRecord(mate, 'change', fieldsOf(rescheduled), 2), true);
    expect(due).toMatchObject({
      kind: 'notice',
      notice: { kind: 'cancel', sequence: 2, fields: fieldsOf(rescheduled), reason: 'Small craft advisory' },
    });
  });

  it('the booking cancelled, the member never called (or taken off and told): nothing', () => {
    expect(memberDue(over, mate, undefined, true)).toEqual({ kind: 'none' });
    expect(memberDue(over, deckhand, toldRecord(deckhand, 'removal', was, 2), false)).toEqual({ kind: 'none' });
  });

  it.each(['sending', 'rejected'] as const)('a member whose notice is %s: held, nothing new', (status) => {
    expect(memberDue(live, mate, claimedRecord(mate, was, status), true)).toEqual({ kind: 'held', status });
    expect(memberDue(over, mate, claimedRecord(mate, was, status), true)).toEqual({ kind: 'held', status });
  });

  it('a claim that never reached SES (its invocation died before sending): due again, taken over', () => {
    const due = memberDue(live, mate, claimedRecord(mate, was, 'claimed'), true);
    expect(due).toMatchObject({
      kind: 'notice',
      notice: { kind: 'call', sequence: 0, expected: 0, base: { status: 'claimed', claimedBy: 'req-1/aaaa' } },
    });
  });

  it('a claim that never reached SES and is moot now (cancelled before anyone was called): given back', () => {
    expect(memberDue(over, mate, claimedRecord(mate, was, 'claimed'), true)).toEqual({
      kind: 'void',
      claimedBy: 'req-1/aaaa',
      expected: 0,
    });
  });

  it('a notice that may have gone (unconfirmed) counts as told: nothing new, but a change or cancel still goes', () => {
    const unconfirmed = claimedRecord(mate, was, 'unconfirmed');
    expect(memberDue(snapshotOf(created, false), mate, unconfirmed, true)).toEqual({ kind: 'none' });
    expect(memberDue(live, mate, unconfirmed, true)).toMatchObject({
      kind: 'notice',
      notice: { kind: 'change', expected: 1, sequence: 1, base: { status: 'unconfirmed' } },
    });
    expect(memberDue(over, mate, unconfirmed, true)).toMatchObject({
      kind: 'notice',
      notice: { kind: 'cancel', fields: was, base: { status: 'unconfirmed' } },
    });
  });

  describe("the operator's resend", () => {
    const asked = ['isla-moreno@2024-05-20T10:00:00.000Z'];
    const asBooked = snapshotOf(created, false);

    it('is a `resend` of the charter as it stands, when nothing else is due', () => {
      expect(memberDue(asBooked, mate, toldRecord(mate, 'call', was), true, asked)).toMatchObject({
        kind: 'notice',
        notice: { kind: 'resend', fields: was, sequence: 1, group: 'resend-isla-moreno-s1', resends: asked },
      });
    });

    it('is served by the notice due anyway (its details are the current ones)', () => {
      const due = memberDue(live, mate, toldRecord(mate, 'call', was), true, asked);
      expect(due).toMatchObject({ kind: 'notice', notice: { kind: 'change', resends: asked } });
    });

    it('reaches a member whose last notice may have gone (a resend), or was refused (the call they never got)', () => {
      expect(memberDue(asBooked, mate, claimedRecord(mate, was, 'unconfirmed'), true, asked)).toMatchObject({
        kind: 'notice',
        notice: { kind: 'resend', expected: 1, base: { status: 'unconfirmed' }, resends: asked },
      });
      expect(memberDue(asBooked, mate, claimedRecord(mate, was, 'rejected'), true, asked)).toMatchObject({
        kind: 'notice',
        notice: { kind: 'call', expected: 1, base: { status: 'rejected' }, resends: asked },
      });
    });

    it('is moot for a member off the crew or a cancelled charter', () => {
      expect(memberDue(asBooked, mate, toldRecord(mate, 'removal', was, 2), false, asked)).toEqual({ kind: 'none' });
      expect(memberDue(over, mate, toldRecord(mate, 'cancel', was, 2), true, asked)).toEqual({ kind: 'none' });
    });
  });
});

describe('the booking: every member at once (planNotices)', () => {
  it('calls everyone once joined', () => {
    expect(kinds(planNotices(joined(created)).due)).toEqual([
      ['rowan-hale', 'call'],
      ['isla-moreno', 'call'],
      ['theo-park', 'call'],
    ]);
  });

  it('folds a change that lands before the call into the call (one notice, the latest details)', () => {
    const plan = planNotices(joined(rescheduled));
    expect(kinds(plan.due).map(([, kind]) => kind)).toEqual(['call', 'call', 'call']);
    expect(plan.due.every((n) => n.fields.charter_date === '2024-05-31' && n.fields.charter_start === '11:00')).toBe(
      true,
    );
  });

  it('tells everyone the change once both sides have the new revision', () => {
    expect(planNotices(joined(rescheduled, everyoneTold())).due.map((n) => n.kind)).toEqual([
      'change',
      'change',
      'change',
    ]);
  });

  it('sends nothing while the calendar is behind, even to members called before', () => {
    const state = joinState({
      crew_event: snapshotOf(rescheduled, false),
      calendar: calendarAt(1),
      members: everyoneTold(),
    });
    expect(planNotices(state)).toMatchObject({ join: { kind: 'waiting', missing: 'calendar' }, due: [] });
  });

  it('sends nothing at all for a booking cancelled before anyone was called', () => {
    expect(planNotices(joined(cancelled)).due).toEqual([]);
    expect(planNotices(joinState({ crew_event: snapshotOf(cancelled, true) })).join.kind).toBe('nothing_to_tell');
  });

  it('cancels for everyone called, once both sides are cancelled', () => {
    expect(planNotices(joined(cancelled, everyoneTold())).due.map((n) => n.kind)).toEqual([
      'cancel',
      'cancel',
      'cancel',
    ]);
  });

  it('a crew PATCH adding one member and removing another: one call, one removal, nothing to the others', () => {
    const patched = eventUpdated(created, { cause: 'crew', crew: [captain, mate, NEW_HAND] });
    expect(kinds(planNotices(joined(patched, everyoneTold())).due)).toEqual([
      ['ada-quinn', 'call'],
      ['theo-park', 'removal'],
    ]);
  });

  it('gives a member listed twice on the roster one notice', () => {
    const twice = eventCreated('xhqgmdh', { crew: [captain, mate, { ...mate }] });
    expect(planNotices(joined(twice)).due).toHaveLength(2);
  });

  it('reports members whose notice is with SES (or may be) as held', () => {
    const members = { ...everyoneTold(), 'isla-moreno': claimedRecord(mate, fieldsOf(created), 'sending') };
    const plan = planNotices(joined(rescheduled, members));
    expect(plan.held).toEqual([{ member_id: 'isla-moreno', status: 'sending' }]);
    expect(kinds(plan.due)).toEqual([
      ['rowan-hale', 'change'],
      ['theo-park', 'change'],
    ]);
  });
});

describe('old -> new (changesBetween)', () => {
  it('lists only the fields that differ, in the contract order', () => {
    const was = fieldsOf(created);
    expect(changesBetween(was, { ...was, location: 'Harbor Island', vessel: 'JADA II' })).toEqual([
      { field: 'vessel', from: 'JADA', to: 'JADA II' },
      { field: 'location', from: 'Shelter Island, San Diego', to: 'Harbor Island' },
    ]);
    expect(changesBetween(was, was)).toEqual([]);
  });
});

describe('CrewNotified per notice (noticesToPublish)', () => {
  const group = (
    recipients: Record<string, { email: string; message_id: string }>,
    published?: 'claimed' | 'done',
  ) => ({
    'call-v1': {
      kind: 'call' as const,
      revision: 1,
      version: 1,
      event_id: created.event_id,
      recipients,
      ...(published ? { published: { status: published, claimed_at: at(1), claimed_by: 'x' } } : {}),
    },
  });
  const all = Object.fromEntries(
    ROSTER.map((m) => [m.member_id, { email: m.email, message_id: `msg-${m.member_id}` }]),
  );

  it('publishes a group once every notice in it is settled, naming each recipient with its message id', () => {
    const [only] = noticesToPublish(joined(created, everyoneTold(), { notices: group(all) }));
    expect(only?.notice).toEqual({
      booking_id: 'xhqgmdh',
      event_id: created.event_id,
      kind: 'call',
      revision: 1,
      recipients: ['isla-moreno', 'rowan-hale', 'theo-park'].map((id) => ({
        member_id: id,
        email: ROSTER.find((m) => m.member_id === id)!.email,
        message_id: `msg-${id}`,
      })),
    });
  });

  it('waits while a notice of the group is still due or in flight', () => {
    const { 'theo-park': _due, ...twoTold } = everyoneTold();
    expect(noticesToPublish(joined(created, twoTold, { notices: group(all) }))).toEqual([]);
    const inFlight = { ...twoTold, 'theo-park': claimedRecord(deckhand, fieldsOf(created)) };
    expect(noticesToPublish(joined(created, inFlight, { notices: group(all) }))).toEqual([]);
  });

  it('lets the stall check pass a notice left sending by an invocation that died (older than the lease)', () => {
    const { 'theo-park': _due, ...twoTold } = everyoneTold();
    const dead = { ...twoTold, 'theo-park': claimedRecord(deckhand, fieldsOf(created), 'sending', at(5)) };
    const { 'theo-park': _none, ...twoRecipients } = all;
    const state = joined(created, dead, { notices: group(twoRecipients) });
    expect(noticesToPublish(state, minutesAfter(1))).toEqual([]);
    const [late] = noticesToPublish(state, minutesAfter(10));
    expect(late?.notice.recipients.map((r) => r.member_id)).toEqual(['isla-moreno', 'rowan-hale']);
  });

  it('holds a group back while a claim that never reached SES is due again (it is taken over and sent)', () => {
    const { 'theo-park': _due, ...twoTold } = everyoneTold();
    const dead = { ...twoTold, 'theo-park': claimedRecord(deckhand, fieldsOf(created), 'claimed', at(5)) };
    const { 'theo-park': _none, ...twoRecipients } = all;
    const state = joined(created, dead, { notices: group(twoRecipients) });
    expect(noticesToPublish(state, minutesAfter(10))).toEqual([]);
  });

  it('publishes a group only once', () => {
    expect(noticesToPublish(joined(created, everyoneTold(), { notices: group(all, 'done') }))).toEqual([]);
  });
});

describe('settled: nothing more will happen without a new event (isSettled)', () => {
  const all = Object.fromEntries(ROSTER.map((m) => [m.member_id, { email: m.email, message_id: 'm' }]));
  const published = {
    'call-v1': {
      kind: 'call' as const,
      revision: 1,
      version: 1,
      event_id: created.event_id,
      recipients: all,
      published: { status: 'done' as const, claimed_at: at(1), claimed_by: 'x' },
    },
  };

  it('is settled once everyone was told and CrewNotified is out', () => {
    expect(isSettled(joined(created, everyoneTold(), { notices: published }))).toBe(true);
  });

  it('is settled when a booking was cancelled before anyone was called', () => {
    expect(isSettled(joinState({ crew_event: snapshotOf(cancelled, true) }))).toBe(true);
  });

  it.each<[string, JoinState]>([
    ['one side is behind', joinState({ crew_event: snapshotOf(created, false) })],
    ['someone is due a notice', joined(created)],
    [
      'CrewNotified is not out yet',
      joined(created, everyoneTold(), { notices: { 'call-v1': { ...published['call-v1'], published: undefined } } }),
    ],
    [
      'a notice is in flight',
      joined(
        created,
        { ...everyoneTold(), 'theo-park': claimedRecord(deckhand, fieldsOf(created)) },
        { notices: published },
      ),
    ],
    [
      'an unconfirmed notice was not reported yet',
      joined(
        created,
        { ...everyoneTold(), 'theo-park': claimedRecord(deckhand, fieldsOf(created), 'unconfirmed') },
        { notices: published },
      ),
    ],
  ])('is not settled while %s', (_why, state) => {
    expect(isSettled(state)).toBe(false);
  });
});
