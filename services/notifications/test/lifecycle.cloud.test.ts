import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CalendarUpdated, CrewDeclined, EventCancelled, EventCreated, EventUpdated } from '@charter/events';
import { startLocalCloud, type LocalCloud } from '@charter/local/testing';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { SCREENSHOTS, launchPhone } from '../../../test/support/browser';
import {
  NEW_HAND,
  ROSTER,
  calendarUpdated,
  crewDeclined,
  eventCancelled,
  eventCreated,
  eventUpdated,
} from './fixtures';
import {
  busEvent,
  copiesFor,
  crewNotifiedOf,
  inviteIn,
  lambdaContext,
  mailFor,
  mailTo,
  type StoredNotice,
} from './harness';

/**
 * A booking's whole life as the notifier sees it, through the local cloud's real stores (dynalite, aws-ses-v2-local,
 * the project's EventBridge and Secrets Manager) and the real SDK: the events scc and the calendar publish, built from
 * their contract schemas, delivered as EventBridge does (at least once, in any order, concurrently).
 */
type BusHandler = (event: EventBridgeEvent<string, unknown>, context: Context) => Promise<void>;
type Delivery =
  | ['EventCreated', EventCreated]
  | ['EventUpdated', EventUpdated]
  | ['EventCancelled', EventCancelled]
  | ['CalendarUpdated', CalendarUpdated]
  | ['CrewDeclined', CrewDeclined];

let cloud: LocalCloud;
let onSuccessEvent: BusHandler;

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  cloud = await startLocalCloud({ services: ['scc', 'notifications'], run: false });
  Object.assign(process.env, cloud.functionEnv('notifications', 'onSuccessEvent'));
  ({ handler: onSuccessEvent } = await import('../src/handlers/on-success-event'));
});

afterAll(async () => {
  await cloud?.stop();
});

const deliver = ([detailType, detail]: Delivery) => onSuccessEvent(busEvent(detailType, detail), lambdaContext());
/** Each event of a step delivered `times` times, all at once. */
const deliverAtOnce = (events: Delivery[], times = 1) =>
  Promise.all(events.flatMap((event) => Array.from({ length: times }, () => deliver(event))));
const calendarAt = (id: string, revision: number, status: 'booked' | 'cancelled' = 'booked'): Delivery => [
  'CalendarUpdated',
  calendarUpdated(id, { revision, status }),
];
const prefixOf = (email: StoredNotice) => email.subject.split(':')[0];

/** The three steps of a booking called, rescheduled to the next day an hour later, then cancelled. */
function lifeOf(id: string) {
  const created = eventCreated(id);
  const rescheduled = eventUpdated(created, {
    charter_date: '2024-05-31',
    charter_start: '11:00',
    charter_end: '14:00',
  });
  const cancelled = eventCancelled(rescheduled, { reason: 'Small craft advisory for the bay' });
  return {
    created,
    steps: [
      { scc: ['EventCreated', created] as Delivery, calendar: calendarAt(id, 1) },
      { scc: ['EventUpdated', rescheduled] as Delivery, calendar: calendarAt(id, 2) },
      { scc: ['EventCancelled', cancelled] as Delivery, calendar: calendarAt(id, 3, 'cancelled') },
    ],
  };
}

