import fc from 'fast-check';
import { deriveStatus } from '../src/domain/status';
import { entryFromDeadLetter, parseDeadLetter } from '../src/domain/dead-letters';
import { describeEntry, orderTimeline, timelineSteps, type TimelineEntry } from '../src/domain/timeline';
import {
  ROSTER,
  booking,
  busEvent,
  crewAnswer,
  entryOf,
  entryReceived,
  eventIdOf,
  failureRecord,
  happyPath,
  messageIdOf,
  secondsAfter,
  sesEvent,
  T0,
  type BusEvent,
} from './fixtures';

const ID = 'xhqgmdh';
/** An asymmetric matcher, typed as what it stands for. */
const AN_INSTANT = expect.any(String) as unknown;
const AN_ACTION = expect.any(String) as unknown;
const settings = (minutesAfterT0 = 5) => ({ now: secondsAfter(minutesAfterT0 * 60), stepMinutes: 15 });
const statusOf = (events: BusEvent[], extra: TimelineEntry[] = [], minutes = 5) =>
  deriveStatus(ID, [...events.map(entryOf), ...extra], settings(minutes));
const confirmAll = (from = 60) =>
  ROSTER.map((m, i) => crewAnswer(ID, m.member_id, 'confirmed', secondsAfter(from + i)));

/** A dead letter, as the watch reads it from the queue. */
function deadLetterEntry(input: Parameters<typeof failureRecord>[0] & { queue: string }): TimelineEntry {
  return entryFromDeadLetter(parseDeadLetter(input.queue, 'm-1', { Body: JSON.stringify(failureRecord(input)) }))!;
}

describe('readiness', () => {
  it('is not ready while the crew has not confirmed, and names who', () => {
    const status = statusOf(happyPath(ID));
    expect(status.guest_page.state).toBe('done');
    expect(status.crew_event.state).toBe('done');
    expect(status.calendar.state).toBe('done');
    expect(status.crew.map((m) => m.notice)).toEqual(['noticed', 'noticed', 'noticed']);
    expect(status.readiness).toEqual({
      state: 'not_ready',
      missing: ['Crew not confirmed: Rowan Hale, Isla Moreno, Theo Park'],
    });
    expect(status.problems).toEqual([]);
  });

  it('changes as crew confirm, and is ready once all three have', () => {
    const answers = confirmAll();
    const states = [0, 1, 2, 3].map((n) => statusOf([...happyPath(ID), ...answers.slice(0, n)]));
    expect(states.map((s) => s.confirmed.count)).toEqual([0, 1, 2, 3]);
    expect(states.map((s) => s.readiness.state)).toEqual(['not_ready', 'not_ready', 'not_ready', 'ready']);
    expect(states[2]!.readiness.missing).toEqual(['Crew not confirmed: Theo Park']);
    expect(states[3]!.readiness.missing).toEqual([]);
  });

  it('lists a decline as a problem with its reason, and the charter is not ready', () => {
    const events = [
      ...happyPath(ID),
      ...confirmAll(),
      crewAnswer(ID, 'isla-moreno', 'declined', secondsAfter(90), 'Sick'),
    ];
    const status = statusOf(events);
    expect(status.crew.find((m) => m.member_id === 'isla-moreno')).toMatchObject({
      answer: 'declined',
      decline_reason: 'Sick',
    });
    expect(status.problems).toEqual([
      {
        code: 'declined',
        severity: 'blocking',
        message: 'Isla Moreno (mate) declined: Sick',
        at: AN_INSTANT,
        what_to_do:
          'Call the captain for a replacement, then change the crew on the crew event ' +
          '(scc PATCH /events/{event_id}): the new member gets a crew call.',
      },
    ]);
    // Listed once, as a problem: what is still to come is nothing.
    expect(status.readiness).toEqual({ state: 'not_ready', missing: [] });
  });

  it('names a bounced crew address, and a later delivery to it settles it', () => {
    const bounce = sesEvent('Email Bounced', {
      bookingId: ID,
      messageId: messageIdOf(ID, 'theo-park'),
      to: ['deckhand@crew.example.com'],
      time: secondsAfter(20),
    });
    const bounced = statusOf([...happyPath(ID), ...confirmAll(), bounce]);
    expect(bounced.problems).toEqual([
      {
        code: 'email_bounced',
        severity: 'blocking',
        message:
          'Crew email to Theo Park (deckhand) at deckhand@crew.example.com bounced ' +
          '(Permanent/General: smtp; 550 5.1.1 user unknown)',
        what_to_do:
          'Call Theo Park: the crew email did not reach them. Correct their address in the roster (scc PUT /crew).',
      },
    ]);
    expect(bounced.readiness).toEqual({ state: 'not_ready', missing: [] });

    const delivered = sesEvent('Email Delivered', {
      bookingId: ID,
      messageId: messageIdOf(ID, 'theo-park', 'change'),
      to: ['deckhand@crew.example.com'],
      time: secondsAfter(200),
    });
    expect(statusOf([...happyPath(ID), ...confirmAll(), bounce, delivered]).readiness.state).toBe('ready');
  });

  it('waits for a step within the step minutes, then calls it overdue', () => {
    const [created] = happyPath(ID);
    const early = statusOf([created!], [], 5);
    expect([early.guest_page.state, early.crew_event.state, early.calendar.state]).toEqual([
      'pending',
      'pending',
      'pending',
    ]);
    expect(early.problems).toEqual([]);
    expect(early.readiness.missing).toContain('Guest page not live yet');

    const late = statusOf([created!], [], 20);
    expect(late.problems.map((p) => p.message)).toEqual([
      'Guest page does not show revision 1 yet',
      'Crew event does not show revision 1 yet',
      'Calendar entry does not show revision 1 yet',
    ]);
  });

  it("judges a step late from when ops received the booking event, not from the partner's own stamp", () => {
    const [created] = happyPath(ID);
    const stamped2099 = { ...created!, time: '2099-01-01T00:00:00Z' };
    const entry = entryReceived(stamped2099, T0);
    expect(entry.at).toBe(T0.toISOString());
    const late = deriveStatus(ID, [entry], settings(20));
    expect(late.guest_page.state).toBe('overdue');
    expect(late.problems.map((p) => p.code)).toEqual(['step_overdue', 'step_overdue', 'step_overdue']);
  });

  it('counts a notice not sent long after both steps as a problem', () => {
    const [created, page, event, calendar] = happyPath(ID);
    const status = statusOf([created!, page!, event!, calendar!], [], 30);
    expect(status.crew.map((m) => m.notice)).toEqual(['overdue', 'overdue', 'overdue']);
    expect(status.problems.map((p) => p.code)).toEqual(['notice_overdue', 'notice_overdue', 'notice_overdue']);
  });
});

