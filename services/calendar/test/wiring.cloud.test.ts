import { PutEventsCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { startLocalCloud, type LocalCloud } from '@charter/local/testing';
import { booking, calendarUpdates, cancellation, readCalendarObject } from './support';

/**
 * The service as serverless.yml wires it, run by the local cloud: the bus rule delivers a
 * partner's BookingCreated to onBookingEvent, and the HTTP API routes the dashboard's calls.
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

/** Publishes partners' events on the local bus with the real EventBridge client, then waits for every handler. */
async function putEvents(entries: Array<{ source: string; detailType: string; detail: unknown }>) {
  const events = new EventBridgeClient({});
  try {
    await events.send(
      new PutEventsCommand({
        Entries: entries.map((e) => ({
          EventBusName: 'charter-bookings-local',
          Source: e.source,
          DetailType: e.detailType,
          Detail: JSON.stringify(e.detail),
        })),
      }),
    );
  } finally {
    events.destroy();
  }
  await cloud.idle();
}

const idsIn = async (year: number) =>
  (await readCalendarObject(env.CALENDAR_BUCKET!, year))?.calendar.entries.map((e) => e.booking_id);

it('takes a bus BookingCreated (source partner.<name>) to calendar/<year>.json and CalendarUpdated', async () => {
  const detail = booking({ booking_id: 'wired-bus-1', charter_date: '2031-09-09' });
  await putEvents([{ source: 'partner.boatsetter', detailType: 'BookingCreated', detail }]);

  expect(await idsIn(2031)).toEqual(['wired-bus-1']);
  expect(calendarUpdates(cloud).map((e) => [e.source, e.detail.booking_id, e.detail.year])).toEqual([
    ['charter.calendar', 'wired-bus-1', 2031],
  ]);
});

it('takes BookingUpdated and BookingCancelled from the bus too: the entry moves, then leaves', async () => {
  const id = 'wired-life-1';
  await putEvents([
    {
      source: 'partner.getmyboat',
      detailType: 'BookingCreated',
      detail: booking({ booking_id: id, source: 'getmyboat', charter_date: '2031-12-30' }),
    },
  ]);
  const change = { ...booking({ booking_id: id, source: 'getmyboat', charter_date: '2032-01-05' }), revision: 2 };
  await putEvents([{ source: 'partner.getmyboat', detailType: 'BookingUpdated', detail: change }]);
  expect(await idsIn(2031)).not.toContain(id);
  expect(await idsIn(2032)).toEqual([id]);

  await putEvents([
    { source: 'partner.getmyboat', detailType: 'BookingCancelled', detail: cancellation(id, 3, 'getmyboat') },
  ]);
  expect(await idsIn(2032)).toEqual([]);
  expect(
    calendarUpdates(cloud)
      .filter((e) => e.detail.booking_id === id)
      .map((e) => [e.detail.revision, e.detail.status, e.detail.year]),
  ).toEqual([
    [1, 'booked', 2031],
    [2, 'booked', 2032],
    [3, 'cancelled', 2032],
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