/** Each crew member has exactly call, change, cancel, whose invites update one event in place. */
async function expectCallChangeCancel(id: string, eventId: string) {
  const all = await mailFor(cloud, id);
  expect(all).toHaveLength(9);
  for (const member of ROSTER) {
    const mine = mailTo(all, member.email);
    expect(mine.map(prefixOf)).toEqual(['Crew call', 'Changed', 'Cancelled']);
    const invites = mine.map(inviteIn);
    expect(invites.map((i) => i.uid)).toEqual(Array(3).fill(`${eventId}@crew.example.com`));
    expect(invites.map((i) => i.sequence)).toEqual([0, 1, 2]);
    expect(invites.map((i) => i.method)).toEqual(['REQUEST', 'REQUEST', 'CANCEL']);
    expect(invites[2]!.status).toBe('CANCELLED');
    expect(invites.map((i) => i.start)).toEqual([
      '2024-05-30T17:00:00.000Z',
      '2024-05-31T18:00:00.000Z',
      '2024-05-31T18:00:00.000Z',
    ]);
    expect(
      invites.every((i) => i.attendees.join() === member.email && i.organizer === 'crew-desk@crew.example.com'),
    ).toBe(true);
    // The local store keeps To and BCC apart, as SES's Simple content sends them: no member's message has a BCC.
    for (const email of mine) expect(email.destination.bcc).toEqual([]);
  }
  // The captain sees everyone else's notices as copies of their own, with no invite that could reach their calendar.
  const copies = await copiesFor(cloud, id);
  expect(copies.map((c) => c.subject.split(':')[1]!.trim()).sort()).toEqual([
    'Cancelled',
    'Cancelled',
    'Changed',
    'Changed',
    'Crew call',
    'Crew call',
  ]);
  for (const copy of copies) {
    expect(copy.destination).toMatchObject({ to: ['captain@crew.example.com'], bcc: [] });
    expect(copy.attachments ?? []).toEqual([]);
    expect(copy.body.text).not.toMatch(/\/crew\/evt_/);
  }
  expect(crewNotifiedOf(cloud, id).map((e) => [e.detail.kind, e.detail.revision, e.detail.recipients.length])).toEqual([
    ['call', 1, 3],
    ['change', 2, 3],
    ['cancel', 3, 3],
  ]);
  const messageIds = new Set(all.map((m) => m.messageId));
  for (const event of crewNotifiedOf(cloud, id))
    expect(event.detail.recipients.every((r) => messageIds.has(r.message_id))).toBe(true);
}

describe("a booking's whole life: call, change, cancel", () => {
  it('gives each member exactly three messages, invites with one UID, SEQUENCE rising, the last a CANCEL', async () => {
    const id = 'life-in-order';
    const { created, steps } = lifeOf(id);
    for (const step of steps) {
      await deliver(step.scc);
      await deliver(step.calendar);
    }
    await expectCallChangeCancel(id, created.event_id);
  });

  it('gives the same with every event delivered three times at once, the calendar before scc', async () => {
    const id = 'life-triple-reversed';
    const { created, steps } = lifeOf(id);
    for (const step of steps) {
      await deliverAtOnce([step.calendar], 3);
      await deliverAtOnce([step.scc, step.calendar], 3);
    }
    await expectCallChangeCancel(id, created.event_id);
  });

  it('changes nothing when old events are redelivered afterwards (a redrive days later)', async () => {
    const id = 'life-then-redrive';
    const { created, steps } = lifeOf(id);
    for (const step of steps) await deliverAtOnce([step.scc, step.calendar]);
    await deliverAtOnce(steps.flatMap((step) => [step.scc, step.calendar]).reverse(), 2);
    await expectCallChangeCancel(id, created.event_id);
  });

  it('renders the call, the change and the cancel notices as a phone shows them (screenshots)', async () => {
    const id = 'life-screenshots';
    const { steps } = lifeOf(id);
    for (const step of steps) await deliverAtOnce([step.scc, step.calendar]);
    const [call, change, cancel] = mailTo(await mailFor(cloud, id), 'mate@crew.example.com');
    const phone = await launchPhone();
    try {
      mkdirSync(SCREENSHOTS, { recursive: true });
      for (const [name, email] of [
        ['call', call],
        ['change', change],
        ['cancel', cancel],
      ] as const) {
        writeFileSync(join(SCREENSHOTS, `notice-${name}.html`), email!.body.html!);
        const page = await phone.context.newPage();
        await page.setContent(email!.body.html!, { waitUntil: 'load' });
        expect(await page.title()).toBe(email!.subject);
        await page.screenshot({ path: join(SCREENSHOTS, `notice-${name}.png`), fullPage: true });
        await page.close();
      }
    } finally {
      await phone.close();
    }
  });
});