describe('a change and a cancellation', () => {
  const updated = busEvent(
    'BookingUpdated',
    { ...booking(ID, { charter_start: '14:00', charter_end: '17:00' }), revision: 2 },
    secondsAfter(100),
    'partner.boatsetter',
  );

  it('shows the steps as behind until each reflects the new revision, and clears confirmations', () => {
    const status = statusOf([...happyPath(ID), ...confirmAll(), updated]);
    expect(status.revision).toBe(2);
    expect(status.booking).toMatchObject({ charter_start: '14:00', charter_end: '17:00' });
    expect(status.readiness.missing).toEqual([
      'Guest page not up to date (shows revision 1 of 2)',
      'Crew event not up to date (shows revision 1 of 2)',
      'Calendar entry not up to date (shows revision 1 of 2)',
    ]);

    const eventUpdated = busEvent(
      'EventUpdated',
      {
        schema_version: 1,
        booking_id: ID,
        event_id: eventIdOf(ID),
        revision: 2,
        version: 2,
        charter_date: '2027-05-30',
        charter_start: '14:00',
        charter_end: '17:00',
        timezone: 'America/Los_Angeles',
        vessel: 'JADA',
        location: 'Shelter Island, San Diego',
        guest_count: 4,
        crew: ROSTER,
        cause: 'booking',
        changes: [
          { field: 'charter_start', from: '10:00', to: '14:00' },
          { field: 'charter_end', from: '13:00', to: '17:00' },
        ],
        crew_added: [],
        crew_removed: [],
        confirmations_cleared: true,
      },
      secondsAfter(101),
    );
    const after = statusOf([...happyPath(ID), ...confirmAll(), updated, eventUpdated]);
    expect(after.crew_event).toMatchObject({ state: 'done', revision: 2 });
    // The first confirmations were of 10:00; the crew must confirm 14:00.
    expect(after.confirmed).toEqual({ count: 0, of: 3 });
    expect(after.crew.map((m) => m.notice)).toEqual(['waiting', 'waiting', 'waiting']);
  });

  it('is cancelled, final, whatever comes after', () => {
    const cancelled = busEvent(
      'BookingCancelled',
      {
        schema_version: 1,
        booking_id: ID,
        source: 'boatsetter',
        revision: 3,
        cancelled_at: secondsAfter(300).toISOString(),
        cancelled_by: 'weather',
        reason: 'Small craft advisory',
      },
      secondsAfter(300),
      'partner.boatsetter',
    );
    const status = statusOf([...happyPath(ID), cancelled, updated]);
    expect(status.lifecycle).toBe('cancelled');
    expect(status.readiness).toEqual({ state: 'cancelled', missing: [] });
    expect(status.cancelled).toEqual({ at: AN_INSTANT, by: 'weather' });
    expect(status.guest_page.state).toBe('pending');
    expect(describeEntry(entryOf(cancelled))).toBe('Cancelled by weather (revision 3)');
  });
});

