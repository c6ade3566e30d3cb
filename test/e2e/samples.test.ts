/**
 * The contract, end to end: the sample bookings published as a partner publishes them, then
 * everything ../shared/ARCHITECTURE.md promises, read through the protocols people use.
 */
import { marinaDate, sampleBookings } from '@charter/local/fixtures';
import { publishBookings, startLocalCloud, UNTHROTTLED, type LocalCloud } from '@charter/local/testing';
import {
  crewEmailsOf,
  crewLinkIn,
  emails,
  eventsOf,
  moneyIn,
  scanTable,
  serviceKey,
  type CalendarJson,
} from '../support/e2e';

const CREW = ['captain@crew.example.com', 'mate@crew.example.com', 'deckhand@crew.example.com'];

describe('the sample bookings, end to end in the local cloud', () => {
  let cloud: LocalCloud;
  // The samples as they are (one in 2024, two in 2027), and one that is always a month ahead, so
  // the live-link checks do not depend on today's date.
  const upcoming = {
    ...sampleBookings().find((b) => b.source === 'direct')!,
    booking_id: 'upcoming-sunset',
    charter_date: marinaDate(30),
  };
  const bookings = [...sampleBookings(), upcoming];

  beforeAll(async () => {
    // Every crew link of every sample is opened: more than the crew routes' burst, and not about throttling.
    cloud = await startLocalCloud({ services: 'all', run: true, params: UNTHROTTLED });
    await publishBookings(bookings);
    await cloud.idle();
  }, 120_000);
  afterAll(() => cloud.stop());

  it('routes BookingCreated to guest-pages, scc, calendar and ops, the success events to notifications and ops', () => {
    const history = cloud.runtime!.history;
    type Envelope = { 'detail-type'?: string; detail?: { booking_id?: string } } | undefined;
    const handlersOf = (detailType: string, bookingId: string) =>
      history
        .filter((h) => {
          const envelope = h.event as Envelope;
          return envelope?.['detail-type'] === detailType && envelope.detail?.booking_id === bookingId;
        })
        .map((h) => h.functionName)
        .sort();
    for (const { booking_id } of bookings) {
      expect(handlersOf('BookingCreated', booking_id)).toEqual([
        'charter-calendar-local-onBookingEvent',
        'charter-guest-pages-local-onBookingEvent',
        'charter-ops-local-onBusEvent',
        'charter-scc-local-onBookingEvent',
      ]);
      const notifiedAndOps = ['charter-notifications-local-onSuccessEvent', 'charter-ops-local-onBusEvent'];
      expect(handlersOf('EventCreated', booking_id)).toEqual(notifiedAndOps);
      expect(handlersOf('CalendarUpdated', booking_id)).toEqual(notifiedAndOps);
    }
    expect(history.every((h) => h.ok)).toBe(true);
  });

  it('serves each guest page through the local CloudFront at /g/<slug>, without money', async () => {
    for (const b of bookings) {
      const [published] = eventsOf(cloud, 'GuestPagePublished', b.booking_id);
      expect(published!.detail.url).toMatch(new RegExp(`^${cloud.endpoints.guestSite}/g/[A-Za-z0-9_-]{16,64}$`));
      const res = await fetch(published!.detail.url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      const page = await res.text();
      expect(page).toContain(b.vessel);
      expect(moneyIn(page)).toEqual([]);
    }
  });

  it('creates one SCC crew event per booking, and neither the API nor the table holds money', async () => {
    for (const b of bookings) {
      const res = await fetch(`${cloud.endpoints.api}/events?booking_id=${b.booking_id}`, {
        headers: { 'x-service-key': serviceKey(cloud) },
      });
      expect(res.status).toBe(200);
      const body = await res.text();
      const { events } = JSON.parse(body) as { events: Array<Record<string, unknown>> };
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ booking_id: b.booking_id, vessel: b.vessel, guest_count: b.guest_count });
      expect(moneyIn(body)).toEqual([]);
    }
    const items = await scanTable('ShipCaptainCrew-Events-local');
    expect(items.filter((i) => String(i.pk).startsWith('EVENT#'))).toHaveLength(bookings.length);
    // The booking's private facts are kept server-side (`redaction`, to scrub later free text against); no read
    // returns them, and nothing else in the item holds money.
    expect(moneyIn(JSON.stringify(items.map(({ redaction: _kept, ...shown }) => shown)))).toEqual([]);
    expect(eventsOf(cloud, 'EventCreated').every((e) => moneyIn(JSON.stringify(e.detail)).length === 0)).toBe(true);
  });

  it("puts every booking into its year's public calendar JSON, with public fields only", async () => {
    for (const b of bookings) {
      const [updated] = eventsOf(cloud, 'CalendarUpdated', b.booking_id);
      const url = updated!.detail.calendar_url;
      expect(url).toBe(`${cloud.endpoints.calendarSite}/calendar/${b.charter_date.slice(0, 4)}.json`);
      const res = await fetch(url);
      expect(res.status).toBe(200);
      const text = await res.text();
      const { entries } = JSON.parse(text) as CalendarJson;
      expect(entries).toContainEqual(expect.objectContaining({ booking_id: b.booking_id, guest_count: b.guest_count }));
      expect(text).not.toContain(b.guest.name);
      if (b.guest.email) expect(text).not.toContain(b.guest.email);
      expect(moneyIn(text)).toEqual([]);
    }
  });

  it('emails each crew member once per booking, in HTML and text, and the captain a copy of the others', async () => {
    const all = await emails(cloud);
    for (const b of bookings) {
      const mine = crewEmailsOf(all, b.booking_id);
      expect(
        mine
          .map((e) => e.destination.to)
          .flat()
          .sort(),
      ).toEqual([...CREW].sort());
      const copies = all.filter((e) => e.subject.includes(b.booking_id) && e.subject.startsWith('Copy: '));
      expect(copies.map((e) => e.destination.to)).toEqual([['captain@crew.example.com'], ['captain@crew.example.com']]);
      for (const email of mine) {
        expect(email.destination.bcc).toEqual([]);
        expect(email.body.html).toBeTruthy();
        expect(email.body.text).toContain(b.vessel);
        expect(email.body.text).toContain(b.location);
        expect(moneyIn(`${email.subject}${email.body.text}${email.body.html}`)).toEqual([]);
      }
      expect(eventsOf(cloud, 'CrewNotified', b.booking_id)).toHaveLength(1);
    }
  });

  it("opens each member's own crew page from the magic link in their email", async () => {
    const all = await emails(cloud);
    // Links expire a day after the charter; the upcoming booking's are live.
    const first = upcoming;
    const mine = crewEmailsOf(all, first.booking_id);
    expect(mine).toHaveLength(3);
    for (const email of mine) {
      const link = crewLinkIn(email, cloud.endpoints.api);
      expect(link).toBeDefined();
      const res = await fetch(link!);
      expect(res.status).toBe(200);
      const page = await res.text();
      expect(page).toContain(first.vessel);
      expect(moneyIn(page)).toEqual([]);
      const tampered = await fetch(link!.replace(/token=([^&]+)/, (_, t: string) => `token=${t.slice(0, -2)}xx`));
      expect([401, 403]).toContain(tampered.status);
    }
  });

  it('refuses the link of a charter long past, as its token has expired', async () => {
    const past = bookings.find((b) => b.charter_date < '2025-01-01')!;
    const [email] = crewEmailsOf(await emails(cloud), past.booking_id);
    const res = await fetch(crewLinkIn(email!, cloud.endpoints.api)!);
    expect([401, 403]).toContain(res.status);
    expect(await res.text()).toMatch(/expired/i);
  });
});
