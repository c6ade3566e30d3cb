import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalCloud, UNTHROTTLED, type LocalCloud } from '@charter/local/testing';
import { signatureHeader } from '../src/domain/signature';
import { onboardPartners } from './support/partners';

const sample = readFileSync(join(__dirname, '../../../events/samples/boatsetter-xhqgmdh.json'), 'utf8');
const sampleBooking = JSON.parse(sample) as Record<string, unknown>;
/** The sample booking as JSON, with some fields changed. */
const bookingJson = (fields: Record<string, unknown>) => JSON.stringify({ ...sampleBooking, ...fields });

type Accepted = { status: string; booking_id: string; revision: number; event_id: string; duplicate: boolean };
type Refusal = { error: string; message: string; fields?: Array<{ path: string; message: string }> };
const accepted = async (res: Response) => (await res.json()) as Accepted;
const refusal = async (res: Response) => (await res.json()) as Refusal;

describe('POST /partners/{partner}/bookings through the local HTTP API', () => {
  let cloud: LocalCloud;
  let partnerSecrets: Record<string, string>;

  beforeAll(async () => {
    // Many requests a second, one after another: these tests are not about throttling.
    cloud = await startLocalCloud({ services: ['bus'], run: true, params: UNTHROTTLED });
    partnerSecrets = await onboardPartners(['boatsetter', 'getmyboat', 'direct']);
  });
  afterAll(() => cloud.stop());

  const post = (partner: string, body: string, signature?: string) =>
    fetch(`${cloud.endpoints.api}/partners/${partner}/bookings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(signature ? { 'x-charter-signature': signature } : {}) },
      body,
    });
  const signed = (partner: string, body: string, timestamp?: number) =>
    post(partner, body, signatureHeader(partnerSecrets[partner]!, body, timestamp));
  const bookingsOnBus = (bookingId: string) =>
    cloud
      .published()
      .filter(
        (e) => e['detail-type'] === 'BookingCreated' && (e.detail as { booking_id?: unknown }).booking_id === bookingId,
      );

  it('answers 202 with the event id and publishes BookingCreated with source partner.<name>', async () => {
    const res = await signed('boatsetter', sample);
    expect(res.status).toBe(202);
    const body = await accepted(res);
    expect(body).toEqual({
      status: 'accepted',
      booking_id: 'xhqgmdh',
      revision: 1,
      duplicate: false,
      event_id: expect.any(String) as unknown,
    });
    const [event] = bookingsOnBus('xhqgmdh');
    expect(event).toMatchObject({
      id: body.event_id,
      source: 'partner.boatsetter',
      detail: { booking_id: 'xhqgmdh', source: 'boatsetter', guest_count: 4, revision: 1 },
    });
  });

  it('answers a duplicate delivery with the first event id and publishes nothing new', async () => {
    const reformatted = JSON.stringify(sampleBooking, null, 4);
    const first = await accepted(await signed('boatsetter', sample));
    const again = await signed('boatsetter', reformatted);
    expect(again.status).toBe(202);
    expect(await accepted(again)).toMatchObject({ event_id: first.event_id, duplicate: true });
    expect(bookingsOnBus('xhqgmdh')).toHaveLength(1);
  });

  it('answers the same revision with other content 409 revision_conflict; a higher one is a new event', async () => {
    const first = await accepted(await signed('boatsetter', bookingJson({ booking_id: 'create-conflict' })));
    const changed = await signed('boatsetter', bookingJson({ booking_id: 'create-conflict', guest_count: 6 }));
    expect(changed.status).toBe(409);
    expect(await refusal(changed)).toMatchObject({
      error: 'revision_conflict',
      revision: 1,
      message: expect.stringContaining('higher revision') as unknown,
    });
    // An explicit revision 1 is the default one: the same event, a duplicate.
    const explicit = await signed('boatsetter', bookingJson({ booking_id: 'create-conflict', revision: 1 }));
    expect(await accepted(explicit)).toMatchObject({ event_id: first.event_id, duplicate: true });
    const next = await signed(
      'boatsetter',
      bookingJson({ booking_id: 'create-conflict', guest_count: 6, revision: 2 }),
    );
    expect(await accepted(next)).toMatchObject({ revision: 2, duplicate: false });
    expect(bookingsOnBus('create-conflict').map((e) => (e.detail as { revision: number }).revision)).toEqual([1, 2]);
  });

  it('forces the source to the partner in the path, whatever the body claims', async () => {
    const body = bookingJson({ booking_id: 'claims-other', source: 'getmyboat' });
    expect((await signed('direct', body)).status).toBe(202);
    expect(bookingsOnBus('claims-other')[0]).toMatchObject({ source: 'partner.direct', detail: { source: 'direct' } });
  });

  it('refuses an unknown partner with 404', async () => {
    const res = await post('nobody', sample, signatureHeader('x', sample));
    expect(res.status).toBe(404);
    expect(await refusal(res)).toMatchObject({
      error: 'unknown_partner',
      message: expect.stringContaining('nobody') as unknown,
    });
  });

  it.each([
    ['a missing signature', undefined],
    ['a signature with the wrong secret', signatureHeader('not-the-secret', sample)],
    ['a stale signature', 'stale'],
  ])('refuses %s with 401', async (_, header) => {
    const signature =
      header === 'stale'
        ? signatureHeader(partnerSecrets.boatsetter!, sample, Math.floor(Date.now() / 1000) - 301)
        : header;
    const res = await post('boatsetter', sample, signature);
    expect(res.status).toBe(401);
    expect(await refusal(res)).toMatchObject({ error: 'invalid_signature', message: expect.any(String) as unknown });
  });

  it('refuses a signed body that is not JSON with 400', async () => {
    const res = await signed('boatsetter', '{"booking_id": ');
    expect(res.status).toBe(400);
    expect(await refusal(res)).toMatchObject({ error: 'bad_json' });
  });

  it('refuses an invalid booking with 422 naming the field, and publishes nothing', async () => {
    const body = bookingJson({ booking_id: 'bad-date', charter_date: '2027-02-30' });
    const res = await signed('boatsetter', body);
    expect(res.status).toBe(422);
    const error = await refusal(res);
    expect(error).toMatchObject({
      error: 'invalid_booking',
      fields: [{ path: 'charter_date', message: expect.stringContaining('real date') as unknown }],
    });
    expect(bookingsOnBus('bad-date')).toHaveLength(0);
  });

  it('refuses a body over the limit with 413', async () => {
    const body = bookingJson({ notes: 'x'.repeat(70 * 1024) });
    expect((await signed('boatsetter', body)).status).toBe(413);
  });
});
