import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalCloud, UNTHROTTLED, type LocalCloud } from '@charter/local/testing';
import { signatureHeader } from '../src/domain/signature';
import { onboardPartners } from './support/partners';

/**
 * PUT /partners/{partner}/bookings/{booking_id} (BookingUpdated) and POST .../{booking_id}/cancel (BookingCancelled)
 * through the local HTTP API, signed as a partner signs, and what reaches the bus.
 */
const LIFECYCLE = join(__dirname, '../../../events/samples/lifecycle');
const sample = (name: string) =>
  JSON.parse(readFileSync(join(LIFECYCLE, `getmyboat-gmb88213-${name}.json`), 'utf8')) as Record<string, unknown>;
const updated = sample('updated');
const cancelled = sample('cancelled');

type Accepted = { status: string; booking_id: string; revision: number; event_id: string; duplicate: boolean };
type Refusal = { error: string; message: string; revision?: number; fields?: Array<{ path: string; message: string }> };

/** The two new routes: their method, the path after the booking id, the event they publish and a sample body. */
const ROUTES = [
  { name: 'PUT (update)', method: 'PUT', suffix: '', detailType: 'BookingUpdated', body: updated },
  { name: 'POST cancel', method: 'POST', suffix: '/cancel', detailType: 'BookingCancelled', body: cancelled },
] as const;
type Route = (typeof ROUTES)[number];
const [UPDATE, CANCEL] = ROUTES;

