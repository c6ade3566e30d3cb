import type { BookingCreatedInput } from '@charter/events';
import type { EventBridgeEvent } from 'aws-lambda';
import type { FieldIssue } from '@charter/shared/errors';
import type { HttpHandler, HttpResult } from '@charter/shared/http';
import { mintCrewToken } from '@charter/shared/magic-link';
import { httpApiEvent, type HttpApiRequest, type LocalCloud } from '@charter/local/testing';
import { eventIdFor, type eventView } from '../src/domain/crew-event';
import { PROJECTED_FIELDS, ROSTER, bookingInput, manualEvent, rosterEmail } from './fixtures';
import {
  bookingEnvelope,
  eventCreatedFor,
  eventUpdatedFor,
  lambdaContext,
  partnerEnvelope,
  publishedFor,
  startScc,
  TABLE,
  tableItems,
  withoutPrivateFacts,
} from './harness';

type BusHandler = (
  event: EventBridgeEvent<string, unknown>,
  context: ReturnType<typeof lambdaContext>,
) => Promise<void>;

let cloud: LocalCloud;
let store: typeof import('../src/store/events');
let answers: typeof import('../src/store/answers');
let serviceKey: string;
let magicKey: string;
const h = {} as Record<
  'createEvent' | 'listEvents' | 'getEvent' | 'updateEvent' | 'putCrew' | 'crewPage' | 'confirm' | 'decline',
  HttpHandler
> & {
  onBookingEvent: BusHandler;
};

beforeAll(async () => {
  cloud = await startScc({ POWERTOOLS_LOG_LEVEL: 'SILENT' });
  serviceKey = cloud.secrets['charter/local/scc-service-key']!;
  magicKey = cloud.secrets['charter/local/magic-link-key']!;
  store = await import('../src/store/events');
  answers = await import('../src/store/answers');
  h.onBookingEvent = (await import('../src/handlers/on-booking-event')).handler;
  h.createEvent = (await import('../src/handlers/create-event')).handler;
  h.listEvents = (await import('../src/handlers/list-events')).handler;
  h.getEvent = (await import('../src/handlers/get-event')).handler;
  h.updateEvent = (await import('../src/handlers/update-event')).handler;
  h.putCrew = (await import('../src/handlers/put-crew')).handler;
  h.crewPage = (await import('../src/handlers/crew-page')).handler;
  h.confirm = (await import('../src/handlers/confirm')).handler;
  h.decline = (await import('../src/handlers/decline')).handler;
});
afterAll(() => cloud?.stop());

const call = (handler: HttpHandler, request: HttpApiRequest) => handler(httpApiEvent(request), lambdaContext());
type EventView = ReturnType<typeof eventView>;
type ErrorBody = { error: string; message: string; fields: FieldIssue[] };
type Confirmation = { event_id: string; member_id: string; confirmed_at: string };
/** A response body, read as the type the route answers with (what the test asserts of it is checked). */
const bodyOf = <T = unknown>(result: HttpResult) => JSON.parse(String(result.body)) as T;
const keyed = (headers: Record<string, string> = {}): Record<string, string> => ({
  'x-service-key': serviceKey,
  'content-type': 'application/json',
  ...headers,
});

