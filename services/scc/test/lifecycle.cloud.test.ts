import { SQSClient } from '@aws-sdk/client-sqs';
import type { BookingCancelledInput, BookingCreatedInput, BookingDetailType } from '@charter/events';
import type { HttpHandler, HttpResult } from '@charter/shared/http';
import { mintCrewToken } from '@charter/shared/magic-link';
import { readDeadLetters } from '@charter/local/dlq';
import { httpApiEvent, type HttpApiRequest, type LocalCloud } from '@charter/local/testing';
import type { EventBridgeEvent } from 'aws-lambda';
import { eventIdFor, type eventView } from '../src/domain/crew-event';
import { ROSTER, bookingInput, rosterEmail } from './fixtures';
import {
  lambdaContext,
  partnerEnvelope,
  publishedFor,
  sccEventsFor,
  startScc,
  tableItems,
  withoutPrivateFacts,
} from './harness';

/**
 * A booking's whole life through the crew event: a reschedule, a cancellation, redeliveries, arrival in any order, and
 * another partner's events, each delivered as the bus rule delivers them, against the local DynamoDB and EventBridge.
 */

type BusHandler = (
  event: EventBridgeEvent<string, unknown>,
  context: ReturnType<typeof lambdaContext>,
) => Promise<void>;
type EventView = ReturnType<typeof eventView>;

let cloud: LocalCloud;
let serviceKey: string;
let magicKey: string;
let onBookingEvent: BusHandler;
const h = {} as Record<'getEvent' | 'listEvents' | 'updateEvent' | 'crewPage' | 'confirm' | 'decline', HttpHandler>;

beforeAll(async () => {
  cloud = await startScc({ POWERTOOLS_LOG_LEVEL: 'SILENT' });
  serviceKey = cloud.secrets['charter/local/scc-service-key']!;
  magicKey = cloud.secrets['charter/local/magic-link-key']!;
  onBookingEvent = (await import('../src/handlers/on-booking-event')).handler;
  h.getEvent = (await import('../src/handlers/get-event')).handler;
  h.listEvents = (await import('../src/handlers/list-events')).handler;
  h.updateEvent = (await import('../src/handlers/update-event')).handler;
  h.crewPage = (await import('../src/handlers/crew-page')).handler;
  h.confirm = (await import('../src/handlers/confirm')).handler;
  h.decline = (await import('../src/handlers/decline')).handler;
});
afterAll(() => cloud?.stop());

const call = (handler: HttpHandler, request: HttpApiRequest) => handler(httpApiEvent(request), lambdaContext());
const bodyOf = <T = unknown>(result: HttpResult) => JSON.parse(String(result.body)) as T;

const created = (bookingId: string, overrides: Partial<BookingCreatedInput> = {}) =>
  bookingInput({ booking_id: bookingId, charter_date: '2027-12-30', ...overrides });
const updated = (bookingId: string, revision: number, overrides: Partial<BookingCreatedInput> = {}) => ({
  ...created(bookingId, overrides),
  revision,
});
const cancelled = (bookingId: string, revision: number, overrides: Partial<BookingCancelledInput> = {}) => ({
  schema_version: 1 as const,
  booking_id: bookingId,
  source: 'boatsetter',
  revision,
  cancelled_at: '2027-12-01T17:30:00Z',
  cancelled_by: 'guest' as const,
  reason: 'Ann (ann.lee@example.com, +1 619 555 0100) has the flu; refund of $1,450.00 issued.',
  ...overrides,
});

const deliver = (detailType: BookingDetailType, detail: { source: string }) =>
  onBookingEvent(partnerEnvelope(detailType, detail), lambdaContext());
/** The same event delivered `times` times at once, as at-least-once delivery and retries can. */
const deliverTimes = (times: number, detailType: BookingDetailType, detail: { source: string }) =>
  Promise.all(Array.from({ length: times }, () => deliver(detailType, detail)));

const eventItem = async (bookingId: string) =>
  (await tableItems()).find((item) => item.pk === `EVENT#${eventIdFor(bookingId)}`);
const getEvent = (eventId: string) =>
  call(h.getEvent, {
    method: 'GET',
    route: 'GET /events/{event_id}',
    path: `/events/${eventId}`,
    pathParameters: { event_id: eventId },
    headers: { 'x-service-key': serviceKey },
  });
