/**
 * EventBridge delivers at least once and in any order. Here every event is delivered three
 * times at once, and the crew event is made to come after the calendar entry: SCC's table is
 * gone when the bookings arrive, so its deliveries fail, are retried, and are dead-lettered;
 * the table comes back and the dead letters are redriven. Nothing is lost, nothing doubled.
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { readDeadLetters, redrive } from '@charter/local/dlq';
import { publishBookings, startLocalCloud, type LocalCloud } from '@charter/local/testing';
import {
  booking,
  fetchJson,
  type CalendarJson,
  crewEmailsOf,
  crewLinkIn,
  dropTable,
  emails,
  eventsOf,
  scanTable,
  serviceKey,
} from '../support/e2e';

describe('triple delivery of every event, with CalendarUpdated before EventCreated', () => {
  let cloud: LocalCloud;
  const bookings = Array.from({ length: 5 }, (_, i) => booking(i, { booking_id: `redeliver-${i}` }));
  let deadLettered: number;

  beforeAll(async () => {
    cloud = await startLocalCloud({ services: 'all', run: true });
    cloud.eventBridge.deliveries = 3;
    const restoreScc = await dropTable(cloud, 'ShipCaptainCrew-Events-local');
    await publishBookings(bookings, { parallel: true });
    await cloud.idle();
    await restoreScc();
    const sqs = new SQSClient({});
    const letters = (await readDeadLetters(sqs, { peek: false })).filter(
      (l) => l.functionName === 'charter-scc-local-onBookingEvent',
    );
    deadLettered = letters.length;
    await redrive(sqs, new LambdaClient({}), letters);
    await cloud.idle();
  }, 180_000);
  afterAll(() => cloud.stop());

  it('dead-lettered every SCC delivery while its table was gone (three per booking)', () => {
    expect(deadLettered).toBe(bookings.length * 3);
  });

  it('delivered the calendar entry before the crew event for every booking', () => {
    for (const b of bookings) {
      const calendar = eventsOf(cloud, 'CalendarUpdated', b.booking_id);
      const crew = eventsOf(cloud, 'EventCreated', b.booking_id);
      expect(calendar.length).toBeGreaterThanOrEqual(1);
      expect(crew.length).toBeGreaterThanOrEqual(1);
      const firstCrew = Math.min(...crew.map((e) => cloud.eventBridge.arrivedAt.get(e.id)!));
      expect(Math.max(...calendar.map((e) => cloud.eventBridge.arrivedAt.get(e.id)!))).toBeLessThanOrEqual(firstCrew);
    }
  });

  it('keeps one crew event, one guest page and one calendar entry per booking', async () => {
    const scc = await scanTable('ShipCaptainCrew-Events-local');
    const slugs = new Set(eventsOf(cloud, 'GuestPagePublished').map((e) => `${e.detail.booking_id}:${e.detail.slug}`));
    for (const b of bookings) {
      expect(scc.filter((i) => String(i.pk).startsWith('EVENT#') && i.booking_id === b.booking_id)).toHaveLength(1);
      expect([...slugs].filter((s) => s.startsWith(`${b.booking_id}:`))).toHaveLength(1);
    }
    const url = eventsOf(cloud, 'CalendarUpdated', bookings[0]!.booking_id)[0]!.detail.calendar_url;
    const ids = (await fetchJson<CalendarJson>(url)).entries
      .map((e) => e.booking_id)
      .filter((id) => id.startsWith('redeliver-'));
    expect(ids.sort()).toEqual(bookings.map((b) => b.booking_id).sort());
  });

  it('emails each crew member exactly once per booking, however often each event came', async () => {
    const all = await emails(cloud);
    for (const b of bookings) {
      const recipients = crewEmailsOf(all, b.booking_id)
        .map((e) => e.destination.to[0])
        .sort();
      expect(recipients).toEqual(['captain@crew.example.com', 'deckhand@crew.example.com', 'mate@crew.example.com']);
    }
    expect(new Set(eventsOf(cloud, 'CrewNotified').map((e) => e.detail.booking_id)).size).toBe(bookings.length);
  });

  it('keeps a crew confirmation and sends nothing more when every booking arrives again later', async () => {
    const [first] = bookings;
    const eventId = eventsOf(cloud, 'EventCreated', first!.booking_id)[0]!.detail.event_id;
    const mateEmail = crewEmailsOf(await emails(cloud), first!.booking_id).find(
      (e) => e.destination.to[0] === 'mate@crew.example.com',
    )!;
    const token = new URL(crewLinkIn(mateEmail, cloud.endpoints.api)!).searchParams.get('token')!;
    const confirmed = await fetch(`${cloud.endpoints.api}/crew/${eventId}/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ token }).toString(),
    });
    expect(confirmed.status).toBe(200);
    const view = () =>
      fetchJson<{ crew: Array<{ member_id: string; confirmed_at?: string }> }>(
        `${cloud.endpoints.api}/events/${eventId}`,
        {
          headers: { 'x-service-key': serviceKey(cloud) },
        },
      );
    const before = await view();
    expect(before.crew.find((m) => m.member_id === 'isla-moreno')?.confirmed_at).toEqual(expect.any(String));
    const mailBefore = (await emails(cloud)).length;

    await publishBookings(bookings, { parallel: true });
    await cloud.idle();

    // An unconditional write of the redelivered booking would reset the confirmation and the version.
    expect(await view()).toEqual(before);
    expect((await emails(cloud)).length).toBe(mailBefore);
  });

  it('leaves no dead letter behind', async () => {
    expect(await readDeadLetters(new SQSClient({}), { peek: true })).toEqual([]);
  });
});