const deliver = (detail: BookingCreatedInput) => h.onBookingEvent(bookingEnvelope(detail), lambdaContext());
const postEvent = (body: unknown, headers = keyed()) =>
  call(h.createEvent, {
    method: 'POST',
    route: 'POST /events',
    path: '/events',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const listEvents = (query: Record<string, string>, headers = keyed()) =>
  call(h.listEvents, { method: 'GET', route: 'GET /events', path: '/events', query, headers });
const getEvent = (eventId: string, headers = keyed()) =>
  call(h.getEvent, {
    method: 'GET',
    route: 'GET /events/{event_id}',
    path: `/events/${eventId}`,
    pathParameters: { event_id: eventId },
    headers,
  });
const patchEvent = (eventId: string, body: unknown, headers = keyed()) =>
  call(h.updateEvent, {
    method: 'PATCH',
    route: 'PATCH /events/{event_id}',
    path: `/events/${eventId}`,
    pathParameters: { event_id: eventId },
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const putCrew = (body: unknown, headers = keyed()) =>
  call(h.putCrew, { method: 'PUT', route: 'PUT /crew', path: '/crew', headers, body: JSON.stringify(body) });
const crewPage = (eventId: string, token?: string, headers: Record<string, string> = {}) =>
  call(h.crewPage, {
    method: 'GET',
    route: 'GET /crew/{event_id}',
    path: `/crew/${eventId}`,
    pathParameters: { event_id: eventId },
    headers,
    ...(token === undefined ? {} : { query: { token } }),
  });
const confirmForm = (eventId: string, token: string, headers: Record<string, string> = {}) =>
  call(h.confirm, {
    method: 'POST',
    route: 'POST /crew/{event_id}/confirm',
    path: `/crew/${eventId}/confirm`,
    pathParameters: { event_id: eventId },
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ token }).toString(),
  });

const inADay = () => Math.floor(Date.now() / 1000) + 24 * 3600;
const tokenFor = (eventId: string, memberId: string, expiresAt = inADay(), email = rosterEmail(memberId)) =>
  mintCrewToken(magicKey, { eventId, memberId, email, expiresAt });
const mate = { memberId: 'isla-moreno', email: rosterEmail('isla-moreno') };
const published = (bookingId: string) => eventCreatedFor(cloud, bookingId);
const eventItems = async (bookingId: string) =>
  (await tableItems()).filter((item) => item.kind === 'event' && item.booking_id === bookingId);

/** An event made by a BookingCreated delivery; returns its id. */
async function eventFromBooking(bookingId: string, overrides: Partial<BookingCreatedInput> = {}): Promise<string> {
  await deliver(bookingInput({ booking_id: bookingId, ...overrides }));
  return eventIdFor(bookingId);
}

describe('BookingCreated', () => {
  it('creates the crew event from the crew-safe projection, with the roster as crew', async () => {
    await deliver(bookingInput({ booking_id: 'bk-create' }));
    const [item] = await eventItems('bk-create');
    expect(item).toMatchObject({
      pk: `EVENT#${eventIdFor('bk-create')}`,
      event_id: eventIdFor('bk-create'),
      ...PROJECTED_FIELDS,
      version: 1,
    });
  });

  it('writes money and guest contact details only to the private facts kept for scrubbing, nowhere else', async () => {
    await deliver(bookingInput({ booking_id: 'bk-nomoney' }));
    const items = (await tableItems()).filter((item) => JSON.stringify(item).includes('bk-nomoney'));
    expect(items.find((item) => item.kind === 'event')?.redaction).toEqual({
      amounts: [{ revenue_cents: 145000, captain_fee_cents: 30000 }],
      emails: ['ann.lee@example.com'],
      phones: ['+1 619 555 0100'],
    });
    const stored = JSON.stringify(items.map(withoutPrivateFacts));
    for (const forbidden of [
      '145000',
      '1,450',
      '1450',
      '30000',
      '$',
      'revenue',
      'captain_fee',
      'currency',
      'ann.lee@example.com',
      '555',
      'Ann Lee',
    ]) {
      expect(stored).not.toContain(forbidden);
    }
  });

  it('publishes EventCreated: the strict contract detail, no notes, no token', async () => {
    await deliver(bookingInput({ booking_id: 'bk-publish' }));
    // published() parses each detail with the strict contract schema: an extra field would fail here.
    const [event] = published('bk-publish');
    expect(event).toMatchObject({ source: 'charter.scc', 'detail-type': 'EventCreated' });
    expect(event!.detail).toMatchObject({ event_id: eventIdFor('bk-publish'), crew: ROSTER, guest_count: 6 });
    expect(JSON.stringify(event!.detail)).not.toMatch(/token|notes|145000|30000|revenue/);
  });

  it('keeps one crew event when BookingCreated arrives twice, and publishes the same event id again', async () => {
    await deliver(bookingInput({ booking_id: 'bk-twice' }));
    await deliver(bookingInput({ booking_id: 'bk-twice' }));
    const items = await eventItems('bk-twice');
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ guest_count: 6, version: 1 });
    expect(published('bk-twice').map((e) => e.detail.event_id)).toEqual([
      eventIdFor('bk-twice'),
      eventIdFor('bk-twice'),
    ]);
  });

  it('refuses revision 1 again with other content (revision_conflict): nothing changes or is published', async () => {
    await deliver(bookingInput({ booking_id: 'bk-other-content' }));
    // Dead-lettered by busHandler (a PermanentFailure), so the delivery itself resolves.
    await deliver(bookingInput({ booking_id: 'bk-other-content', guest_count: 9 }));
    expect(await eventItems('bk-other-content')).toEqual([expect.objectContaining({ guest_count: 6, version: 1 })]);
    expect(published('bk-other-content')).toHaveLength(1);
  });

  it('keeps one crew event when five deliveries arrive at once, and exactly one of them creates it', async () => {
    const creations = jest.spyOn(store, 'createCrewEvent');
    try {
      await Promise.all(Array.from({ length: 5 }, () => deliver(bookingInput({ booking_id: 'bk-concurrent' }))));
      expect(await eventItems('bk-concurrent')).toHaveLength(1);
      const lookups = (await tableItems()).filter((item) => item.pk === 'BOOKING#bk-concurrent');
      expect(lookups).toEqual([expect.objectContaining({ event_id: eventIdFor('bk-concurrent') })]);
      expect(new Set(published('bk-concurrent').map((e) => e.detail.event_id))).toEqual(
        new Set([eventIdFor('bk-concurrent')]),
      );
      // The id is the same for every delivery, so one item alone would not show that the writes
      // were conditional: each call says whether it wrote the event, and only one may have.
      const results = await Promise.all(
        creations.mock.results.map((result) => result.value as ReturnType<typeof store.createCrewEvent>),
      );
      expect(results.map((result) => result.kind).sort()).toEqual(['created', 'exists', 'exists', 'exists', 'exists']);
    } finally {
      creations.mockRestore();
    }
  });

  it('leaves a confirmed and edited event as it is when BookingCreated arrives again, five times at once', async () => {
    const creations = jest.spyOn(store, 'createCrewEvent');
    try {
      const eventId = await eventFromBooking('bk-redelivered');
      expect(
        (await confirmForm(eventId, tokenFor(eventId, 'isla-moreno'), { accept: 'application/json' })).statusCode,
      ).toBe(200);
      expect((await patchEvent(eventId, { crew_notes: 'Moved to dock 5.', expected_version: 1 })).statusCode).toBe(200);
      const [before] = await eventItems('bk-redelivered');
      expect(before).toMatchObject({
        version: 2,
        crew_notes: 'Moved to dock 5.',
        confirmations: { 'isla-moreno': expect.any(String) as unknown },
      });

      await Promise.all(Array.from({ length: 5 }, () => deliver(bookingInput({ booking_id: 'bk-redelivered' }))));

      const after = await eventItems('bk-redelivered');
      expect(after).toEqual([before]);
      const results = await Promise.all(
        creations.mock.results.map((result) => result.value as ReturnType<typeof store.createCrewEvent>),
      );
      // Only the first delivery found no event; a redelivery of revision 1 never tries to create again.
      expect(results.map((result) => result.kind)).toEqual(['created']);
      expect(new Set(published('bk-redelivered').map((e) => e.detail.event_id))).toEqual(new Set([eventId]));
    } finally {
      creations.mockRestore();
    }
  });

  it('dead-letters a BookingCreated that can never be valid, naming the field', async () => {
    const dlq = cloud.sqs.url('charter-scc-dlq-local');
    const before = cloud.sqs.count(dlq);
    await h.onBookingEvent(
      bookingEnvelope({ ...bookingInput({ booking_id: 'bk-invalid' }), guest_count: 0 }),
      lambdaContext(),
    );
    expect(cloud.sqs.count(dlq)).toBe(before + 1);
    expect(await eventItems('bk-invalid')).toHaveLength(0);
  });
});