describe('a change before the call, a cancellation before the call', () => {
  it('folds a change that lands before the call into one call with the new time', async () => {
    const id = 'change-before-call';
    const { steps } = lifeOf(id);
    await deliver(steps[0]!.scc);
    await deliver(steps[1]!.scc);
    await deliver(steps[0]!.calendar);
    expect(await mailFor(cloud, id)).toHaveLength(0);
    await deliver(steps[1]!.calendar);
    const all = await mailFor(cloud, id);
    expect(all.map(prefixOf)).toEqual(['Crew call', 'Crew call', 'Crew call']);
    for (const email of all) {
      expect(email.body.text).toContain('Friday, May 31, 2024, 11:00 AM – 2:00 PM PDT');
      expect(inviteIn(email)).toMatchObject({ sequence: 0, method: 'REQUEST', start: '2024-05-31T18:00:00.000Z' });
    }
    expect(crewNotifiedOf(cloud, id).map((e) => [e.detail.kind, e.detail.revision])).toEqual([['call', 2]]);
  });

  it('sends nothing at all for a booking cancelled before any call, whatever arrives after', async () => {
    const id = 'cancel-before-call';
    const { steps } = lifeOf(id);
    await deliverAtOnce([steps[0]!.scc, steps[2]!.scc, steps[2]!.calendar]);
    await deliverAtOnce([steps[0]!.calendar, steps[1]!.calendar, steps[1]!.scc], 2);
    expect(await mailFor(cloud, id)).toHaveLength(0);
    expect(crewNotifiedOf(cloud, id)).toHaveLength(0);
  });
});

describe('a crew PATCH (EventUpdated, cause crew): scc alone', () => {
  it('adding a member and removing another gives one call and one removal, and nothing to the others', async () => {
    const id = 'crew-patch';
    const created = eventCreated(id);
    await deliverAtOnce([['EventCreated', created], calendarAt(id, 1)]);
    const [captain, mate] = ROSTER as [(typeof ROSTER)[0], (typeof ROSTER)[0]];
    const patched = eventUpdated(created, { cause: 'crew', crew: [captain, mate, NEW_HAND] });
    await deliverAtOnce([['EventUpdated', patched]], 3);

    const all = await mailFor(cloud, id);
    expect(all).toHaveLength(5);
    expect(mailTo(all, NEW_HAND.email).map(prefixOf)).toEqual(['Crew call']);
    expect(mailTo(all, 'deckhand@crew.example.com').map(prefixOf)).toEqual(['Crew call', 'Off the crew']);
    expect(mailTo(all, 'mate@crew.example.com').map(prefixOf)).toEqual(['Crew call']);
    expect(mailTo(all, 'captain@crew.example.com').map(prefixOf)).toEqual(['Crew call']);
    expect(inviteIn(mailTo(all, 'deckhand@crew.example.com')[1]!)).toMatchObject({ method: 'CANCEL', sequence: 1 });
    expect(inviteIn(mailTo(all, NEW_HAND.email)[0]!)).toMatchObject({
      method: 'REQUEST',
      sequence: 0,
      uid: `${created.event_id}@crew.example.com`,
    });
    expect(crewNotifiedOf(cloud, id).map((e) => [e.detail.kind, e.detail.recipients.map((r) => r.member_id)])).toEqual([
      ['call', ['isla-moreno', 'rowan-hale', 'theo-park']],
      ['call', ['ada-quinn']],
      ['removal', ['theo-park']],
    ]);
  });
});

describe('a decline', () => {
  it('gives the captain one email naming who and why, however often it is delivered', async () => {
    const id = 'decline';
    await deliverAtOnce([['EventCreated', eventCreated(id)], calendarAt(id, 1)]);
    const declined: Delivery = ['CrewDeclined', crewDeclined(id, 'isla-moreno', 'My boat <engine> is in pieces')];
    await deliverAtOnce([declined], 3);
    const answers = (await mailFor(cloud, id)).filter((m) => m.subject.startsWith("Can't make it:"));
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ destination: { to: ['captain@crew.example.com'], bcc: [] } });
    expect(answers[0]!.subject).toContain('Isla Moreno (mate)');
    expect(answers[0]!.body.text).toContain('Their reason: My boat <engine> is in pieces');
    expect(answers[0]!.body.html).toContain('My boat &lt;engine&gt; is in pieces');
  });

  it('waits for the crew event when the decline comes first', async () => {
    const id = 'decline-first';
    await deliver(['CrewDeclined', crewDeclined(id, 'theo-park')]);
    expect(await mailFor(cloud, id)).toHaveLength(0);
    await deliverAtOnce([['EventCreated', eventCreated(id)], calendarAt(id, 1)]);
    const answers = (await mailFor(cloud, id)).filter((m) => m.subject.startsWith("Can't make it:"));
    expect(answers.map((m) => m.destination.to[0])).toEqual(['captain@crew.example.com']);
  });
});
