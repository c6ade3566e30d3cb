import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startLocalCloud, type LocalCloud } from '@charter/local/testing';
import { probeBucket, publishedWhile } from './publish-probe';
import {
  bodyOf,
  booking,
  bookingCreatedEvent,
  calendarUpdates,
  deadLetters,
  fetchThroughCloudFront,
  httpEvent,
  invalidatedPaths,
  lambdaContext,
  readCalendarObject,
  withClockAhead,
  type ListedBody,
  type RefusedBody,
  type SavedBody,
} from './support';

// CalendarUpdated must only go out once the JSON holds the booking; the probe checks at each publish.
jest.mock('@charter/shared/publisher', () =>
  jest.requireActual<typeof import('./publish-probe')>('./publish-probe').probingPublisher(),
);

type Handlers = {
  onBookingEvent: typeof import('../src/handlers/on-booking-event').handler;
  createEntry: typeof import('../src/handlers/create-entry').handler;
  listEntries: typeof import('../src/handlers/list-entries').handler;
  sweep: typeof import('../src/handlers/sweep-invalidations').handler;
};

let cloud: LocalCloud;
let h: Handlers;
let env: Record<string, string>;
let token: string;
const secretName = 'charter/local/dashboard-token';

const entryBody = {
  booking_id: 'dash-0001',
  charter_date: '2027-06-12',
  charter_start: '18:30',
  charter_end: '21:00',
  guest_count: 6,
  source: 'direct',
};

const post = (body: unknown, headers: Record<string, string> = { 'x-dashboard-token': token }) =>
  h.createEntry(httpEvent('POST', '/calendar/entries', { body, headers }), lambdaContext());
const list = (year: string | undefined, headers: Record<string, string> = { 'x-dashboard-token': token }) =>
  h.listEntries(
    httpEvent('GET', '/calendar/entries', { headers, ...(year === undefined ? {} : { query: { year } }) }),
    lambdaContext(),
  );
const deliver = (detail: ReturnType<typeof booking>) => h.onBookingEvent(bookingCreatedEvent(detail), lambdaContext());

beforeAll(async () => {
  cloud = await startLocalCloud({ services: ['calendar'], run: false });
  env = cloud.functionEnv('calendar', 'createEntry');
  // Re-read the secret on every request, so a rotation in the test is seen at once.
  Object.assign(process.env, env, { SECRETS_CACHE_SECONDS: '0', POWERTOOLS_LOG_LEVEL: 'SILENT' });
  probeBucket(env.CALENDAR_BUCKET!);
  token = cloud.secrets[secretName]!;
  h = {
    onBookingEvent: (await import('../src/handlers/on-booking-event')).handler,
    createEntry: (await import('../src/handlers/create-entry')).handler,
    listEntries: (await import('../src/handlers/list-entries')).handler,
    sweep: (await import('../src/handlers/sweep-invalidations')).handler,
  };
});

afterAll(async () => {
  await cloud?.stop();
});