describe('X-Service-Key on the operator routes', () => {
  it.each([
    ['POST /events', () => postEvent({}, { 'content-type': 'application/json' })],
    ['GET /events', () => listEvents({ booking_id: 'bk-create' }, {})],
    ['GET /events/{event_id}', () => getEvent(eventIdFor('bk-create'), {})],
    ['PATCH /events/{event_id}', () => patchEvent(eventIdFor('bk-create'), { guest_count: 2 }, {})],
    ['PUT /crew', () => putCrew({ crew: ROSTER }, {})],
  ])('%s without the key is 401', async (_, request) => {
    const result = await request();
    expect(result.statusCode).toBe(401);
    expect(bodyOf(result)).toMatchObject({
      error: 'missing_credentials',
      message: expect.stringContaining('X-Service-Key') as unknown,
    });
  });

  it('a wrong key is 403', async () => {
    const result = await getEvent(eventIdFor('bk-create'), { 'x-service-key': `${serviceKey}x` });
    expect(result.statusCode).toBe(403);
    expect(bodyOf(result)).toMatchObject({ error: 'invalid_credentials' });
  });
});

describe('POST /events', () => {
  const manual = manualEvent({ notes: 'Sunset sail, price $900. Bring the speaker.', revenue_cents: 90000 });

  it('creates the event (201, ETag, Location), redacts notes, drops money and publishes EventCreated', async () => {
    const result = await postEvent(manual);
    expect(result.statusCode).toBe(201);
    expect(result.headers).toMatchObject({ etag: '"1"', location: `/events/${eventIdFor('manual-001')}` });
    const body = bodyOf<EventView>(result);
    expect(body).toMatchObject({
      event_id: eventIdFor('manual-001'),
      notes: 'Sunset sail. Bring the speaker.',
      version: 1,
    });
    expect(body.crew.map((m) => m.member_id)).toEqual(['rowan-hale', 'isla-moreno', 'theo-park']);
    const [item] = await eventItems('manual-001');
    expect(JSON.stringify(withoutPrivateFacts(item!))).not.toMatch(/90000|900|revenue/);
    // Kept with the event so that later crew notes are scrubbed against it; never returned.
    expect(item!.redaction).toEqual({ amounts: [{ revenue_cents: 90000 }], emails: [], phones: [] });
    expect(published('manual-001')).toHaveLength(1);
  });

  it('answers a repeat of the same request with the same event (200)', async () => {
    const again = await postEvent(manual);
    expect(again.statusCode).toBe(200);
    expect(bodyOf<EventView>(again).event_id).toBe(eventIdFor('manual-001'));
    expect(await eventItems('manual-001')).toHaveLength(1);
  });

  it('refuses a different event for a booking that has one with 409 naming it', async () => {
    const result = await postEvent({ ...manual, guest_count: 3 });
    expect(result.statusCode).toBe(409);
    expect(bodyOf(result)).toMatchObject({ error: 'event_exists', event_id: eventIdFor('manual-001') });
  });

  it('uses the crew the request names', async () => {
    const result = await postEvent({ ...manual, booking_id: 'manual-crew', crew: [ROSTER[1]] });
    expect(result.statusCode).toBe(201);
    expect(bodyOf<EventView>(result).crew).toEqual([{ ...ROSTER[1], confirmed_at: null, declined_at: null }]);
  });

  it('refuses bad JSON with 400', async () => {
    const result = await postEvent('{"booking_id": ');
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result)).toMatchObject({ error: 'bad_json' });
  });

  it('refuses schema errors with 422 naming the fields', async () => {
    const result = await postEvent({ ...manual, booking_id: 'manual-bad', charter_end: '16:00', guest_count: 500 });
    expect(result.statusCode).toBe(422);
    expect(
      bodyOf<ErrorBody>(result)
        .fields.map((f) => f.path)
        .sort(),
    ).toEqual(['charter_end', 'guest_count']);
    expect(await eventItems('manual-bad')).toHaveLength(0);
  });

  it('refuses a body that is not an object with 422', async () => {
    expect((await postEvent('[1,2]')).statusCode).toBe(422);
  });

  it('refuses a body over the limit with 413', async () => {
    const result = await postEvent({ ...manual, booking_id: 'manual-big', notes: 'x'.repeat(40 * 1024) });
    expect(result.statusCode).toBe(413);
    expect(bodyOf(result)).toMatchObject({ error: 'payload_too_large' });
  });
});

describe('GET /events?booking_id=', () => {
  it("lists the booking's one event", async () => {
    const result = await listEvents({ booking_id: 'bk-create' });
    expect(result.statusCode).toBe(200);
    expect(bodyOf<{ events: EventView[] }>(result).events).toEqual([
      expect.objectContaining({ event_id: eventIdFor('bk-create'), booking_id: 'bk-create' }),
    ]);
  });

  it('is an empty list for a booking without an event', async () => {
    expect(bodyOf(await listEvents({ booking_id: 'never-booked' }))).toEqual({ events: [] });
  });

  it('needs a valid booking_id (422 naming it)', async () => {
    for (const query of [{}, { booking_id: 'a b' }] as Record<string, string>[]) {
      const result = await listEvents(query);
      expect(result.statusCode).toBe(422);
      expect(bodyOf<ErrorBody>(result).fields).toEqual([expect.objectContaining({ path: 'booking_id' })]);
    }
  });
});

