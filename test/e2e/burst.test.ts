/** A burst of 100 bookings at once: every one arrives everywhere, once. */
import { publishBookings, startLocalCloud, type LocalCloud } from '@charter/local/testing';
import { booking, fetchJson, type CalendarJson, emails, eventsOf, scanTable } from '../support/e2e';

describe('a burst of 100 bookings published at once', () => {
  let cloud: LocalCloud;
  // All in one year, so the calendar's concurrent rebuilds of one JSON are put to the test.
  const bookings = Array.from({ length: 100 }, (_, i) =>
    booking(i, { booking_id: `burst-${String(i).padStart(3, '0')}` }),
  );

  beforeAll(async () => {
    cloud = await startLocalCloud({ services: 'all', run: true });
    await publishBookings(bookings, { parallel: true });
    await cloud.idle();
  }, 240_000);
  afterAll(() => cloud.stop());

  it('publishes one guest page per booking', () => {
    const pages = eventsOf(cloud, 'GuestPagePublished');
    expect(new Set(pages.map((e) => e.detail.booking_id)).size).toBe(100);
    expect(new Set(pages.map((e) => e.detail.slug)).size).toBe(100);
  });

  it('creates exactly one crew event per booking', async () => {
    const events = (await scanTable('ShipCaptainCrew-Events-local')).filter((i) => String(i.pk).startsWith('EVENT#'));
    expect(events).toHaveLength(100);
    expect(new Set(events.map((e) => e.booking_id)).size).toBe(100);
  });

  it("loses none of them in the year's public calendar JSON", async () => {
    const url = eventsOf(cloud, 'CalendarUpdated')[0]!.detail.calendar_url;
    const json = await fetchJson<CalendarJson>(url, { headers: { 'cache-control': 'no-cache' } });
    const ids = json.entries.map((e) => e.booking_id);
    expect(ids.filter((id) => id.startsWith('burst-')).sort()).toEqual(bookings.map((b) => b.booking_id).sort());
  });

  it('sends 300 crew emails: one per member per booking, none twice', async () => {
    const all = await emails(cloud);
    const crewMail = all.filter((e) => /burst-\d{3}/.test(e.body.text ?? '') && !e.subject.startsWith('Copy: '));
    // The captain's copies of the other two members' calls, one each.
    expect(all.filter((e) => /burst-\d{3}/.test(e.subject) && e.subject.startsWith('Copy: '))).toHaveLength(200);
    const pairs = crewMail.map((e) => `${/burst-\d{3}/.exec(e.body.text!)![0]}:${e.destination.to[0]}`);
    expect(pairs).toHaveLength(300);
    expect(new Set(pairs).size).toBe(300);
    expect(new Set(eventsOf(cloud, 'CrewNotified').map((e) => e.detail.booking_id)).size).toBe(100);
  });

  it('needed no dead letter, and no handler failure but a timeout that its retry finished', () => {
    expect(cloud.runtime!.stats.deadLettered).toBe(0);
    // On a loaded two-core machine, 100 bookings' invocations share one single-threaded dynalite: an invocation can
    // reach its 10 s timeout, and Lambda's retry finishes it (the tests above count everything exactly once). Any
    // other failure is a bug.
    const failures = cloud.runtime!.history.filter((h) => !h.ok).map((h) => `${h.functionName}: ${h.error}`);
    const timeouts = failures.filter((f) => f.endsWith('Task timed out after 10.00 seconds'));
    if (timeouts.length > 0) console.log(`${timeouts.length} invocation(s) timed out and were retried`);
    expect(failures.filter((f) => !timeouts.includes(f))).toEqual([]);
  });
});
