import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mintCrewToken } from '@charter/shared/magic-link';
import { startLocalCloud, type LocalCloud } from '@charter/local/testing';
import type { eventView } from '../src/domain/crew-event';
import { ROSTER, bookingInput, rosterEmail } from './fixtures';

type EventView = ReturnType<typeof eventView>;
type EventList = { events: EventView[] };

/**
 * The same handlers bundled and served by the local HTTP API from serverless.yml's routes: the
 * path an operator's script and a crew member's browser take.
 */
let cloud: LocalCloud;
let api: string;
let serviceKey: string;

beforeAll(async () => {
  cloud = await startLocalCloud({ services: ['scc'], run: true });
  api = cloud.endpoints.api;
  serviceKey = cloud.secrets['charter/local/scc-service-key']!;
});
afterAll(() => cloud?.stop());

const manual = {
  booking_id: 'http-001',
  charter_date: '2027-07-04',
  charter_start: '18:00',
  charter_end: '21:00',
  vessel: 'JADA',
  location: 'Shelter Island, San Diego',
  guest_count: 10,
  notes: 'Fireworks cruise. Paid $2,400.00 by card.',
};

it('serves the operator routes with X-Service-Key, and refuses without it', async () => {
  const headers = { 'x-service-key': serviceKey, 'content-type': 'application/json' };
  expect((await fetch(`${api}/events?booking_id=http-001`)).status).toBe(401);
  const created = await fetch(`${api}/events`, { method: 'POST', headers, body: JSON.stringify(manual) });
  expect(created.status).toBe(201);
  const event = (await created.json()) as EventView;
  expect(event.notes).toBe('Fireworks cruise.');
  const patched = await fetch(`${api}/events/${event.event_id}`, {
    method: 'PATCH',
    headers: { ...headers, 'if-match': created.headers.get('etag')! },
    body: JSON.stringify({ crew_notes: 'Fireworks start at 21:00.' }),
  });
  expect(patched.status).toBe(200);
  expect(patched.headers.get('etag')).toBe('"2"');
  const listed = (await (await fetch(`${api}/events?booking_id=http-001`, { headers })).json()) as EventList;
  expect(listed.events).toEqual([
    expect.objectContaining({ event_id: event.event_id, crew_notes: 'Fireworks start at 21:00.' }),
  ]);
  expect((await fetch(`${api}/crew`, { method: 'PUT', headers, body: JSON.stringify({ crew: ROSTER }) })).status).toBe(
    200,
  );
});

it('lets a crew member open their page, press Confirm (a plain form post) and see it on reload', async () => {
  const listed = await fetch(`${api}/events?booking_id=http-001`, { headers: { 'x-service-key': serviceKey } });
  const { event_id: eventId } = ((await listed.json()) as EventList).events[0]!;
  const token = mintCrewToken(cloud.secrets['charter/local/magic-link-key']!, {
    eventId,
    memberId: 'isla-moreno',
    email: rosterEmail('isla-moreno'),
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
  });
  const pageUrl = `${api}/crew/${eventId}?token=${encodeURIComponent(token)}`;
  const page = await fetch(pageUrl);
  expect(page.status).toBe(200);
  const html = await page.text();
  const action = /<form method="post" action="([^"]+)" id="confirm-form">/.exec(html)?.[1];
  expect(action).toBe(`/crew/${eventId}/confirm`);

  const posted = await fetch(new URL(action!, api), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }).toString(),
    redirect: 'manual',
  });
  expect(posted.status).toBe(303);
  const reloaded = await (await fetch(new URL(posted.headers.get('location')!, api))).text();
  expect(reloaded).toMatch(/<li data-member-id="isla-moreno" data-confirmed="true"/);
  expect(reloaded).not.toContain('2,400');
});

it('answers a tampered link with a 401 page', async () => {
  const response = await fetch(`${api}/crew/evt_aaaaaaaaaaaaaaaaaaaaaa?token=isla-moreno.1900000000.${'A'.repeat(43)}`);
  expect(response.status).toBe(401);
  expect(response.headers.get('content-type')).toContain('text/html');
});

it("routes BookingUpdated and BookingCancelled from the bus, and serves the crew page's decline", async () => {
  const bus = new EventBridgeClient({});
  const put = async (detailType: string, detail: Record<string, unknown>) => {
    const result = await bus.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: 'charter-bookings-local',
            Source: 'partner.boatsetter',
            DetailType: detailType,
            Detail: JSON.stringify(detail),
          },
        ],
      }),
    );
    expect(result.FailedEntryCount ?? 0).toBe(0);
    await cloud.idle();
  };
  const booking = { ...bookingInput({ booking_id: 'http-life', charter_date: '2027-12-30' }) };
  await put('BookingCreated', booking);
  const headers = { 'x-service-key': serviceKey };
  const listed = (await (await fetch(`${api}/events?booking_id=http-life`, { headers })).json()) as EventList;
  const eventId = listed.events[0]!.event_id;
  const token = mintCrewToken(cloud.secrets['charter/local/magic-link-key']!, {
    eventId,
    memberId: 'theo-park',
    email: rosterEmail('theo-park'),
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
  });
  const pageUrl = `${api}/crew/${eventId}?token=${encodeURIComponent(token)}`;
  const action = /<form method="post" action="([^"]+)" id="decline-form">/.exec(
    await (await fetch(pageUrl)).text(),
  )?.[1];
  expect(action).toBe(`/crew/${eventId}/decline`);
  const declined = await fetch(new URL(action!, api), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, reason: 'Working that day.' }).toString(),
    redirect: 'manual',
  });
  expect(declined.status).toBe(303);
  expect(await (await fetch(pageUrl)).text()).toContain('Working that day.');

  await put('BookingUpdated', { ...booking, revision: 2, charter_date: '2028-01-05' });
  const moved = await (await fetch(pageUrl)).text();
  expect(moved).toContain('January 5, 2028');
  expect(moved).not.toContain('Working that day.');

  await put('BookingCancelled', {
    schema_version: 1,
    booking_id: 'http-life',
    source: 'boatsetter',
    revision: 3,
    cancelled_at: '2027-12-20T18:00:00Z',
    cancelled_by: 'weather',
  });
  const cancelledPage = await (await fetch(pageUrl)).text();
  expect(cancelledPage).toContain('This charter was cancelled');
  expect(cancelledPage).not.toContain('id="decline-form"');
  const late = await fetch(new URL(action!, api), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }).toString(),
    redirect: 'manual',
  });
  expect(late.status).toBe(409);
  expect(await late.text()).toContain('This charter was cancelled');
  const types = cloud
    .published()
    .filter((e) => e.source === 'charter.scc' && (e.detail as { booking_id: string }).booking_id === 'http-life')
    .map((e) => e['detail-type']);
  expect(types).toEqual(['EventCreated', 'CrewDeclined', 'EventUpdated', 'EventCancelled']);
  bus.destroy();
});