describe('POST /calendar/entries', () => {
  it('creates an entry (201), replaces it on a second POST (200), and keeps one entry for the booking', async () => {
    const first = await post(entryBody);
    expect(first.statusCode).toBe(201);
    expect(bodyOf(first)).toMatchObject({
      entry: { ...entryBody, timezone: 'America/Los_Angeles', status: 'booked' },
      calendar_url: `${env.CALENDAR_SITE_URL}/calendar/2027.json`,
    });

    const second = await post({ ...entryBody, guest_count: 8 });
    expect(second.statusCode).toBe(200);
    expect(bodyOf<SavedBody>(second).entry.guest_count).toBe(8);

    const listed = bodyOf<ListedBody>(await list('2027'));
    const createdAt = bodyOf<SavedBody>(first).entry.created_at;
    expect(listed.entries.filter((e) => e.booking_id === 'dash-0001')).toEqual([
      expect.objectContaining({ booking_id: 'dash-0001', guest_count: 8, created_at: createdAt }),
    ]);
    const file = await readCalendarObject(env.CALENDAR_BUCKET!, 2027);
    expect(file?.calendar.entries.filter((e) => e.booking_id === 'dash-0001')).toEqual([
      { booking_id: 'dash-0001', date: '2027-06-12', start: '18:30', end: '21:00', guest_count: 8, status: 'booked' },
    ]);
    expect(file?.cacheControl).toBe('public, max-age=60, s-maxage=300, stale-while-revalidate=60');
    expect(file?.contentType).toBe('application/json; charset=utf-8');
  });

  it('moves a booking whose date changes year out of the old year, in the table and in both JSON files', async () => {
    expect((await post({ ...entryBody, booking_id: 'dash-move', charter_date: '2030-12-30' })).statusCode).toBe(201);
    expect((await post({ ...entryBody, booking_id: 'dash-move', charter_date: '2031-01-02' })).statusCode).toBe(200);

    expect(bodyOf<ListedBody>(await list('2030')).entries).toEqual([]);
    expect(bodyOf<ListedBody>(await list('2031')).entries.map((e) => [e.booking_id, e.charter_date])).toEqual([
      ['dash-move', '2031-01-02'],
    ]);
    expect((await readCalendarObject(env.CALENDAR_BUCKET!, 2030))?.calendar.entries).toEqual([]);
    expect((await readCalendarObject(env.CALENDAR_BUCKET!, 2031))?.calendar.entries.map((e) => e.booking_id)).toEqual([
      'dash-move',
    ]);
  });

  it.each([
    ['an impossible date', 'charter_date', { charter_date: '2027-02-30' }],
    ['an end that is not after the start', 'charter_end', { charter_start: '21:00', charter_end: '18:30' }],
    ['an unknown timezone', 'timezone', { timezone: 'Mars/Olympus_Mons' }],
    ['a guest count of zero', 'guest_count', { guest_count: 0 }],
  ])('refuses %s with 422 naming %s, and writes nothing', async (_what, field, change) => {
    const response = await post({ ...entryBody, booking_id: 'dash-refused', ...change });
    expect(response.statusCode).toBe(422);
    expect(bodyOf(response)).toMatchObject({
      error: 'invalid_entry',
      fields: [expect.objectContaining({ path: field })],
    });
    expect(bodyOf<RefusedBody>(response).message).toContain(field);
    expect(bodyOf<ListedBody>(await list('2027')).entries.map((e) => e.booking_id)).not.toContain('dash-refused');
  });

  it('refuses a body that is not JSON with 400', async () => {
    const response = await h.createEntry(
      httpEvent('POST', '/calendar/entries', { rawBody: '{"booking_id":', headers: { 'x-dashboard-token': token } }),
      lambdaContext(),
    );
    expect(response.statusCode).toBe(400);
    expect(bodyOf<RefusedBody>(response).error).toBe('bad_json');
  });
});

describe('GET /calendar/entries?year=YYYY', () => {
  it("lists the year's entries in date, then time order", async () => {
    await post({
      ...entryBody,
      booking_id: 'order-late',
      charter_date: '2032-08-01',
      charter_start: '15:00',
      charter_end: '17:00',
    });
    await post({
      ...entryBody,
      booking_id: 'order-early',
      charter_date: '2032-08-01',
      charter_start: '09:00',
      charter_end: '11:00',
    });
    await post({
      ...entryBody,
      booking_id: 'order-march',
      charter_date: '2032-03-01',
      charter_start: '12:00',
      charter_end: '14:00',
    });
    const response = await list('2032');
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toMatchObject({ year: 2032, count: 3 });
    expect(bodyOf<ListedBody>(response).entries.map((e) => e.booking_id)).toEqual([
      'order-march',
      'order-early',
      'order-late',
    ]);
    expect((await readCalendarObject(env.CALENDAR_BUCKET!, 2032))?.calendar.entries.map((e) => e.booking_id)).toEqual([
      'order-march',
      'order-early',
      'order-late',
    ]);
  });

  it.each([['27'], ['2O27'], ['1999'], ['2101']])('refuses year=%s with 422 naming year', async (year) => {
    const response = await list(year);
    expect(response.statusCode).toBe(422);
    expect(bodyOf(response)).toMatchObject({
      error: 'invalid_year',
      fields: [expect.objectContaining({ path: 'year' })],
    });
  });

  it('refuses a request without a year with 422 naming year', async () => {
    const response = await list(undefined);
    expect(response.statusCode).toBe(422);
    expect(bodyOf<RefusedBody>(response).fields[0]?.path).toBe('year');
  });
});