describe('GET /events/{event_id}', () => {
  it('returns the event with its version as ETag', async () => {
    const result = await getEvent(eventIdFor('bk-create'));
    expect(result.statusCode).toBe(200);
    expect(result.headers?.etag).toBe('"1"');
    expect(bodyOf(result)).toMatchObject({
      event_id: eventIdFor('bk-create'),
      version: 1,
      crew: expect.any(Array) as unknown,
    });
  });

  it('is 404 for an unknown or malformed id', async () => {
    for (const id of [eventIdFor('no-such-booking'), 'not-an-id']) {
      const result = await getEvent(id);
      expect(result.statusCode).toBe(404);
      expect(bodyOf(result)).toMatchObject({ error: 'event_not_found' });
    }
  });
});

describe('PATCH /events/{event_id}', () => {
  const SAM = { member_id: 'sam-ray', name: 'Sam Ray', email: 'sam@crew.example.com', role: 'deckhand' };
  const updatesOf = (bookingId: string) => eventUpdatedFor(cloud, bookingId);
  let eventId: string;
  beforeAll(async () => {
    eventId = await eventFromBooking('bk-patch');
  });

  it('changes the crew notes (redacted again), bumps the version, publishes EventUpdated (cause crew)', async () => {
    const result = await patchEvent(eventId, {
      crew_notes: 'Bring fenders; the guests paid $200 extra.',
      expected_version: 1,
    });
    expect(result.statusCode).toBe(200);
    expect(result.headers?.etag).toBe('"2"');
    expect(bodyOf(result)).toMatchObject({ crew_notes: 'Bring fenders.', notes: PROJECTED_FIELDS.notes, version: 2 });
    expect(JSON.stringify(await eventItems('bk-patch'))).not.toContain('200');
    expect(updatesOf('bk-patch').map((e) => e.detail)).toEqual([
      expect.objectContaining({
        cause: 'crew',
        revision: 1,
        version: 2,
        changes: [],
        crew_added: [],
        crew_removed: [],
        confirmations_cleared: false,
      }),
    ]);
  });

  it('takes the expected version from If-Match', async () => {
    const result = await patchEvent(eventId, { crew_notes: 'Dock 3.' }, keyed({ 'if-match': '"2"' }));
    expect(result.statusCode).toBe(200);
    expect(bodyOf<EventView>(result).version).toBe(3);
  });

  it('refuses a stale version with 409 and changes nothing', async () => {
    const result = await patchEvent(eventId, { crew_notes: 'Dock 4.', expected_version: 2 });
    expect(result.statusCode).toBe(409);
    expect(bodyOf(result)).toMatchObject({
      error: 'version_conflict',
      message: expect.stringContaining('version 3') as unknown,
    });
    expect(bodyOf(await getEvent(eventId))).toMatchObject({ crew_notes: 'Dock 3.', version: 3 });
  });

  it('lets exactly one of two edits of the same version win, and publishes only its EventUpdated', async () => {
    const before = updatesOf('bk-patch').length;
    const [a, b] = await Promise.all([
      patchEvent(eventId, { crew_notes: 'Dock 5.', expected_version: 3 }),
      patchEvent(eventId, { crew_notes: 'Dock 6.', expected_version: 3 }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    expect(bodyOf<EventView>(await getEvent(eventId)).version).toBe(4);
    expect(
      updatesOf('bk-patch')
        .slice(before)
        .map((e) => e.detail.version),
    ).toEqual([4]);
  });

  it('needs a version: 428 without expected_version or If-Match', async () => {
    const result = await patchEvent(eventId, { crew_notes: 'x' });
    expect(result.statusCode).toBe(428);
    expect(bodyOf(result)).toMatchObject({ error: 'version_required' });
  });

  it('is 404 for an unknown event, before it asks for a version', async () => {
    const result = await patchEvent(eventIdFor('nothing-here'), { crew_notes: 'x' });
    expect(result.statusCode).toBe(404);
    expect(bodyOf(result)).toMatchObject({ error: 'event_not_found' });
  });

  it("refuses the booking's fields with 422 naming each and saying to send a BookingUpdated", async () => {
    for (const field of [
      'charter_date',
      'charter_start',
      'charter_end',
      'timezone',
      'vessel',
      'location',
      'guest_count',
    ]) {
      const result = await patchEvent(eventId, { [field]: 'x', expected_version: 4 });
      expect(result.statusCode).toBe(422);
      const body = bodyOf<ErrorBody>(result);
      expect(body).toMatchObject({ error: 'booking_change_required' });
      expect(body.fields).toEqual([expect.objectContaining({ path: field })]);
      expect(body.message).toContain('BookingUpdated');
    }
    const other = await patchEvent(eventId, { currency: 'USD', expected_version: 4 });
    expect(other.statusCode).toBe(422);
    expect(bodyOf<ErrorBody>(other).message).toContain('currency');
    expect(bodyOf<EventView>(await getEvent(eventId)).version).toBe(4);
  });

  it('refuses bad JSON with 400 and oversized bodies with 413', async () => {
    expect((await patchEvent(eventId, '{oops')).statusCode).toBe(400);
    expect((await patchEvent(eventId, { crew_notes: 'x'.repeat(40 * 1024), expected_version: 4 })).statusCode).toBe(
      413,
    );
  });

  it('redacts new crew notes against the amounts the PATCH names, which are not stored', async () => {
    const other = await eventFromBooking('bk-patch-amounts');
    const result = await patchEvent(other, {
      crew_notes: 'Two more guests. Charter now 1,650 and the captain gets 350.',
      revenue_cents: 165000,
      captain_fee_cents: 35000,
      expected_version: 1,
    });
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toMatchObject({ crew_notes: 'Two more guests.', version: 2 });
    // Not even with the booking's own private facts: those are what the booking named.
    expect(JSON.stringify(await eventItems('bk-patch-amounts'))).not.toMatch(/165000|35000|1,650|350/);
  });

  it("scrubs crew notes against the booking's own amounts and guest contacts when the PATCH names none", async () => {
    const other = await eventFromBooking('bk-patch-known');
    const result = await patchEvent(other, {
      crew_notes: 'Captain gets 300, the owner 1.15k. Guest is ANN.LEE@EXAMPLE.COM. Two more guests.',
      expected_version: 1,
    });
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toMatchObject({ crew_notes: 'Guest is [contact removed]. Two more guests.' });
  });

  it('adds and removes members: their answers go with them, and EventUpdated names who came and who went', async () => {
    await confirmForm(eventId, tokenFor(eventId, 'theo-park'));
    await confirmForm(eventId, tokenFor(eventId, 'isla-moreno'));
    const result = await patchEvent(eventId, { crew: [ROSTER[0], ROSTER[1], SAM], expected_version: 4 });
    expect(result.statusCode).toBe(200);
    const [item] = await eventItems('bk-patch');
    expect(Object.keys(item!.confirmations as Record<string, string>)).toEqual(['isla-moreno']);
    expect(item!.crew_ids).toEqual(new Set(['rowan-hale', 'isla-moreno', 'sam-ray']));
    expect(bodyOf<EventView>(result).crew.map((m) => m.member_id)).toEqual(['rowan-hale', 'isla-moreno', 'sam-ray']);
    const last = updatesOf('bk-patch').at(-1)!.detail;
    expect(last).toMatchObject({
      cause: 'crew',
      version: 5,
      crew_added: ['sam-ray'],
      crew_removed: [ROSTER[2]],
      changes: [],
      confirmations_cleared: false,
      crew: [ROSTER[0], ROSTER[1], SAM],
    });
  });

  it('answers the retry of an applied edit as the first, publishing the same EventUpdated again', async () => {
    const before = updatesOf('bk-patch');
    const retry = await patchEvent(eventId, { crew: [ROSTER[0], ROSTER[1], SAM], expected_version: 4 });
    expect(retry.statusCode).toBe(200);
    expect(retry.headers?.etag).toBe('"5"');
    const after = updatesOf('bk-patch');
    expect(after).toHaveLength(before.length + 1);
    expect(after.at(-1)!.detail).toEqual(before.at(-1)!.detail);
    // Another edit based on the same old version is still a conflict.
    const other = await patchEvent(eventId, { crew: [ROSTER[0]], expected_version: 4 });
    expect(other.statusCode).toBe(409);
  });

  it('keeps crew notes through a booking change, which owns the notes', async () => {
    const other = await eventFromBooking('bk-patch-keep');
    await patchEvent(other, { crew_notes: 'Fenders on the port side.', expected_version: 1 });
    await h.onBookingEvent(
      partnerEnvelope('BookingUpdated', bookingInput({ booking_id: 'bk-patch-keep', revision: 2, notes: 'Cake.' })),
      lambdaContext(),
    );
    expect(bodyOf(await getEvent(other))).toMatchObject({
      crew_notes: 'Fenders on the port side.',
      notes: 'Cake.',
      revision: 2,
    });
  });
});

describe('PUT /crew', () => {
  afterAll(async () => {
    await putCrew({ crew: ROSTER });
  });

  it('stores the roster that new events get', async () => {
    const crew = [{ member_id: 'sam-ray', name: 'Sam Ray', email: 'sam@crew.example.com', role: 'captain' }];
    const result = await putCrew({ crew });
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toEqual({ crew });
    await deliver(bookingInput({ booking_id: 'bk-new-roster' }));
    expect((await eventItems('bk-new-roster'))[0]).toMatchObject({ crew });
    expect((await eventItems('bk-create'))[0]).toMatchObject({ crew: ROSTER });
  });

  it('refuses an invalid roster with 422 naming the field', async () => {
    const result = await putCrew({ crew: [{ ...ROSTER[0], email: 'not-an-email' }] });
    expect(result.statusCode).toBe(422);
    expect(bodyOf<ErrorBody>(result).fields).toEqual([expect.objectContaining({ path: 'crew.0.email' })]);
  });
});

describe('the crew page, GET /crew/{event_id}?token=', () => {
  let eventId: string;
  beforeAll(async () => {
    eventId = await eventFromBooking('bk-page');
  });

  it('shows the event and crew to a crew member with a valid link', async () => {
    const result = await crewPage(eventId, tokenFor(eventId, 'isla-moreno'));
    expect(result.statusCode).toBe(200);
    expect(result.headers?.['content-type']).toContain('text/html');
    expect(result.headers?.['content-security-policy']).toContain("default-src 'none'");
    const page = String(result.body);
    expect(page).toContain('<h1>JADA</h1>');
    expect(page).toContain('Isla Moreno (you)');
    expect(page).toContain(`action="/crew/${eventId}/confirm"`);
    expect(page).not.toMatch(/1,450|145000|ann\.lee@example\.com/);
  });

  it.each([
    ['no token', () => undefined, 'token_missing'],
    ['a malformed token', () => 'nope', 'token_malformed'],
    // The signature's first character: its last one has two padding bits, and A and B differ only there.
    [
      'a tampered token',
      (id: string) =>
        tokenFor(id, 'isla-moreno').replace(
          /\.([^.])([^.]*)$/,
          (_, c: string, rest: string) => `.${c === 'A' ? 'B' : 'A'}${rest}`,
        ),
      'token_invalid',
    ],
    [
      'a token for another member, relabelled',
      (id: string) => tokenFor(id, 'isla-moreno').replace('isla-moreno', 'rowan-hale'),
      'token_invalid',
    ],
    ['a token for another event', () => tokenFor(eventIdFor('bk-create'), 'isla-moreno'), 'token_invalid'],
    [
      'an expired token',
      (id: string) => tokenFor(id, 'isla-moreno', Math.floor(Date.now() / 1000) - 60),
      'token_expired',
    ],
    [
      'a token signed with another key',
      (id: string) => mintCrewToken('another-key', { eventId: id, ...mate, expiresAt: inADay() }),
      'token_invalid',
    ],
  ])('answers %s with a 401 page', async (_, token, code) => {
    const result = await crewPage(eventId, token(eventId));
    expect(result.statusCode).toBe(401);
    expect(result.headers?.['content-type']).toContain('text/html');
    expect(String(result.body)).toContain('This crew link does not work');
    expect(String(result.body)).not.toContain('JADA');
    const asJson = await crewPage(eventId, token(eventId), { accept: 'application/json' });
    expect(asJson.statusCode).toBe(401);
    expect(bodyOf(asJson)).toMatchObject({ error: code });
  });

  // A link is signed over the member's address, which only the event's crew holds: with the member
  // off the crew, or the event gone, there is nothing to check the link against, so it reads as invalid.
  it('answers a genuine link of someone no longer on the crew with a 403 page', async () => {
    const other = await eventFromBooking('bk-page-removed');
    await patchEvent(other, { crew: [ROSTER[0]], expected_version: 1 });
    const result = await crewPage(other, tokenFor(other, 'theo-park'));
    expect(result.statusCode).toBe(403);
    expect(String(result.body)).toContain('Ask the captain to send you a fresh link');
    // A made-up link for that member (any other address) learns nothing: refused as a forgery.
    const forged = await crewPage(other, tokenFor(other, 'theo-park', inADay(), 'someone@else.example'));
    expect(forged.statusCode).toBe(401);
  });

  it('answers a link to an event that does not exist like a forged one (401), naming no event', async () => {
    const missing = eventIdFor('bk-never');
    const result = await crewPage(missing, tokenFor(missing, 'isla-moreno'), { accept: 'application/json' });
    expect(result.statusCode).toBe(401);
    expect(bodyOf(result)).toMatchObject({ error: 'token_invalid' });
  });

  it('stops a link sent to an address the crew list has since changed, on the page, confirm and decline', async () => {
    const other = await eventFromBooking('bk-page-email');
    const oldLink = tokenFor(other, 'isla-moreno');
    expect((await crewPage(other, oldLink)).statusCode).toBe(200);
    const moved = { ...ROSTER[1]!, email: 'isla.new@crew.example.com' };
    expect((await patchEvent(other, { crew: [ROSTER[0], moved, ROSTER[2]], expected_version: 1 })).statusCode).toBe(
      200,
    );

    const page = await crewPage(other, oldLink);
    expect(page.statusCode).toBe(401);
    expect(String(page.body)).toContain('Ask the captain to send you a fresh link');
    expect(String(page.body)).not.toContain('JADA');
    const asJson = { accept: 'application/json' };
    for (const path of ['confirm', 'decline'] as const) {
      const refused = await call(path === 'confirm' ? h.confirm : h.decline, {
        method: 'POST',
        route: `POST /crew/{event_id}/${path}`,
        path: `/crew/${other}/${path}`,
        pathParameters: { event_id: other },
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...asJson },
        body: new URLSearchParams({ token: oldLink, reason: 'Not me any more.' }).toString(),
      });
      expect([path, refused.statusCode, bodyOf(refused)]).toEqual([
        path,
        401,
        expect.objectContaining({ error: 'token_invalid' }),
      ]);
    }
    const [item] = await eventItems('bk-page-email');
    expect([item!.confirmations, item!.declines ?? {}]).toEqual([{}, {}]);

    const newLink = tokenFor(other, 'isla-moreno', inADay(), ' Isla.New@crew.example.com');
    const fresh = await crewPage(other, newLink);
    expect(fresh.statusCode).toBe(200);
    expect(String(fresh.body)).toContain('Isla Moreno (you)');
    expect((await confirmForm(other, newLink, asJson)).statusCode).toBe(200);
  });
});

describe('POST /crew/{event_id}/confirm', () => {
  let eventId: string;
  beforeAll(async () => {
    eventId = await eventFromBooking('bk-confirm');
  });

  it('records the confirmation and sends the browser back to the crew page (303), which then shows it', async () => {
    const token = tokenFor(eventId, 'theo-park');
    const result = await confirmForm(eventId, token);
    expect(result.statusCode).toBe(303);
    expect(result.headers?.location).toBe(`/crew/${eventId}?token=${encodeURIComponent(token)}`);
    const page = String((await crewPage(eventId, token)).body);
    expect(page).toMatch(/<li data-member-id="theo-park" data-confirmed="true"/);
    expect(page).toMatch(/<li data-member-id="isla-moreno" data-confirmed="false"/);
    expect(page).toContain('id="confirmed" data-confirmed="true"');
    expect(page).not.toContain('id="confirm"');
  });

  it('is idempotent: confirming again keeps the first time', async () => {
    const token = tokenFor(eventId, 'rowan-hale');
    const first = bodyOf<Confirmation>(await confirmForm(eventId, token, { accept: 'application/json' }));
    const second = await confirmForm(eventId, token, { accept: 'application/json' });
    expect(second.statusCode).toBe(200);
    expect(bodyOf(second)).toEqual({ event_id: eventId, member_id: 'rowan-hale', confirmed_at: first.confirmed_at });
    expect(bodyOf<EventView>(await getEvent(eventId)).version).toBe(1);
  });

  it('takes the token from the query string or a JSON body too', async () => {
    const token = tokenFor(eventId, 'isla-moreno');
    const viaQuery = await call(h.confirm, {
      method: 'POST',
      route: 'POST /crew/{event_id}/confirm',
      path: `/crew/${eventId}/confirm`,
      pathParameters: { event_id: eventId },
      query: { token },
      headers: { accept: 'application/json' },
    });
    expect(viaQuery.statusCode).toBe(200);
    const viaJson = await call(h.confirm, {
      method: 'POST',
      route: 'POST /crew/{event_id}/confirm',
      path: `/crew/${eventId}/confirm`,
      pathParameters: { event_id: eventId },
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    expect(bodyOf(viaJson)).toMatchObject({ member_id: 'isla-moreno' });
  });

  it('reads a base64-encoded form body, as API Gateway may send it', async () => {
    const other = await eventFromBooking('bk-confirm-b64');
    const token = tokenFor(other, 'theo-park');
    const result = await call(h.confirm, {
      method: 'POST',
      route: 'POST /crew/{event_id}/confirm',
      path: `/crew/${other}/confirm`,
      pathParameters: { event_id: other },
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: Buffer.from(new URLSearchParams({ token }).toString()).toString('base64'),
      isBase64Encoded: true,
    });
    expect(result.statusCode).toBe(303);
  });

  it('refuses a bad token: a 401 page for a browser, JSON for a JSON caller; nothing recorded', async () => {
    const forged = mintCrewToken('another-key', { eventId, ...mate, expiresAt: inADay() });
    const other = await eventFromBooking('bk-confirm-refused');
    const page = await confirmForm(other, forged);
    expect(page.statusCode).toBe(401);
    expect(String(page.body)).toContain('This crew link does not work');
    const json = await confirmForm(other, tokenFor(eventId, 'isla-moreno'), { accept: 'application/json' });
    expect(json.statusCode).toBe(401);
    expect(bodyOf(json)).toMatchObject({ error: 'token_invalid' });
    expect((await eventItems('bk-confirm-refused'))[0]!.confirmations).toEqual({});
  });

  it('refuses someone taken off the crew with 403 (the link checked against the address it went to)', async () => {
    const other = await eventFromBooking('bk-confirm-removed');
    await patchEvent(other, { crew: [ROSTER[0]], expected_version: 1 });
    const result = await confirmForm(other, tokenFor(other, 'isla-moreno'), { accept: 'application/json' });
    expect(result.statusCode).toBe(403);
    expect(bodyOf(result)).toMatchObject({ error: 'not_on_crew' });
  });

  it('does not record a confirmation whose write lands after a PATCH took the member off the crew', async () => {
    const other = await eventFromBooking('bk-confirm-late');
    // The confirm handler read the event while Theo was on the crew; the PATCH lands before its write.
    await patchEvent(other, { crew: [ROSTER[0], ROSTER[1]], expected_version: 1 });
    expect(await answers.confirmCrewMember(other, 'theo-park')).toEqual({ kind: 'not_on_crew' });
    expect((await eventItems('bk-confirm-late'))[0]!.confirmations).toEqual({});
    expect(await answers.confirmCrewMember(other, 'isla-moreno')).toMatchObject({ kind: 'answered' });
    expect(await answers.confirmCrewMember(eventIdFor('bk-never-confirmed'), 'isla-moreno')).toEqual({
      kind: 'not_found',
    });
  });

  it('ends consistent when a PATCH removing a member races their confirmation', async () => {
    for (let i = 0; i < 8; i++) {
      const bookingId = `bk-confirm-race-${i}`;
      const other = await eventFromBooking(bookingId);
      const [patch, confirm] = await Promise.all([
        patchEvent(other, { crew: [ROSTER[0]], expected_version: 1 }),
        confirmForm(other, tokenFor(other, 'theo-park'), { accept: 'application/json' }),
      ]);
      expect(patch.statusCode).toBe(200);
      // Either the confirmation came first (and the PATCH took it away with Theo) or it is refused.
      expect([200, 403]).toContain(confirm.statusCode);
      const [item] = await eventItems(bookingId);
      expect(item!.crew).toEqual([ROSTER[0]]);
      expect(item!.confirmations).toEqual({});
      expect(item!.crew_ids).toEqual(new Set(['rowan-hale']));
    }
  });
});

describe('POST /crew/{event_id}/decline', () => {
  const declineForm = (eventId: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    call(h.decline, {
      method: 'POST',
      route: 'POST /crew/{event_id}/decline',
      path: `/crew/${eventId}/decline`,
      pathParameters: { event_id: eventId },
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields).toString(),
    });
  const asJson = { accept: 'application/json' };
  type Decline = { event_id: string; member_id: string; declined_at: string; reason: string | null };
  const declinedFor = (bookingId: string) => publishedFor(cloud, 'CrewDeclined', bookingId).map((e) => e.detail);
  const confirmedFor = (bookingId: string) => publishedFor(cloud, 'CrewConfirmed', bookingId).map((e) => e.detail);

  it('records the decline and its reason, publishes CrewDeclined, and sends the browser back to the page', async () => {
    const eventId = await eventFromBooking('bk-decline');
    const token = tokenFor(eventId, 'theo-park');
    const result = await declineForm(eventId, { token, reason: '  My kid is sick, sorry.  ' });
    expect(result.statusCode).toBe(303);
    expect(result.headers?.location).toBe(`/crew/${eventId}?token=${encodeURIComponent(token)}`);
    const page = String((await crewPage(eventId, token)).body);
    expect(page).toMatch(/<li data-member-id="theo-park" data-confirmed="false" data-answer="declined"/);
    expect(page).toContain('id="declined" data-declined="true"');
    expect(page).toContain('My kid is sick, sorry.');
    const [detail] = declinedFor('bk-decline');
    expect(detail).toMatchObject({
      event_id: eventId,
      member_id: 'theo-park',
      revision: 1,
      version: 1,
      reason: 'My kid is sick, sorry.',
    });
    expect(bodyOf<EventView>(await getEvent(eventId)).crew[2]).toMatchObject({
      declined_at: detail!.declined_at,
      decline_reason: 'My kid is sick, sorry.',
      confirmed_at: null,
    });
  });

  it('is idempotent: a repeat keeps the first decline and publishes the same CrewDeclined again', async () => {
    const eventId = await eventFromBooking('bk-decline-twice');
    const token = tokenFor(eventId, 'isla-moreno');
    const first = bodyOf<Decline>(await declineForm(eventId, { token, reason: 'Away.' }, asJson));
    const second = await declineForm(eventId, { token, reason: 'Another reason.' }, asJson);
    expect(second.statusCode).toBe(200);
    expect(bodyOf(second)).toEqual(first);
    expect(first).toMatchObject({ member_id: 'isla-moreno', reason: 'Away.' });
    const published = declinedFor('bk-decline-twice');
    expect(published).toHaveLength(2);
    expect(published[1]).toEqual(published[0]);
    expect(bodyOf<EventView>(await getEvent(eventId)).version).toBe(1);
  });

  it('takes a JSON body, and a decline without a reason', async () => {
    const eventId = await eventFromBooking('bk-decline-json');
    const token = tokenFor(eventId, 'rowan-hale');
    const result = await call(h.decline, {
      method: 'POST',
      route: 'POST /crew/{event_id}/decline',
      path: `/crew/${eventId}/decline`,
      pathParameters: { event_id: eventId },
      headers: { ...asJson, 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toMatchObject({ member_id: 'rowan-hale', reason: null });
    expect(declinedFor('bk-decline-json')[0]).not.toHaveProperty('reason');
  });

  it('refuses a reason over 500 characters with 422 naming it, and records nothing', async () => {
    const eventId = await eventFromBooking('bk-decline-long');
    const result = await declineForm(
      eventId,
      { token: tokenFor(eventId, 'theo-park'), reason: 'x'.repeat(501) },
      asJson,
    );
    expect(result.statusCode).toBe(422);
    expect(bodyOf<ErrorBody>(result).fields).toEqual([expect.objectContaining({ path: 'reason' })]);
    expect((await eventItems('bk-decline-long'))[0]!.declines).toEqual({});
  });

  it('replaces a confirmation, and a confirmation after it replaces the decline; each answer published', async () => {
    const eventId = await eventFromBooking('bk-decline-switch');
    const token = tokenFor(eventId, 'isla-moreno');
    await confirmForm(eventId, token, asJson);
    await declineForm(eventId, { token, reason: 'Plans changed.' }, asJson);
    let [item] = await eventItems('bk-decline-switch');
    expect(item!.confirmations).toEqual({});
    expect(Object.keys(item!.declines as object)).toEqual(['isla-moreno']);
    const again = await confirmForm(eventId, token, asJson);
    expect(again.statusCode).toBe(200);
    [item] = await eventItems('bk-decline-switch');
    expect(item!.declines).toEqual({});
    expect(Object.keys(item!.confirmations as object)).toEqual(['isla-moreno']);
    const confirmations = confirmedFor('bk-decline-switch');
    expect(confirmations).toHaveLength(2);
    expect(confirmations[1]!.confirmed_at).not.toBe(confirmations[0]!.confirmed_at);
    expect(declinedFor('bk-decline-switch')).toEqual([expect.objectContaining({ reason: 'Plans changed.' })]);
  });

  it('refuses a bad token (401) and someone taken off the crew (403), recording and publishing nothing', async () => {
    const eventId = await eventFromBooking('bk-decline-refused');
    await patchEvent(eventId, { crew: [ROSTER[0]], expected_version: 1 });
    const forged = mintCrewToken('another-key', { eventId, ...mate, expiresAt: inADay() });
    const bad = await declineForm(eventId, { token: forged });
    expect(bad.statusCode).toBe(401);
    expect(String(bad.body)).toContain('This crew link does not work');
    const removed = await declineForm(eventId, { token: tokenFor(eventId, 'isla-moreno') }, asJson);
    expect(removed.statusCode).toBe(403);
    expect(bodyOf(removed)).toMatchObject({ error: 'not_on_crew' });
    expect((await eventItems('bk-decline-refused'))[0]!.declines).toEqual({});
    expect(declinedFor('bk-decline-refused')).toEqual([]);
  });

  it('records a decline on an event written before declines existed', async () => {
    const eventId = await eventFromBooking('bk-decline-legacy');
    // A v1 item: no declines map, no owner, revision or lifecycle.
    const { DynamoDBDocumentClient, UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    await client.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk: `EVENT#${eventId}` },
        UpdateExpression: 'REMOVE declines, #owner, #revision, lifecycle, booking_event',
        ExpressionAttributeNames: { '#owner': 'owner', '#revision': 'revision' },
      }),
    );
    client.destroy();
    const result = await declineForm(eventId, { token: tokenFor(eventId, 'theo-park') }, asJson);
    expect(result.statusCode).toBe(200);
    const [item] = await eventItems('bk-decline-legacy');
    expect(Object.keys(item!.declines as object)).toEqual(['theo-park']);
    expect(declinedFor('bk-decline-legacy')[0]).toMatchObject({ revision: 1, version: 1 });
  });
});

describe('POST /crew/{event_id}/confirm publishes CrewConfirmed', () => {
  it('once per answer, and the same detail again on a repeat', async () => {
    const eventId = await eventFromBooking('bk-confirm-published');
    const token = tokenFor(eventId, 'rowan-hale');
    await confirmForm(eventId, token);
    await confirmForm(eventId, token);
    const published = publishedFor(cloud, 'CrewConfirmed', 'bk-confirm-published').map((e) => e.detail);
    expect(published).toHaveLength(2);
    expect(published[1]).toEqual(published[0]);
    expect(published[0]).toMatchObject({ event_id: eventId, member_id: 'rowan-hale', revision: 1, version: 1 });
  });
});