describe('the lifecycle routes of the intake through the local HTTP API', () => {
  let cloud: LocalCloud;
  let partnerSecrets: Record<string, string>;

  beforeAll(async () => {
    // Many requests a second, one after another: these tests are not about throttling.
    cloud = await startLocalCloud({ services: ['bus'], run: true, params: UNTHROTTLED });
    partnerSecrets = await onboardPartners(['boatsetter', 'getmyboat', 'direct']);
  });
  afterAll(() => cloud.stop());

  const send = (route: Route, partner: string, bookingId: string, body: string, signature?: string) =>
    fetch(`${cloud.endpoints.api}/partners/${partner}/bookings/${bookingId}${route.suffix}`, {
      method: route.method,
      headers: { 'content-type': 'application/json', ...(signature ? { 'x-charter-signature': signature } : {}) },
      body,
    });
  /** Signed with the partner's secret, as its webhook client does. */
  const signed = (route: Route, partner: string, bookingId: string, fields: Record<string, unknown> = {}) => {
    const body = JSON.stringify({ ...route.body, ...fields });
    return send(route, partner, bookingId, body, signatureHeader(partnerSecrets[partner]!, body));
  };
  const onBus = (detailType: string, bookingId: string) =>
    cloud
      .published()
      .filter(
        (e) => e['detail-type'] === detailType && (e.detail as { booking_id?: unknown }).booking_id === bookingId,
      );
  const accepted = async (res: Response) => {
    expect(res.status).toBe(202);
    return (await res.json()) as Accepted;
  };
  const refusal = async (res: Response) => (await res.json()) as Refusal;

  it('accepts a change and publishes BookingUpdated with the path’s partner and booking id', async () => {
    const body = await accepted(await signed(UPDATE, 'getmyboat', 'GMB-88213'));
    expect(body).toEqual({
      status: 'accepted',
      booking_id: 'GMB-88213',
      revision: 2,
      event_id: expect.any(String) as unknown,
      duplicate: false,
    });
    const events = onBus('BookingUpdated', 'GMB-88213');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      id: body.event_id,
      source: 'partner.getmyboat',
      detail: { booking_id: 'GMB-88213', source: 'getmyboat', revision: 2, charter_date: '2027-03-03', guest_count: 4 },
    });
  });

  it('accepts a cancellation and publishes BookingCancelled with the path’s partner and booking id', async () => {
    const body = await accepted(await signed(CANCEL, 'getmyboat', 'GMB-88213'));
    expect(body).toMatchObject({ booking_id: 'GMB-88213', revision: 3, duplicate: false });
    const events = onBus('BookingCancelled', 'GMB-88213');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      id: body.event_id,
      source: 'partner.getmyboat',
      detail: {
        schema_version: 1,
        booking_id: 'GMB-88213',
        source: 'getmyboat',
        revision: 3,
        cancelled_at: '2027-03-01T16:05:00Z',
        cancelled_by: 'weather',
      },
    });
  });

  it.each(ROUTES)('$name: the path wins over a body naming another booking and another partner', async (route) => {
    const pathId = `path-wins-${route.detailType}`;
    const bodyId = `body-loses-${route.detailType}`;
    const body = await accepted(await signed(route, 'direct', pathId, { booking_id: bodyId, source: 'getmyboat' }));
    expect(body.booking_id).toBe(pathId);
    const events = onBus(route.detailType, pathId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ source: 'partner.direct', detail: { booking_id: pathId, source: 'direct' } });
    expect(onBus(route.detailType, bodyId)).toHaveLength(0);
  });

  it.each(ROUTES)('$name: a repeat of the same revision, re-serialised, gets the first event id', async (route) => {
    const bookingId = `repeat-${route.detailType}`;
    const first = await accepted(await signed(route, 'getmyboat', bookingId));
    // The same event as a partner's retry might send it: keys in another order, other whitespace.
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(route.body).reverse()), null, 3);
    const again = await send(
      route,
      'getmyboat',
      bookingId,
      reordered,
      signatureHeader(partnerSecrets.getmyboat!, reordered),
    );
    expect(await accepted(again)).toEqual({ ...first, duplicate: true });
    expect(onBus(route.detailType, bookingId)).toHaveLength(1);
  });

  it.each([
    { ...UPDATE, change: { guest_count: 6 } },
    { ...CANCEL, change: { reason: 'The guest asked to cancel.' } },
  ])('$name: the same revision with other content is 409 revision_conflict', async ({ change, ...route }) => {
    const bookingId = `conflict-${route.detailType}`;
    const first = await accepted(await signed(route, 'getmyboat', bookingId));
    const res = await signed(route, 'getmyboat', bookingId, change);
    expect(res.status).toBe(409);
    expect(await refusal(res)).toEqual({
      error: 'revision_conflict',
      revision: first.revision,
      message: expect.stringMatching(new RegExp(`Revision ${first.revision} .*higher revision`)) as unknown,
    });
    expect(onBus(route.detailType, bookingId).map((e) => e.id)).toEqual([first.event_id]);

    // The change with the next revision is a new event.
    const next = await accepted(
      await signed(route, 'getmyboat', bookingId, { ...change, revision: first.revision + 1 }),
    );
    expect(next).toMatchObject({ revision: first.revision + 1, duplicate: false });
    expect(next.event_id).not.toBe(first.event_id);
    expect(onBus(route.detailType, bookingId)).toHaveLength(2);
  });

  describe('a create and an update of one revision are one revision', () => {
    const create = (bookingId: string, fields: Record<string, unknown> = {}) => {
      const body = JSON.stringify({ ...updated, booking_id: bookingId, ...fields });
      return fetch(`${cloud.endpoints.api}/partners/getmyboat/bookings`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-charter-signature': signatureHeader(partnerSecrets.getmyboat!, body),
        },
        body,
      });
    };

    it('with the same content: the update is answered with the create’s event id, nothing more published', async () => {
      const first = await accepted(await create('one-revision-same', { revision: 1 }));
      const again = await accepted(await signed(UPDATE, 'getmyboat', 'one-revision-same', { revision: 1 }));
      expect(again).toEqual({ ...first, duplicate: true });
      expect(onBus('BookingCreated', 'one-revision-same')).toHaveLength(1);
      expect(onBus('BookingUpdated', 'one-revision-same')).toHaveLength(0);
    });

    it.each([
      { first: 'create', then: 'update' },
      { first: 'update', then: 'create' },
    ])('with other content ($first, then $then): 409 revision_conflict naming the revision', async ({ first }) => {
      const bookingId = `one-revision-${first}-first`;
      const byCreate = () => create(bookingId, { revision: 1 });
      const byUpdate = () => signed(UPDATE, 'getmyboat', bookingId, { revision: 1, guest_count: 9 });
      const accept = await accepted(await (first === 'create' ? byCreate() : byUpdate()));
      const res = await (first === 'create' ? byUpdate() : byCreate());
      expect(res.status).toBe(409);
      expect(await refusal(res)).toMatchObject({ error: 'revision_conflict', revision: 1 });
      const published = [...onBus('BookingCreated', bookingId), ...onBus('BookingUpdated', bookingId)];
      expect(published.map((e) => e.id)).toEqual([accept.event_id]);
    });
  });

  it('keys a cancellation apart: an update and a cancellation of one revision are two events', async () => {
    await accepted(await signed(UPDATE, 'getmyboat', 'same-revision', { revision: 5 }));
    await accepted(await signed(CANCEL, 'getmyboat', 'same-revision', { revision: 5 }));
    expect(onBus('BookingUpdated', 'same-revision')).toHaveLength(1);
    expect(onBus('BookingCancelled', 'same-revision')).toHaveLength(1);
  });

  describe.each(ROUTES)('$name refuses as the create route does', (route) => {
    const body = JSON.stringify(route.body);
    const refusalId = `refused-${route.detailType}`;
    afterEach(() => expect(onBus(route.detailType, refusalId)).toHaveLength(0));

    it('404 unknown_partner', async () => {
      const res = await send(route, 'nobody', refusalId, body, signatureHeader('x', body));
      expect(res.status).toBe(404);
      expect(await refusal(res)).toMatchObject({
        error: 'unknown_partner',
        message: expect.stringContaining('nobody') as unknown,
      });
    });

    it.each([
      ['a missing signature', () => undefined],
      ['a signature with the wrong secret', () => signatureHeader('not-the-secret', body)],
      [
        'a stale signature',
        () => signatureHeader(partnerSecrets.getmyboat!, body, Math.floor(Date.now() / 1000) - 301),
      ],
      ['a signature of another body', () => signatureHeader(partnerSecrets.getmyboat!, `${body} `)],
    ])('401 invalid_signature for %s', async (_, signature) => {
      const res = await send(route, 'getmyboat', refusalId, body, signature());
      expect(res.status).toBe(401);
      expect(await refusal(res)).toMatchObject({ error: 'invalid_signature', message: expect.any(String) as unknown });
    });

    it('400 bad_json for a signed body that is not JSON', async () => {
      const broken = '{"revision": ';
      const res = await send(route, 'getmyboat', refusalId, broken, signatureHeader(partnerSecrets.getmyboat!, broken));
      expect(res.status).toBe(400);
      expect(await refusal(res)).toMatchObject({ error: 'bad_json' });
    });

    it('413 for a body over 64 KB', async () => {
      const res = await signed(route, 'getmyboat', refusalId, { notes: 'x'.repeat(70 * 1024) });
      expect(res.status).toBe(413);
      expect(await refusal(res)).toMatchObject({ error: 'payload_too_large' });
    });

    it('422 invalid_booking naming each bad field', async () => {
      const bad =
        route === UPDATE
          ? { revision: 0, charter_end: '08:00' }
          : { revision: 0, cancelled_at: 'yesterday', cancelled_by: 'bored' };
      const res = await signed(route, 'getmyboat', refusalId, bad);
      expect(res.status).toBe(422);
      const error = await refusal(res);
      expect(error.error).toBe('invalid_booking');
      const paths = error.fields!.map((f) => f.path).sort();
      expect(paths).toEqual(
        route === UPDATE ? ['charter_end', 'revision'] : ['cancelled_at', 'cancelled_by', 'revision'],
      );
    });

    it('422 naming revision when the body has none (a change must say which revision it is)', async () => {
      const { revision: _omitted, ...withoutRevision } = route.body;
      const text = JSON.stringify(withoutRevision);
      const res = await send(route, 'getmyboat', refusalId, text, signatureHeader(partnerSecrets.getmyboat!, text));
      expect(res.status).toBe(422);
      expect((await refusal(res)).fields).toEqual([{ path: 'revision', message: expect.any(String) as unknown }]);
    });

    it('422 naming booking_id for a path id outside the contract’s pattern', async () => {
      const res = await signed(route, 'getmyboat', 'no', { booking_id: refusalId });
      expect(res.status).toBe(422);
      expect((await refusal(res)).fields?.map((f) => f.path)).toEqual(['booking_id']);
      expect(onBus(route.detailType, 'no')).toHaveLength(0);
    });
  });
});