const tokenFor = (eventId: string, memberId: string) =>
  mintCrewToken(magicKey, {
    eventId,
    memberId,
    email: rosterEmail(memberId),
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
  });
const crewPage = (eventId: string, memberId: string) =>
  call(h.crewPage, {
    method: 'GET',
    route: 'GET /crew/{event_id}',
    path: `/crew/${eventId}`,
    pathParameters: { event_id: eventId },
    query: { token: tokenFor(eventId, memberId) },
  });
const answer = (kind: 'confirm' | 'decline', eventId: string, memberId: string, reason?: string) =>
  call(h[kind], {
    method: 'POST',
    route: `POST /crew/{event_id}/${kind}`,
    path: `/crew/${eventId}/${kind}`,
    pathParameters: { event_id: eventId },
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({ token: tokenFor(eventId, memberId), ...(reason ? { reason } : {}) }),
  });
const patchEvent = (eventId: string, body: unknown) =>
  call(h.updateEvent, {
    method: 'PATCH',
    route: 'PATCH /events/{event_id}',
    path: `/events/${eventId}`,
    pathParameters: { event_id: eventId },
    headers: { 'x-service-key': serviceKey, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** What SCC published for a booking, as [detail-type, revision, version] in bus order. */
const publishedSummary = (bookingId: string) =>
  sccEventsFor(cloud, bookingId).map(([type, detail]) => [type, detail.revision, detail.version]);

describe('a reschedule (BookingUpdated)', () => {
  it('moves the crew event from 2027-12-30 to 2028-01-05, clears the answers and publishes EventUpdated', async () => {
    await deliver('BookingCreated', created('lc-move'));
    const eventId = eventIdFor('lc-move');
    expect((await answer('confirm', eventId, 'isla-moreno')).statusCode).toBe(200);
    expect((await answer('decline', eventId, 'theo-park', 'Away that week.')).statusCode).toBe(200);

    await deliver('BookingUpdated', updated('lc-move', 2, { charter_date: '2028-01-05', guest_count: 8 }));

    const view = bodyOf<EventView>(await getEvent(eventId));
    expect(view).toMatchObject({ charter_date: '2028-01-05', guest_count: 8, status: 'live', revision: 2, version: 2 });
    expect(view.crew.every((m) => m.confirmed_at === null && m.declined_at === null)).toBe(true);
    const [update] = publishedFor(cloud, 'EventUpdated', 'lc-move').map((e) => e.detail);
    expect(update).toEqual({
      schema_version: 1,
      booking_id: 'lc-move',
      event_id: eventId,
      revision: 2,
      version: 2,
      charter_date: '2028-01-05',
      charter_start: '10:00',
      charter_end: '13:00',
      timezone: 'America/Los_Angeles',
      vessel: 'JADA',
      location: 'Shelter Island, San Diego',
      guest_count: 8,
      crew: ROSTER,
      cause: 'booking',
      changes: [
        { field: 'charter_date', from: '2027-12-30', to: '2028-01-05' },
        { field: 'guest_count', from: 6, to: 8 },
      ],
      crew_added: [],
      crew_removed: [],
      confirmations_cleared: true,
    });
    // The crew page shows the new plan and asks everyone again.
    const page = String((await crewPage(eventId, 'isla-moreno')).body);
    expect(page).toContain('Wednesday, January 5, 2028');
    expect(page).not.toContain('2027');
    expect(page.match(/data-answer="none"/g)).toHaveLength(4);
  });

  it('keeps the answers when only the guest count or vessel changes, and lists just that', async () => {
    await deliver('BookingCreated', created('lc-guests'));
    const eventId = eventIdFor('lc-guests');
    await answer('confirm', eventId, 'rowan-hale');
    await deliver('BookingUpdated', updated('lc-guests', 2, { guest_count: 10 }));
    const view = bodyOf<EventView>(await getEvent(eventId));
    expect(view.crew[0]!.confirmed_at).not.toBeNull();
    const [update] = publishedFor(cloud, 'EventUpdated', 'lc-guests').map((e) => e.detail);
    expect(update).toMatchObject({
      changes: [{ field: 'guest_count', from: 6, to: 10 }],
      confirmations_cleared: false,
    });
  });

  it('re-publishes the same EventUpdated when its revision is redelivered, after a crew change too', async () => {
    await deliver('BookingCreated', created('lc-again'));
    await deliver('BookingUpdated', updated('lc-again', 2, { charter_start: '11:00', charter_end: '14:00' }));
    const eventId = eventIdFor('lc-again');
    expect((await patchEvent(eventId, { crew: [ROSTER[0], ROSTER[1]], expected_version: 2 })).statusCode).toBe(200);
    const before = await eventItem('lc-again');
    await deliverTimes(3, 'BookingUpdated', updated('lc-again', 2, { charter_start: '11:00', charter_end: '14:00' }));
    expect(await eventItem('lc-again')).toEqual(before);
    const bookingUpdates = publishedFor(cloud, 'EventUpdated', 'lc-again')
      .map((e) => e.detail)
      .filter((d) => d.cause === 'booking');
    expect(bookingUpdates).toHaveLength(4);
    expect(new Set(bookingUpdates.map((d) => JSON.stringify(d))).size).toBe(1);
  });

  it('ignores an older revision that arrives after a newer one (logged, nothing published)', async () => {
    await deliver('BookingCreated', created('lc-stale'));
    await deliver('BookingUpdated', updated('lc-stale', 3, { charter_start: '15:00', charter_end: '18:00' }));
    const before = await eventItem('lc-stale');
    const count = sccEventsFor(cloud, 'lc-stale').length;
    await deliver('BookingUpdated', updated('lc-stale', 2, { charter_start: '08:00', charter_end: '09:00' }));
    await deliver('BookingCreated', created('lc-stale'));
    expect(await eventItem('lc-stale')).toEqual(before);
    expect(sccEventsFor(cloud, 'lc-stale')).toHaveLength(count);
  });

  it('applies a booking change and a crew change that race, whichever writes first', async () => {
    for (let i = 0; i < 5; i++) {
      const bookingId = `lc-race-${i}`;
      await deliver('BookingCreated', created(bookingId));
      const eventId = eventIdFor(bookingId);
      const [, patch] = await Promise.all([
        deliver('BookingUpdated', updated(bookingId, 2, { charter_date: '2028-01-05' })),
        patchEvent(eventId, { crew: [ROSTER[0]], expected_version: 1 }),
      ]);
      const view = bodyOf<EventView>(await getEvent(eventId));
      expect(view.charter_date).toBe('2028-01-05');
      // The PATCH named version 1: it applied if it wrote first, else it is a conflict to resend.
      if (patch.statusCode === 200) expect(view.crew.map((m) => m.member_id)).toEqual(['rowan-hale']);
      else expect(patch.statusCode).toBe(409);
      expect(view.version).toBe(patch.statusCode === 200 ? 3 : 2);
    }
  });
});

describe('a cancellation (BookingCancelled)', () => {
  const bookingId = 'lc-cancel';
  const eventId = eventIdFor(bookingId);

  beforeAll(async () => {
    await deliver('BookingCreated', created(bookingId));
    await deliver('BookingUpdated', updated(bookingId, 2, { charter_date: '2028-01-05' }));
    await answer('confirm', eventId, 'isla-moreno');
    await deliver('BookingCancelled', cancelled(bookingId, 3));
  });

  it('marks the crew event cancelled, with the reason scrubbed of money and contact details', async () => {
    const view = bodyOf<EventView>(await getEvent(eventId));
    expect(view).toMatchObject({
      status: 'cancelled',
      revision: 3,
      version: 3,
      charter_date: '2028-01-05',
      cancellation: {
        cancelled_at: '2027-12-01T17:30:00Z',
        cancelled_by: 'guest',
        reason: 'Ann ([contact removed], [contact removed]) has the flu.',
      },
    });
    expect(JSON.stringify(withoutPrivateFacts((await eventItem(bookingId))!))).not.toMatch(
      /ann\.lee|555 0100|1,450|refund/i,
    );
  });

  it('publishes EventCancelled with the crew to tell', () => {
    const [detail] = publishedFor(cloud, 'EventCancelled', bookingId).map((e) => e.detail);
    expect(detail).toMatchObject({
      revision: 3,
      version: 3,
      charter_date: '2028-01-05',
      crew: ROSTER,
      cancelled_by: 'guest',
      reason: 'Ann ([contact removed], [contact removed]) has the flu.',
    });
    expect(publishedSummary(bookingId)).toEqual([
      ['EventCreated', 1, 1],
      ['EventUpdated', 2, 2],
      ['CrewConfirmed', 2, 2],
      ['EventCancelled', 3, 3],
    ]);
  });

  it('shows the crew page as cancelled: when and why, no Confirm, no decline', async () => {
    const result = await crewPage(eventId, 'theo-park');
    expect(result.statusCode).toBe(200);
    const page = String(result.body);
    expect(page).toContain('id="cancelled"');
    expect(page).toContain('Cancelled on Dec 1, 9:30 AM by the guest.');
    expect(page).toContain('Ann ([contact removed], [contact removed]) has the flu.');
    expect(page).not.toContain('id="confirm"');
    expect(page).not.toContain('id="decline"');
  });

  it('refuses answers and crew changes with 409 cancelled', async () => {
    for (const result of [
      await answer('confirm', eventId, 'theo-park'),
      await answer('decline', eventId, 'theo-park'),
      await patchEvent(eventId, { crew: [ROSTER[0]], expected_version: 3 }),
    ]) {
      expect(result.statusCode).toBe(409);
      expect(bodyOf(result)).toMatchObject({ error: 'cancelled' });
    }
  });

  it('changes nothing when BookingCreated (rev 1) or BookingUpdated (rev 2) is redelivered afterwards', async () => {
    const before = await eventItem(bookingId);
    const count = sccEventsFor(cloud, bookingId).length;
    await deliverTimes(2, 'BookingCreated', created(bookingId));
    await deliverTimes(2, 'BookingUpdated', updated(bookingId, 2, { charter_date: '2028-01-05' }));
    await deliver('BookingUpdated', updated(bookingId, 4, { charter_date: '2028-02-01' }));
    expect(await eventItem(bookingId)).toEqual(before);
    expect(sccEventsFor(cloud, bookingId)).toHaveLength(count);
  });

  it('re-publishes the same EventCancelled when the cancellation itself is redelivered', async () => {
    await deliver('BookingCancelled', cancelled(bookingId, 3));
    const details = publishedFor(cloud, 'EventCancelled', bookingId).map((e) => JSON.stringify(e.detail));
    expect(details).toHaveLength(2);
    expect(details[1]).toBe(details[0]);
  });
});

describe('a cancellation that arrives first', () => {
  it('leaves a tombstone: the create and update after it make no crew event and publish nothing', async () => {
    await deliver('BookingCancelled', cancelled('lc-first', 3));
    await deliver('BookingUpdated', updated('lc-first', 2));
    await deliver('BookingCreated', created('lc-first'));
    const item = await eventItem('lc-first');
    expect(item).toMatchObject({ kind: 'tombstone', lifecycle: 'cancelled', owner: 'boatsetter', revision: 3 });
    expect(item).not.toHaveProperty('crew');
    expect(sccEventsFor(cloud, 'lc-first')).toEqual([]);
    const listed = await call(h.listEvents, {
      method: 'GET',
      route: 'GET /events',
      path: '/events',
      query: { booking_id: 'lc-first' },
      headers: { 'x-service-key': serviceKey },
    });
    expect(bodyOf(listed)).toEqual({ events: [] });
    // No crew event to check the link against: refused like a forged link, naming no event.
    expect((await crewPage(eventIdFor('lc-first'), 'isla-moreno')).statusCode).toBe(401);
  });
});

/** The state a run ends in, without what names the booking (each run has its own id). */
async function endState(bookingId: string): Promise<Record<string, unknown>> {
  const item = (await eventItem(bookingId))!;
  const fields = ['charter_date', 'charter_start', 'charter_end', 'guest_count', 'notes', 'crew'];
  const state = ['lifecycle', 'revision', 'cancellation'];
  return Object.fromEntries([...fields, ...state].map((field) => [field, item[field]]));
}

/** Per (detail-type, revision), how many distinct details were published: 1 each when duplicates are exact. */
function distinctPerRevision(bookingId: string): Record<string, number> {
  const seen = new Map<string, Set<string>>();
  for (const [type, detail] of sccEventsFor(cloud, bookingId)) {
    const key = `${type}@${String(detail.revision)}`;
    seen.set(key, (seen.get(key) ?? new Set()).add(JSON.stringify(detail)));
  }
  return Object.fromEntries([...seen].map(([key, details]) => [key, details.size]));
}

/** The charter the last success event describes, without the ids. */
function lastCharter(bookingId: string) {
  const last = sccEventsFor(cloud, bookingId).at(-1)?.[1];
  if (!last) return undefined;
  const { booking_id: _b, event_id: _e, version: _v, ...charter } = last;
  return {
    charter_date: charter.charter_date,
    charter_start: charter.charter_start,
    guest_count: charter.guest_count,
    crew: charter.crew,
  };
}

describe('delivered three times each, concurrently, in either order', () => {
  const move = { charter_date: '2028-01-05', charter_start: '09:00', charter_end: '12:00', guest_count: 9 };

  it('ends the same when the update comes before the create', async () => {
    await deliverTimes(3, 'BookingCreated', created('lc-ord-upd'));
    await deliverTimes(3, 'BookingUpdated', updated('lc-ord-upd', 2, move));
    await deliverTimes(3, 'BookingUpdated', updated('lc-rev-upd', 2, move));
    await deliverTimes(3, 'BookingCreated', created('lc-rev-upd'));

    const inOrder = await endState('lc-ord-upd');
    expect(inOrder).toMatchObject({ ...move, lifecycle: 'live', revision: 2 });
    expect(await endState('lc-rev-upd')).toEqual(inOrder);
    // Each delivery of a revision published the same detail; the update that came first was the creation.
    expect(distinctPerRevision('lc-ord-upd')).toEqual({ 'EventCreated@1': 1, 'EventUpdated@2': 1 });
    expect(distinctPerRevision('lc-rev-upd')).toEqual({ 'EventCreated@2': 1 });
    expect(publishedSummary('lc-ord-upd')).toHaveLength(6);
    expect(publishedSummary('lc-rev-upd')).toHaveLength(3);
    // What the notifier last heard describes the same charter either way.
    expect(lastCharter('lc-rev-upd')).toEqual(lastCharter('lc-ord-upd'));
    expect(lastCharter('lc-ord-upd')).toMatchObject({ charter_date: '2028-01-05', guest_count: 9 });
  });

  it('ends cancelled when the cancellation comes before the create, and nobody was called', async () => {
    await deliverTimes(3, 'BookingCreated', created('lc-ord-cxl'));
    await deliverTimes(3, 'BookingUpdated', updated('lc-ord-cxl', 2, move));
    await deliverTimes(3, 'BookingCancelled', cancelled('lc-ord-cxl', 3));
    await deliverTimes(3, 'BookingCancelled', cancelled('lc-rev-cxl', 3));
    await deliverTimes(3, 'BookingUpdated', updated('lc-rev-cxl', 2, move));
    await deliverTimes(3, 'BookingCreated', created('lc-rev-cxl'));

    const inOrder = await endState('lc-ord-cxl');
    const reversed = await endState('lc-rev-cxl');
    expect(inOrder).toMatchObject({ lifecycle: 'cancelled', revision: 3 });
    expect({ lifecycle: reversed.lifecycle, revision: reversed.revision, cancellation: reversed.cancellation }).toEqual(
      { lifecycle: 'cancelled', revision: 3, cancellation: inOrder.cancellation },
    );
    expect(distinctPerRevision('lc-ord-cxl')).toEqual({
      'EventCreated@1': 1,
      'EventUpdated@2': 1,
      'EventCancelled@3': 1,
    });
    // The cancellation came first: a tombstone, and nothing for the notifier to tell anyone.
    expect(sccEventsFor(cloud, 'lc-rev-cxl')).toEqual([]);
  });

  it('settles on the same end state when all nine deliveries arrive at once, shuffled', async () => {
    for (let run = 0; run < 4; run++) {
      const bookingId = `lc-all-${run}`;
      const deliveries: Array<() => Promise<void>> = [];
      for (let copy = 0; copy < 3; copy++) {
        deliveries.push(
          () => deliver('BookingCreated', created(bookingId)),
          () => deliver('BookingUpdated', updated(bookingId, 2, move)),
          () => deliver('BookingCancelled', cancelled(bookingId, 3)),
        );
      }
      deliveries.sort(() => Math.random() - 0.5);
      await Promise.all(deliveries.map((d) => d()));
      expect(await endState(bookingId)).toMatchObject({ lifecycle: 'cancelled', revision: 3 });
      // Whatever was published, each revision's deliveries agreed, and the last word was the cancellation.
      for (const count of Object.values(distinctPerRevision(bookingId))) expect(count).toBe(1);
      const last = sccEventsFor(cloud, bookingId).at(-1);
      if (last) expect(last[0]).toBe('EventCancelled');
    }
  });
});

describe("another partner's events for an owned booking", () => {
  it('change nothing and are dead-lettered as not_owner', async () => {
    await deliver('BookingCreated', created('lc-owned'));
    const before = await eventItem('lc-owned');
    const count = sccEventsFor(cloud, 'lc-owned').length;
    const intruder = { source: 'getmyboat' };
    await deliver('BookingUpdated', { ...updated('lc-owned', 5, { charter_date: '2028-02-09' }), ...intruder });
    await deliver('BookingCancelled', { ...cancelled('lc-owned', 6), ...intruder });
    await deliver('BookingCreated', { ...created('lc-owned', { charter_date: '2028-02-09' }), ...intruder });

    expect(await eventItem('lc-owned')).toEqual(before);
    expect(sccEventsFor(cloud, 'lc-owned')).toHaveLength(count);
    const letters = (await readDeadLetters(new SQSClient({}), { peek: true })).filter(
      (l) => l.bookingId === 'lc-owned',
    );
    expect(letters.map((l) => (l.payload as { 'detail-type': string })['detail-type']).sort()).toEqual([
      'BookingCancelled',
      'BookingCreated',
      'BookingUpdated',
    ]);
    for (const letter of letters) {
      expect(letter).toMatchObject({ errorType: 'NotOwnerError', condition: 'PermanentFailure' });
      expect(letter.errorMessage).toMatch(/^not_owner: booking lc-owned belongs to boatsetter/);
    }
    // The owner's own change still applies.
    await deliver('BookingUpdated', updated('lc-owned', 2, { guest_count: 3 }));
    expect(await eventItem('lc-owned')).toMatchObject({ guest_count: 3, revision: 2 });
  });

  it('lets the operator change and cancel a POST /events crew event through `direct`, and nobody else', async () => {
    const createEvent = (await import('../src/handlers/create-event')).handler;
    const posted = await call(createEvent, {
      method: 'POST',
      route: 'POST /events',
      path: '/events',
      headers: { 'x-service-key': serviceKey, 'content-type': 'application/json' },
      body: JSON.stringify({
        booking_id: 'lc-manual',
        charter_date: '2027-12-30',
        charter_start: '17:00',
        charter_end: '19:00',
        vessel: 'JADA',
        location: 'Shelter Island, San Diego',
        guest_count: 4,
      }),
    });
    expect(posted.statusCode).toBe(201);
    const direct = { source: 'direct' };
    await deliver('BookingUpdated', {
      ...updated('lc-manual', 2, { charter_date: '2028-01-05' }),
      source: 'getmyboat',
    });
    expect(await eventItem('lc-manual')).toMatchObject({ charter_date: '2027-12-30', owner: 'direct', revision: 1 });
    await deliver('BookingUpdated', { ...updated('lc-manual', 2, { charter_date: '2028-01-05' }), ...direct });
    expect(await eventItem('lc-manual')).toMatchObject({ charter_date: '2028-01-05', revision: 2 });
    await deliver('BookingCancelled', { ...cancelled('lc-manual', 3), ...direct });
    expect(await eventItem('lc-manual')).toMatchObject({ lifecycle: 'cancelled', revision: 3 });
  });
});

describe('a burst', () => {
  it('of 100 bookings each changed once and 20 of them cancelled loses nothing and leaves nothing stale', async () => {
    const ids = Array.from({ length: 100 }, (_, i) => `lc-burst-${String(i).padStart(3, '0')}`);
    const cancelledIds = new Set(ids.filter((_, i) => i % 5 === 0));
    const day = (i: number) => `2028-01-${String((i % 28) + 1).padStart(2, '0')}`;
    const started = Date.now();
    await Promise.all(ids.map((id) => deliver('BookingCreated', created(id))));
    // The changes and the cancellations arrive together, shuffled: a cancellation may overtake its booking's change.
    const later = [
      ...ids.map((id, i) => () => deliver('BookingUpdated', updated(id, 2, { charter_date: day(i), guest_count: 7 }))),
      ...[...cancelledIds].map((id) => () => deliver('BookingCancelled', cancelled(id, 3))),
    ].sort(() => Math.random() - 0.5);
    await Promise.all(later.map((d) => d()));
    const elapsed = Date.now() - started;

    const items = new Map((await tableItems()).map((item) => [item.pk, item]));
    ids.forEach((id, i) => {
      const item = items.get(`EVENT#${eventIdFor(id)}`);
      const summary = publishedSummary(id).map(([type]) => type);
      if (cancelledIds.has(id)) {
        expect({ id, lifecycle: item?.lifecycle, revision: item?.revision }).toEqual({
          id,
          lifecycle: 'cancelled',
          revision: 3,
        });
        expect(summary.at(-1)).toBe('EventCancelled');
      } else {
        expect({ id, date: item?.charter_date, guests: item?.guest_count, revision: item?.revision }).toEqual({
          id,
          date: day(i),
          guests: 7,
          revision: 2,
        });
        expect(summary).toEqual(['EventCreated', 'EventUpdated']);
      }
      expect(summary.filter((type) => type === 'EventCreated')).toHaveLength(1);
    });
    // 220 deliveries against the local DynamoDB and EventBridge on a shared machine: generous, but not unbounded.
    expect(elapsed).toBeLessThan(60_000);
  }, 120_000);
});

describe('free text with no booking amounts known: crew notes, a cancellation and a decline', () => {
  const id = 'bk-bare-numbers';
  const BARE = 'Captain gets 300. Call Dana 619 555 0101 about the cooler.';
  const HOSTILE = 'Sick\u0000 today,\u202e sorry\u2066\u2069\u202a \u001b[31mred\u007f\nsee you';
  let eventId: string;

  beforeAll(async () => {
    // No revenue, no captain fee, no guest phone: nothing of this booking to match "300" or the number against.
    const bare = { ...created(id, { notes: undefined, guest: { name: 'Ann Lee' } }) };
    delete bare.revenue_cents;
    delete bare.captain_fee_cents;
    await deliver('BookingCreated', bare);
    eventId = eventIdFor(id);
    const view = bodyOf<EventView>(await getEvent(eventId));
    expect((await patchEvent(eventId, { expected_version: view.version, crew_notes: BARE })).statusCode).toBe(200);
    expect((await answer('decline', eventId, 'theo-park', HOSTILE)).statusCode).toBe(200);
    await deliver('BookingCancelled', cancelled(id, 2, { reason: BARE }));
  });

  it('reach no crew surface with the amount or the contact: items, events, GET /events, the crew page', async () => {
    const pages = await Promise.all(ROSTER.map(async (m) => String((await crewPage(eventId, m.member_id)).body)));
    const surfaces = [
      JSON.stringify(withoutPrivateFacts((await eventItem(id))!)),
      JSON.stringify(sccEventsFor(cloud, id)),
      String((await getEvent(eventId)).body),
      ...pages,
    ];
    for (const surface of surfaces) {
      expect(surface).not.toMatch(/300|619|555|0101/);
      expect(surface).toContain('about the cooler');
    }
  });

  it('keep a decline reason free of control characters and bidi overrides, as stored and as published', async () => {
    const declined = sccEventsFor(cloud, id).find(([type]) => type === 'CrewDeclined')![1];
    // ESC and DEL go; what followed the ESC is plain text then.
    expect(declined.reason).toBe('Sick today, sorry [31mred see you');
    const stored = (await eventItem(id))!.declines as Record<string, { reason?: string }>;
    expect(stored['theo-park']!.reason).toBe(declined.reason);
  });
});