describe('X-Dashboard-Token', () => {
  it('is required on both routes (401 without it, 403 with a wrong one)', async () => {
    for (const call of [
      (headers: Record<string, string>) => post(entryBody, headers),
      (headers: Record<string, string>) => list('2027', headers),
    ]) {
      const missing = await call({});
      expect(missing.statusCode).toBe(401);
      expect(bodyOf<RefusedBody>(missing).error).toBe('missing_credentials');
      const wrong = await call({ 'x-dashboard-token': `${token}x` });
      expect(wrong.statusCode).toBe(403);
      expect(bodyOf<RefusedBody>(wrong).error).toBe('invalid_credentials');
    }
  });

  it('accepts both AWSCURRENT and AWSPREVIOUS while it rotates, and drops the value rotated out', async () => {
    const secrets = new SecretsManagerClient({});
    const original = token;
    const second = 'rotated-second-value-0123456789abcdefghijklmnop';
    const third = 'rotated-third-value-0123456789abcdefghijklmnopq';
    try {
      await secrets.send(new PutSecretValueCommand({ SecretId: secretName, SecretString: second }));
      for (const value of [original, second]) {
        expect((await list('2027', { 'x-dashboard-token': value })).statusCode).toBe(200);
        expect(
          (await post({ ...entryBody, booking_id: 'dash-rotation' }, { 'x-dashboard-token': value })).statusCode,
        ).toBeLessThan(300);
      }

      await secrets.send(new PutSecretValueCommand({ SecretId: secretName, SecretString: third }));
      expect((await list('2027', { 'x-dashboard-token': original })).statusCode).toBe(403);
      expect((await list('2027', { 'x-dashboard-token': second })).statusCode).toBe(200);
      expect((await list('2027', { 'x-dashboard-token': third })).statusCode).toBe(200);
      token = third;
    } finally {
      secrets.destroy();
    }
  });
});