describe('problems from other partners and dead letters', () => {
  const hijack = busEvent(
    'BookingUpdated',
    { ...booking(ID, { source: 'getmyboat', charter_date: '2027-07-09' }), revision: 5 },
    secondsAfter(50),
    'partner.getmyboat',
  );

  it("keeps the owner's booking and warns once of another partner's refused event", () => {
    const letters = ['guest-pages', 'scc', 'calendar'].map((service) =>
      deadLetterEntry({
        queue: `charter-${service}-dlq-local`,
        fn: `charter-${service}-local-onBookingEvent`,
        event: hijack,
        errorType: 'NotOwnerError',
        message: `not_owner: booking ${ID} belongs to boatsetter; an event from getmyboat cannot change it`,
        at: secondsAfter(51),
      }),
    );
    const status = statusOf([...happyPath(ID), hijack], letters);
    expect(status.owner).toBe('boatsetter');
    expect(status.revision).toBe(1);
    expect(status.booking?.charter_date).toBe('2027-05-30');
    expect(status.problems).toEqual([
      {
        code: 'not_owner',
        severity: 'warning',
        message: "getmyboat's BookingUpdated was refused (not_owner): the booking belongs to boatsetter",
        at: AN_INSTANT,
        what_to_do:
          'Nothing to replay (it would be refused again): ask getmyboat why its sync sent a booking another ' +
          'partner owns.',
      },
    ]);
    // A warning, not a reason the charter is not ready.
    expect(statusOf([...happyPath(ID), ...confirmAll(), hijack], letters).readiness.state).toBe('ready');
  });

  it('warns once per refused partner, with a count, however many events it sent', () => {
    const foreign = (partner: string, revision: number) =>
      busEvent(
        'BookingUpdated',
        { ...booking(ID, { source: partner }), revision },
        secondsAfter(50 + revision),
        `partner.${partner}`,
      );
    const flood = [2, 3, 4, 5].map((r) => foreign('getmyboat', r));
    const letter = deadLetterEntry({
      queue: 'charter-scc-dlq-local',
      fn: 'charter-scc-local-onBookingEvent',
      event: flood[0]!,
      errorType: 'NotOwnerError',
      message: `not_owner: booking ${ID} belongs to boatsetter`,
      at: secondsAfter(60),
    });
    const status = statusOf([...happyPath(ID), ...flood, foreign('sailo', 9)], [letter]);
    expect(status.problems).toEqual([
      {
        code: 'not_owner',
        severity: 'warning',
        message: "getmyboat's 4 booking events were refused (not_owner): the booking belongs to boatsetter",
        at: secondsAfter(60).toISOString(),
        count: 4,
        what_to_do: AN_ACTION,
      },
      {
        code: 'not_owner',
        severity: 'warning',
        message: "sailo's BookingUpdated was refused (not_owner): the booking belongs to boatsetter",
        at: AN_INSTANT,
        what_to_do: AN_ACTION,
      },
    ]);
  });

  it('lists a dead letter until the same service does its part for that revision', () => {
    const [created] = happyPath(ID);
    const letterOf = {
      queue: 'charter-calendar-dlq-local',
      fn: 'charter-calendar-local-onBookingEvent',
      event: created!,
      errorType: 'ThrottlingException',
      message: 'Rate exceeded',
      at: secondsAfter(5),
    };
    const letter = deadLetterEntry(letterOf);
    const [, page, event, , notified] = happyPath(ID);
    const stuck = statusOf([created!, page!, event!], [letter]);
    expect(stuck.problems).toEqual([
      {
        code: 'dead_letter',
        severity: 'blocking',
        message: 'calendar could not process BookingCreated (ThrottlingException): Rate exceeded',
        at: AN_INSTANT,
        what_to_do:
          'Fix the cause, then replay it: npm run dlq -- redrive (safe: each service skips what it already did).',
      },
    ]);
    expect(describeEntry(letter)).toBe('calendar could not process BookingCreated: Rate exceeded');
    // A dead letter alone keeps a charter from ready, though nothing else is missing.
    const held = { ...created!, detail: { ...created!.detail, revision: 2 } };
    const later = deadLetterEntry({ ...letterOf, event: held, at: secondsAfter(200) });
    const confirmedAll = statusOf([...happyPath(ID), ...confirmAll()], [later]);
    expect(confirmedAll.readiness).toEqual({ state: 'not_ready', missing: [] });
    // Redriven: the calendar published its CalendarUpdated of revision 1.
    const redriven = statusOf([...happyPath(ID), notified!], [letter]);
    expect(redriven.problems).toEqual([]);
  });
});

