import { PutEventsCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { startLocalCloud, type LocalCloud } from '@charter/local/testing';
import { booking, calendarUpdates, readCalendarObject } from './support';

/**
 * The service as serverless.yml wires it, run by the local cloud: the bus rule delivers a
 * partner's BookingCreated to onBookingCreated, and the HTTP API routes the dashboard's calls.
 */
let cloud: LocalCloud;
let env: Record<string, string>;

beforeAll(async () => {
  cloud = await startLocalCloud({ services: ['calendar'], run: true });
  env = cloud.functionEnv('calendar', 'createEntry');
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
});

it('takes a bus BookingCreated (source partner.<name>) to calendar/<year>.json and CalendarUpdated', async () => {
  const events = new EventBridgeClient({});
  try {
    const detail = booking({ booking_id: 'wired-bus-1', charter_date: '2031-09-09' });
    await events.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: 'charter-bookings-local',
            Source: 'partner.boatsetter',
            DetailType: 'BookingCreated',
            Detail: JSON.stringify(detail),
          },
        ],
      }),
    );
  } finally {
    events.destroy();
  }
  await cloud.idle();

  expect((await readCalendarObject(env.CALENDAR_BUCKET!, 2031))?.calendar.entries.map((e) => e.booking_id)).toEqual([
    'wired-bus-1',
  ]);
  expect(calendarUpdates(cloud).map((e) => [e.source, e.detail.booking_id, e.detail.year])).toEqual([
    ['charter.calendar', 'wired-bus-1', 2031],
  ]);
});

it('routes POST and GET /calendar/entries through the HTTP API, behind X-Dashboard-Token', async () => {
  const token = cloud.secrets['charter/local/dashboard-token']!;
  const url = `${cloud.endpoints.api}/calendar/entries`;
  const body = {
    booking_id: 'wired-api-1',
    charter_date: '2031-10-01',
    charter_start: '09:00',
    charter_end: '11:00',
    guest_count: 3,
    source: 'direct',
  };

  expect(
    (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }))
      .status,
  ).toBe(401);
  const created = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-dashboard-token': token },
    body: JSON.stringify(body),
  });
  expect(created.status).toBe(201);

  const listed = await fetch(`${url}?year=2031`, { headers: { 'x-dashboard-token': token } });
  expect(listed.status).toBe(200);
  expect(((await listed.json()) as { entries: { booking_id: string }[] }).entries.map((e) => e.booking_id)).toEqual([
    'wired-bus-1',
    'wired-api-1',
  ]);
  expect((await fetch(`${url}?year=31`, { headers: { 'x-dashboard-token': token } })).status).toBe(422);
});
