import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PartnerRequestRefused } from '@charter/events';
import { startLocalCloud, type LocalCloud, type PublishedEvent } from '@charter/local/testing';
import { signatureHeader } from '../src/domain/signature';
import { onboardPartners } from './support/partners';

/**
 * Every refusal of a partner's request but a 409 reaches ops as PartnerRequestRefused (source charter.bus), on each of
 * the three intake routes, saying which refusal it was and never what was sent; publishing it is best effort.
 */
const samples = join(__dirname, '../../../events/samples');
const create = JSON.parse(readFileSync(join(samples, 'boatsetter-xhqgmdh.json'), 'utf8')) as Record<string, unknown>;
const lifecycle = (name: string) =>
  JSON.parse(readFileSync(join(samples, 'lifecycle', `getmyboat-gmb88213-${name}.json`), 'utf8')) as Record<
    string,
    unknown
  >;

const ROUTES = [
  { route: 'create', method: 'POST', path: () => '/bookings', body: create },
  { route: 'update', method: 'PUT', path: (id: string) => `/bookings/${id}`, body: lifecycle('updated') },
  { route: 'cancel', method: 'POST', path: (id: string) => `/bookings/${id}/cancel`, body: lifecycle('cancelled') },
] as const;
type Route = (typeof ROUTES)[number];

let cloud: LocalCloud;
let secrets: Record<string, string>;
let requests = 0;

beforeAll(async () => {
  // More requests a route than its burst of 10, one after another: this file is about refusals, not throttling.
  cloud = await startLocalCloud({
    services: ['bus'],
    run: true,
    params: { bus: { webhookRate: 1_000, webhookBurst: 1_000 } },
  });
  secrets = await onboardPartners(['refused-co']);
});
afterAll(() => cloud.stop());

/** Sends one request on a route (the create route takes the booking id in its body), and what ops heard of it. */
async function send(
  route: Route,
  options: { partner?: string; bookingId?: string; body?: string; signature?: (body: string) => string | undefined },
) {
  const bookingId = options.bookingId ?? `refusal-${++requests}`;
  const body = options.body ?? JSON.stringify({ ...route.body, booking_id: bookingId, guest: secretGuest });
  const signature = (options.signature ?? ((text) => signatureHeader(secrets['refused-co']!, text)))(body);
  const path = route.path(bookingId);
  const before = cloud.published().length;
  const res = await fetch(`${cloud.endpoints.api}/partners/${options.partner ?? 'refused-co'}${path}`, {
    method: route.method,
    headers: { 'content-type': 'application/json', ...(signature ? { 'x-charter-signature': signature } : {}) },
    body,
  });
  await res.text();
  const heard = cloud
    .published()
    .slice(before)
    .filter((e) => e['detail-type'] === 'PartnerRequestRefused');
  return { status: res.status, heard, body, signature, bookingId };
}

/** Contact details no refusal may carry. */
const secretGuest = { name: 'Dana Whitfield', email: 'dana.refused@example.com', phone: '+1 619 555 0199' };

/** The event carries the refusal, never the request: no body, no field value, no signature or secret. */
function expectNothingSent(event: PublishedEvent, sent: { body: string; signature: string | undefined }) {
  expect(event.source).toBe('charter.bus');
  expect(PartnerRequestRefused.safeParse(event.detail).success).toBe(true);
  const text = JSON.stringify(event.detail);
  for (const material of [
    secretGuest.email,
    secretGuest.phone,
    secretGuest.name,
    secrets['refused-co']!,
    ...(sent.signature?.match(/[0-9a-f]{16,}/g) ?? []),
  ]) {
    expect({ text, material, leaked: text.includes(material) }).toMatchObject({ leaked: false });
  }
}