describe('order and duplicates', () => {
  /** Everything that can happen to one booking, one event each. */
  const everything: BusEvent[] = [
    ...happyPath(ID),
    ...confirmAll(),
    crewAnswer(ID, 'theo-park', 'declined', secondsAfter(70), 'Boat show'),
    sesEvent('Email Bounced', {
      bookingId: ID,
      messageId: messageIdOf(ID, 'isla-moreno'),
      to: ['mate@crew.example.com'],
      time: secondsAfter(10),
    }),
    sesEvent('Email Delivered', {
      bookingId: ID,
      messageId: messageIdOf(ID, 'rowan-hale'),
      to: ['captain@crew.example.com'],
      time: secondsAfter(9),
    }),
    busEvent(
      'BookingUpdated',
      { ...booking(ID, { guest_count: 6 }), revision: 2 },
      secondsAfter(120),
      'partner.boatsetter',
    ),
    busEvent(
      'CalendarUpdated',
      {
        schema_version: 1,
        booking_id: ID,
        revision: 2,
        year: 2027,
        calendar_url: 'https://calendar.example.com/calendar/2027.json',
      },
      secondsAfter(121),
    ),
  ];
  const inOrder = everything.map(entryOf);
  const reference = deriveStatus(ID, inOrder, settings());

  it('derives the same status and the same timeline from any order, each event delivered up to three times', () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray(inOrder, { minLength: inOrder.length }),
        fc.array(fc.integer({ min: 0, max: inOrder.length - 1 }), { maxLength: 30 }),
        (shuffled, repeats) => {
          const delivered = [...shuffled, ...repeats.map((i) => structuredClone(inOrder[i]!))];
          expect(deriveStatus(ID, delivered, settings())).toEqual(reference);
          expect(orderTimeline(delivered).map((e) => e.id)).toEqual(orderTimeline(inOrder).map((e) => e.id));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('puts each step once, in the order things happened, within a second too', () => {
    const kinds = orderTimeline([...inOrder].reverse()).map((e) => e.kind);
    expect(kinds.slice(0, 5)).toEqual([
      'BookingCreated',
      'EventCreated',
      'GuestPagePublished',
      'CalendarUpdated',
      'CrewNotified',
    ]);
    expect(new Set(orderTimeline([...inOrder, ...inOrder]).map((e) => e.id)).size).toBe(inOrder.length);
  });
});

it('reads only what the console shows: no money, no guest contact details, no partner free text', () => {
  const [created] = happyPath(ID);
  const cancelled = busEvent(
    'BookingCancelled',
    {
      schema_version: 1,
      booking_id: ID,
      source: 'boatsetter',
      revision: 2,
      cancelled_at: secondsAfter(300).toISOString(),
      cancelled_by: 'guest',
      reason: 'Guest asked for a $1,450 refund: call Dana at 619 555 0100 or dana@example.com',
    },
    secondsAfter(300),
    'partner.boatsetter',
  );
  const entries = [created!, cancelled].map(entryOf);
  const text = JSON.stringify([entries, deriveStatus(ID, entries, settings()), timelineSteps(entries)]);
  expect(text).not.toMatch(/145000|30000|1,450|refund|dana@example\.com|619 555|Birthday|revenue/);
  expect(entryOf(cancelled).facts).toEqual({ partner: 'boatsetter', cancelled_at: AN_INSTANT, cancelled_by: 'guest' });
});

it('shows a success a service published again (a redelivered booking event) as one step with both event ids', () => {
  const [created, page] = happyPath(ID);
  const again = { ...page!, id: 'second-publication', time: secondsAfter(4).toISOString() };
  const steps = timelineSteps([created!, page!, again].map(entryOf));
  expect(steps.map((s) => [s.kind, s.event_ids])).toEqual([
    ['BookingCreated', [created!.id]],
    ['GuestPagePublished', [page!.id, 'second-publication']],
  ]);
});