describe('BookingCreated', () => {
  it('puts the booking in calendar/<year>.json and announces CalendarUpdated only once the JSON holds it', async () => {
    await deliver(booking({ booking_id: 'bus-0001', charter_date: '2033-05-30' }));

    const file = await readCalendarObject(env.CALENDAR_BUCKET!, 2033);
    expect(file?.calendar.entries).toEqual([
      { booking_id: 'bus-0001', date: '2033-05-30', start: '10:00', end: '13:00', guest_count: 4, status: 'booked' },
    ]);
    const announced = calendarUpdates(cloud).filter((e) => e.detail.booking_id === 'bus-0001');
    expect(announced).toEqual([
      expect.objectContaining({
        source: 'charter.calendar',
        detail: {
          schema_version: 1,
          booking_id: 'bus-0001',
          revision: 1,
          status: 'booked',
          year: 2033,
          calendar_url: `${env.CALENDAR_SITE_URL}/calendar/2033.json`,
        },
      }),
    ]);
    expect(publishedWhile.filter((p) => p.booking_id === 'bus-0001')).toEqual([
      expect.objectContaining({ booking_id: 'bus-0001', year: 2033, revision: 1, inBucket: true }),
    ]);
  });

  it("keeps one entry for a booking delivered twice, and never publishes the guest's details or money", async () => {
    const detail = booking({ booking_id: 'bus-twice', charter_date: '2034-07-04' });
    await deliver(detail);
    await deliver(detail);

    const listed = bodyOf<ListedBody>(await list('2034')).entries;
    expect(listed.map((e) => e.booking_id)).toEqual(['bus-twice']);
    const file = await readCalendarObject(env.CALENDAR_BUCKET!, 2034);
    expect(file?.calendar.entries.map((e) => e.booking_id)).toEqual(['bus-twice']);
    for (const secret of [
      'Dana',
      'Whitfield',
      'dana.whitfield@example.com',
      '555 0142',
      'Birthday',
      'cake',
      '1,450',
      '145000',
      '30000',
      '$300',
      'boatsetter',
      'Shelter Island',
    ]) {
      expect(file!.body).not.toContain(secret);
    }
    // Nor does the internal calendar keep them: it stores what it needs to show a schedule.
    expect(JSON.stringify(listed)).not.toMatch(/Dana|dana\.whitfield|555 0142|Birthday|145000/);
    expect(calendarUpdates(cloud).filter((e) => e.detail.booking_id === 'bus-twice')).toHaveLength(2);
  });

  it('keeps a status the operator set when the booking is delivered again', async () => {
    const detail = booking({ booking_id: 'bus-held', charter_date: '2034-08-01' });
    await deliver(detail);
    const hold = { ...entryBody, booking_id: 'bus-held', charter_date: '2034-08-01', source: 'boatsetter' };
    expect(
      (await post({ ...hold, charter_start: '10:00', charter_end: '13:00', status: 'tentative' })).statusCode,
    ).toBe(200);
    await deliver(detail);
    const file = await readCalendarObject(env.CALENDAR_BUCKET!, 2034);
    expect(file?.calendar.entries.find((e) => e.booking_id === 'bus-held')?.status).toBe('tentative');
  });

  it('refuses to mark an entry cancelled: a booking is cancelled with BookingCancelled', async () => {
    const detail = booking({ booking_id: 'bus-freed', charter_date: '2034-08-02' });
    await deliver(detail);
    const freed = { ...entryBody, booking_id: 'bus-freed', charter_date: '2034-08-02', source: 'boatsetter' };
    const refused = await post({ ...freed, status: 'cancelled' });
    expect(refused.statusCode).toBe(422);
    expect(bodyOf<{ error: string; message: string }>(refused)).toMatchObject({
      error: 'invalid_entry',
      message: expect.stringContaining('BookingCancelled') as unknown,
    });
    const file = await readCalendarObject(env.CALENDAR_BUCKET!, 2034);
    expect(file?.calendar.entries.find((e) => e.booking_id === 'bus-freed')).toMatchObject({ status: 'booked' });
  });

  it('dead-letters, not retries, a booking the calendar can never hold (a year it cannot announce)', async () => {
    await expect(deliver(booking({ booking_id: 'bus-1999', charter_date: '1999-12-31' }))).resolves.toBeUndefined();
    const record = (await deadLetters(env.DLQ_URL!)).find((r) => r.requestPayload.detail.booking_id === 'bus-1999');
    expect(record?.responsePayload.errorMessage).toContain('charter_date');
    expect(bodyOf<ListedBody>(await list('2000')).entries).toEqual([]);
  });
});

describe('the public calendar on CloudFront', () => {
  it('is invalidated after a change, so the edge serves the new JSON', async () => {
    const distributionId = env.CALENDAR_DISTRIBUTION_ID!;
    const invalidationsOf2035 = async () =>
      (await invalidatedPaths(distributionId)).filter((p) => p === '/calendar/2035.json').length;
    await deliver(booking({ booking_id: 'cdn-first', charter_date: '2035-01-10' }));
    expect(await invalidationsOf2035()).toBe(1);
    const first = await fetchThroughCloudFront(env.CALENDAR_SITE_URL!, 2035);
    expect(first.calendar.entries.map((e) => e.booking_id)).toEqual(['cdn-first']);

    // The first change to 2035 was invalidated at once; this one falls inside the window...
    await deliver(booking({ booking_id: 'cdn-second', charter_date: '2035-01-11' }));
    expect(await invalidationsOf2035()).toBe(1);
    expect(
      (await fetchThroughCloudFront(env.CALENDAR_SITE_URL!, 2035)).calendar.entries.map((e) => e.booking_id),
    ).toEqual(['cdn-first']);

    // ...and the sweep invalidates it once the window has passed.
    await withClockAhead(Number(env.INVALIDATION_WINDOW_SECONDS) * 1000, () => h.sweep({}, lambdaContext()));
    expect(await invalidationsOf2035()).toBe(2);
    expect(
      (await fetchThroughCloudFront(env.CALENDAR_SITE_URL!, 2035)).calendar.entries.map((e) => e.booking_id),
    ).toEqual(['cdn-first', 'cdn-second']);
  });
});
