import {
  CLAIM_LEASE_MS,
  alertRecipient,
  captainOf,
  crewOf,
  nextStep,
  stallDecision,
  type JoinState,
  type SendRecord,
} from '../src/domain/join';
import { ROSTER, at, calendarUpdated, eventCreated, joinState, minutesAfter, sent } from './fixtures';

const crewEvent = eventCreated();
const calendar = { year: 2024, calendar_url: calendarUpdated().calendar_url };
const both = (parts: Partial<JoinState> = {}) =>
  joinState({ crew_event: crewEvent, crew_event_at: at(0), calendar, calendar_at: at(1), ...parts });
const allSent = () => Object.fromEntries(ROSTER.map((m) => [m.member_id, sent(m.email)]));
const policy = { stallMinutes: 15 };

describe('the join decides what to do next from the item alone', () => {
  it('waits for the calendar when only EventCreated has arrived', () => {
    expect(nextStep(joinState({ crew_event: crewEvent, crew_event_at: at(0) }))).toEqual({
      kind: 'wait',
      missing: 'calendar',
    });
  });

  it('waits for the crew event when only CalendarUpdated has arrived', () => {
    expect(nextStep(joinState({ calendar, calendar_at: at(0) }))).toEqual({ kind: 'wait', missing: 'crew_event' });
  });

  it('emails every crew member once both have arrived, in either order', () => {
    const eventFirst = nextStep(both({ crew_event_at: at(0), calendar_at: at(5) }));
    const calendarFirst = nextStep(both({ calendar_at: at(0), crew_event_at: at(5) }));
    expect(eventFirst).toEqual(calendarFirst);
    expect(eventFirst.kind).toBe('send');
    if (eventFirst.kind !== 'send') return;
    expect(eventFirst.members.map((m) => m.member_id)).toEqual(['rowan-hale', 'isla-moreno', 'theo-park']);
  });

  it('emails only the members nobody has claimed yet when a duplicate delivery arrives mid-send', () => {
    const step = nextStep(both({ sends: { 'rowan-hale': sent('captain@crew.example.com') } }));
    expect(step.kind).toBe('send');
    if (step.kind !== 'send') return;
    expect(step.members.map((m) => m.member_id)).toEqual(['isla-moreno', 'theo-park']);
  });

  it('sends nothing while another delivery holds the remaining claims', () => {
    const claimed: SendRecord = {
      status: 'claimed',
      email: 'mate@crew.example.com',
      claimed_at: at(1),
      claimed_by: 'other',
    };
    const step = nextStep(both({ sends: { ...allSent(), 'isla-moreno': claimed } }));
    expect(step).toEqual({ kind: 'in_progress', members: [ROSTER[1]] });
  });

  it('never re-sends to a member whose send was rejected or is unconfirmed', () => {
    const sends = {
      ...allSent(),
      'isla-moreno': {
        status: 'rejected' as const,
        email: 'mate@crew.example.com',
        claimed_at: at(1),
        claimed_by: 'x',
        reason: 'MessageRejected: no',
      },
      'theo-park': {
        status: 'unconfirmed' as const,
        email: 'deckhand@crew.example.com',
        claimed_at: at(1),
        claimed_by: 'x',
      },
    };
    const step = nextStep(both({ sends }));
    expect(step.kind).toBe('blocked');
    if (step.kind !== 'blocked') return;
    expect(step.undelivered.map((u) => [u.member.member_id, u.status])).toEqual([
      ['isla-moreno', 'rejected'],
      ['theo-park', 'unconfirmed'],
    ]);
  });

  it('publishes CrewNotified with every recipient and message id once all are recorded', () => {
    expect(nextStep(both({ sends: allSent() }))).toEqual({
      kind: 'publish',
      notice: {
        booking_id: 'xhqgmdh',
        event_id: crewEvent.event_id,
        kind: 'call',
        revision: 1,
        recipients: ROSTER.map((m) => ({ member_id: m.member_id, email: m.email, message_id: `msg-${m.email}` })),
      },
    });
  });

  it('is done once CrewNotified is recorded, however often the events arrive again', () => {
    const done = both({
      sends: allSent(),
      crew_notified: { status: 'done', claimed_at: at(2), claimed_by: 'x', id: 'evt-1' },
    });
    expect(nextStep(done)).toEqual({ kind: 'done' });
  });

  it('emails a member listed twice in the roster once', () => {
    const doubled = eventCreated('xhqgmdh', { crew: [...ROSTER, { ...ROSTER[2]! }] });
    expect(crewOf(doubled).map((m) => m.member_id)).toEqual(['rowan-hale', 'isla-moreno', 'theo-park']);
  });
});

describe('the captain', () => {
  it('is the crew member whose role is captain, whatever its case', () => {
    expect(
      captainOf(eventCreated('b-1', { crew: [ROSTER[1]!, { ...ROSTER[0]!, role: ' Captain ' }] }))?.member_id,
    ).toBe('rowan-hale');
  });

  it('is unknown when the roster has none', () => {
    expect(captainOf(eventCreated('b-1', { crew: [ROSTER[1]!, ROSTER[2]!] }))).toBeUndefined();
  });
});