describe.each(ROUTES)('PartnerRequestRefused on the $route route', (route) => {
  const bookingIdOf = (sent: { bookingId: string }) => (route.route === 'create' ? {} : { booking_id: sent.bookingId });

  it.each([
    ['a missing signature', 'missing_signature', () => undefined],
    ['a signature with another secret', 'bad_signature', (body: string) => signatureHeader('not-the-secret', body)],
    ['a malformed signature header', 'bad_signature', () => 't=yesterday,v1=zz'],
    [
      'a stale timestamp',
      'stale_timestamp',
      (body: string) => signatureHeader(secrets['refused-co']!, body, Math.floor(Date.now() / 1000) - 301),
    ],
  ] as const)('401 for %s, reported as %s', async (_, reason, signature) => {
    const sent = await send(route, { signature });
    expect(sent.status).toBe(401);
    expect(sent.heard).toHaveLength(1);
    expect(sent.heard[0]!.detail).toEqual({
      schema_version: 1,
      partner: 'refused-co',
      reason,
      status: 401,
      route: route.route,
      at: expect.any(String) as unknown,
      ...bookingIdOf(sent),
    });
    expectNothingSent(sent.heard[0]!, sent);
  });

  it('404 for a partner that was never onboarded, reported as unknown_partner', async () => {
    const sent = await send(route, { partner: 'never-onboarded' });
    expect(sent.status).toBe(404);
    expect(sent.heard.map((e) => e.detail as unknown)).toEqual([
      expect.objectContaining({ partner: 'never-onboarded', reason: 'unknown_partner', status: 404 }),
    ]);
    expectNothingSent(sent.heard[0]!, sent);
  });

  it('404 for a made-up partner whatever the body, so ops counts it with the other unknown names', async () => {
    const body = JSON.stringify({ ...route.body, notes: 'n'.repeat(70_000) });
    const sent = await send(route, { partner: 'made-up-413', body });
    expect(sent.status).toBe(404);
    expect(sent.heard.map((e) => e.detail as unknown)).toEqual([
      expect.objectContaining({ partner: 'made-up-413', reason: 'unknown_partner', status: 404 }),
    ]);
  });

  it('400 for a signed body that is not JSON, reported as bad_json', async () => {
    const sent = await send(route, { body: `{"guest": {"email": "${secretGuest.email}"` });
    expect(sent.status).toBe(400);
    expect(sent.heard.map((e) => e.detail as unknown)).toEqual([
      expect.objectContaining({ reason: 'bad_json', status: 400 }),
    ]);
    expectNothingSent(sent.heard[0]!, sent);
  });

  it('413 for a body over 64 KB, reported as payload_too_large', async () => {
    const body = JSON.stringify({ ...route.body, notes: `${secretGuest.email} `.repeat(3000) });
    const sent = await send(route, { body });
    expect(sent.status).toBe(413);
    expect(sent.heard.map((e) => e.detail as unknown)).toEqual([
      expect.objectContaining({ reason: 'payload_too_large', status: 413 }),
    ]);
    expectNothingSent(sent.heard[0]!, sent);
  });

  it('422 for an invalid booking, reported as invalid with the names of the fields only', async () => {
    const body = JSON.stringify({
      ...route.body,
      booking_id: `refusal-${++requests}`,
      revision: 0,
      guest: { ...secretGuest, email: 'not an email dana.refused@example.com' },
    });
    const sent = await send(route, { body });
    expect(sent.status).toBe(422);
    expect(sent.heard).toHaveLength(1);
    const detail = sent.heard[0]!.detail as { reason: string; status: number; fields: string[] };
    expect(detail).toMatchObject({ reason: 'invalid', status: 422 });
    expect(detail.fields).toContain('revision');
    expectNothingSent(sent.heard[0]!, sent);
  });

  it('reports nothing for an accepted request, nor for a 409 (the same revision with other content)', async () => {
    const bookingId = `refusal-${++requests}`;
    const first = await send(route, { bookingId });
    expect(first.status).toBe(202);
    const change = route.route === 'cancel' ? { reason: 'Another reason' } : { guest_count: 9 };
    const changed = JSON.stringify({ ...route.body, booking_id: bookingId, ...change });
    const conflict = await send(route, { bookingId, body: changed });
    expect(conflict.status).toBe(409);
    expect([...first.heard, ...conflict.heard]).toEqual([]);
  });
});

describe('reporting a refusal is best effort', () => {
  it('answers the refusal even when EventBridge refuses every PutEvents', async () => {
    await cloud.stop();
    // The file's afterAll stops this one.
    const faulty = await startLocalCloud({ services: ['bus'], run: true, faults: { eventbridge: 1, seed: 7 } });
    cloud = faulty;
    const started = Date.now();
    const res = await fetch(`${faulty.endpoints.api}/partners/never-onboarded/bookings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-charter-signature': 't=1,v1=00' },
      body: JSON.stringify(create),
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'unknown_partner' });
    // The answer waited at most the report's deadline (1.5 s) on EventBridge, and a little for the rest.
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(faulty.faults.injected()).not.toEqual({});
  });
});