describe('the stall check', () => {
  it('keeps watching a booking whose other event may still come', () => {
    expect(stallDecision(joinState({ crew_event: crewEvent, crew_event_at: at(0) }), minutesAfter(14), policy)).toEqual(
      { kind: 'keep_watching' },
    );
  });

  it('names the calendar entry as missing when only the crew event arrived STALL_MINUTES ago', () => {
    expect(stallDecision(joinState({ crew_event: crewEvent, crew_event_at: at(0) }), minutesAfter(15), policy)).toEqual(
      {
        kind: 'missing_step',
        missing: 'calendar',
        since: at(0),
      },
    );
  });

  it('names the crew event as missing when only the calendar entry arrived STALL_MINUTES ago', () => {
    expect(stallDecision(joinState({ calendar, calendar_at: at(0) }), minutesAfter(20), policy)).toEqual({
      kind: 'missing_step',
      missing: 'crew_event',
      since: at(0),
    });
  });

  it('honours a shorter configured stall time', () => {
    expect(stallDecision(joinState({ calendar, calendar_at: at(0) }), minutesAfter(5), { stallMinutes: 5 }).kind).toBe(
      'missing_step',
    );
  });

  it('reports a stuck booking once: after the alert it stops watching it', () => {
    const alerted = joinState({
      calendar,
      calendar_at: at(0),
      stall_alert: { status: 'done', claimed_at: at(15), claimed_by: 'x' },
    });
    expect(stallDecision(alerted, minutesAfter(30), policy)).toEqual({ kind: 'stop_watching' });
  });

  it('stops watching a booking whose crew has been notified', () => {
    const done = both({
      sends: allSent(),
      crew_notified: { status: 'done', claimed_at: at(2), claimed_by: 'x', id: 'e' },
    });
    expect(stallDecision(done, minutesAfter(60), policy)).toEqual({ kind: 'stop_watching' });
  });

  it('reports a claim left without a message id (the sender died) as possibly sent, never as a resend', () => {
    const orphan: SendRecord = {
      status: 'claimed',
      email: 'mate@crew.example.com',
      claimed_at: at(1),
      claimed_by: 'dead',
    };
    const decision = stallDecision(both({ sends: { ...allSent(), 'isla-moreno': orphan } }), minutesAfter(16), policy);
    expect(decision.kind).toBe('undelivered');
    if (decision.kind !== 'undelivered') return;
    expect(decision.undelivered).toEqual([{ member: ROSTER[1], status: 'claimed' }]);
  });

  it('leaves a fresh claim alone: its sender may still be working', () => {
    const fresh: SendRecord = {
      status: 'claimed',
      email: 'mate@crew.example.com',
      claimed_at: minutesAfter(16).toISOString(),
      claimed_by: 'live',
    };
    const decision = stallDecision(
      both({ sends: { ...allSent(), 'isla-moreno': fresh } }),
      new Date(minutesAfter(16).getTime() + CLAIM_LEASE_MS - 1),
      policy,
    );
    expect(decision).toEqual({ kind: 'keep_watching' });
  });

  it('reports members nobody managed to email (their event was dead-lettered)', () => {
    const decision = stallDecision(
      both({ sends: { 'rowan-hale': sent('captain@crew.example.com') } }),
      minutesAfter(30),
      policy,
    );
    expect(decision.kind === 'undelivered' && decision.undelivered.map((u) => [u.member.member_id, u.status])).toEqual([
      ['isla-moreno', 'not_sent'],
      ['theo-park', 'not_sent'],
    ]);
  });

  it('publishes CrewNotified when every member is recorded but its publisher died', () => {
    const stale = both({
      sends: allSent(),
      crew_notified: { status: 'claimed', claimed_at: at(2), claimed_by: 'dead' },
    });
    expect(stallDecision(stale, minutesAfter(20), policy).kind).toBe('publish');
    const live = both({
      sends: allSent(),
      crew_notified: { status: 'claimed', claimed_at: minutesAfter(20).toISOString(), claimed_by: 'live' },
    });
    expect(stallDecision(live, minutesAfter(20), policy)).toEqual({ kind: 'keep_watching' });
  });
});

describe('who hears about a stall', () => {
  const operator = 'ops@crew.example.com';
  it('is the captain when the crew event names one', () => {
    expect(alertRecipient(joinState({ crew_event: crewEvent }), operator)).toBe('captain@crew.example.com');
  });
  it('is the operator when no captain is known', () => {
    expect(alertRecipient(joinState({ calendar }), operator)).toBe(operator);
  });
  it('is the operator when the captain is the one who could not be reached', () => {
    expect(
      alertRecipient(joinState({ crew_event: crewEvent }), operator, [{ member: ROSTER[0]!, status: 'rejected' }]),
    ).toBe(operator);
  });
});
