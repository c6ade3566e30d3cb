import { CrewResendRequested } from '@charter/events';
import type { HttpHandler, HttpResult } from '@charter/shared/http';
import type { EventBridgeEvent } from 'aws-lambda';
import { httpApiEvent, type LocalCloud } from '@charter/local/testing';
import { eventIdFor } from '../src/domain/crew-event';
import { ROSTER, bookingInput } from './fixtures';
import { lambdaContext, partnerEnvelope, startScc } from './harness';

/**
 * POST /events/{event_id}/crew/{member_id}/resend: the operator's way to send one crew member a fresh notice (the
 * crew error page's "ask the captain to send you a fresh link", and the stall check's report). SCC decides whether
 * the member may get one and says so on the bus; the notifier sends it.
 */
let cloud: LocalCloud;
let serviceKey: string;
const h = {} as Record<'resend' | 'updateEvent', HttpHandler> & {
  onBookingEvent: (
    event: EventBridgeEvent<string, unknown>,
    context: ReturnType<typeof lambdaContext>,
  ) => Promise<void>;
};

beforeAll(async () => {
  cloud = await startScc({ POWERTOOLS_LOG_LEVEL: 'SILENT' });
  serviceKey = cloud.secrets['charter/local/scc-service-key']!;
  h.resend = (await import('../src/handlers/resend-crew-notice')).handler;
  h.updateEvent = (await import('../src/handlers/update-event')).handler;
  h.onBookingEvent = (await import('../src/handlers/on-booking-event')).handler;
});
afterAll(() => cloud?.stop());

const bodyOf = <T = Record<string, unknown>>(result: HttpResult) => JSON.parse(String(result.body)) as T;
const resend = (eventId: string, memberId: string, key = serviceKey, headers: Record<string, string> = {}) =>
  h.resend(
    httpApiEvent({
      method: 'POST',
      route: 'POST /events/{event_id}/crew/{member_id}/resend',
      path: `/events/${eventId}/crew/${memberId}/resend`,
      pathParameters: { event_id: eventId, member_id: memberId },
      headers: { 'x-service-key': key, ...headers },
    }),
    lambdaContext(),
  );
const requested = (eventId: string) =>
  cloud
    .published()
    .filter((e) => e['detail-type'] === 'CrewResendRequested')
    .map((e) => CrewResendRequested.parse(e.detail))
    .filter((d) => d.event_id === eventId);

async function booked(bookingId: string): Promise<string> {
  await h.onBookingEvent(partnerEnvelope('BookingCreated', bookingInput({ booking_id: bookingId })), lambdaContext());
  return eventIdFor(bookingId);
}

describe('POST /events/{event_id}/crew/{member_id}/resend', () => {
  it('asks the notifier for a fresh notice to the member (CrewResendRequested), 202; each is one more', async () => {
    const eventId = await booked('bk-resend');
    const first = await resend(eventId, 'isla-moreno');
    expect(first.statusCode).toBe(202);
    expect(bodyOf(first)).toMatchObject({ status: 'accepted', event_id: eventId, member_id: 'isla-moreno' });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await resend(eventId, 'isla-moreno')).statusCode).toBe(202);
    const details = requested(eventId);
    expect(details).toHaveLength(2);
    expect(details[0]).toEqual({
      schema_version: 1,
      booking_id: 'bk-resend',
      event_id: eventId,
      member_id: 'isla-moreno',
      revision: 1,
      version: 1,
      requested_at: bodyOf(first).requested_at,
    });
    expect(details[0]!.requested_at).not.toBe(details[1]!.requested_at);
  });

  it('answers a repeat of the same Idempotency-Key with the first 202 body, and publishes nothing more', async () => {
    const eventId = await booked('bk-resend-idem');
    const once = { 'idempotency-key': 'op-7f3a9c' };
    const first = await resend(eventId, 'isla-moreno', serviceKey, once);
    expect(first.statusCode).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const again = await resend(eventId, 'isla-moreno', serviceKey, once);
    expect(again.statusCode).toBe(202);
    expect(bodyOf(again)).toEqual(bodyOf(first));
    expect(again.headers?.['idempotent-replayed']).toBe('true');
    expect(requested(eventId)).toHaveLength(1);
    // The key is per event and member, and a new key is a new request.
    expect((await resend(eventId, 'theo-park', serviceKey, once)).statusCode).toBe(202);
    expect((await resend(eventId, 'isla-moreno', serviceKey, { 'idempotency-key': 'op-other' })).statusCode).toBe(202);
    expect(requested(eventId).map((d) => d.member_id)).toEqual(['isla-moreno', 'theo-park', 'isla-moreno']);
  });

  it('refuses an Idempotency-Key that is not 1-255 visible ASCII characters (400), publishing nothing', async () => {
    const eventId = await booked('bk-resend-idem-bad');
    const result = await resend(eventId, 'isla-moreno', serviceKey, { 'idempotency-key': 'x'.repeat(256) });
    expect([result.statusCode, bodyOf(result).error]).toEqual([400, 'invalid_idempotency_key']);
    expect(requested(eventId)).toHaveLength(0);
  });

  it('keeps no answer for a refusal: the same key is tried afresh', async () => {
    const eventId = await booked('bk-resend-idem-404');
    const once = { 'idempotency-key': 'op-404' };
    expect((await resend(eventId, 'nobody-here', serviceKey, once)).statusCode).toBe(404);
    expect((await resend(eventId, 'nobody-here', serviceKey, once)).statusCode).toBe(404);
  });

  it('refuses a wrong service key (403), before saying anything about the event', async () => {
    const eventId = await booked('bk-resend-key');
    const result = await resend(eventId, 'isla-moreno', 'not-the-key');
    expect(result.statusCode).toBe(403);
    expect(requested(eventId)).toHaveLength(0);
  });

  it('answers 404 for an unknown event or member, and publishes nothing', async () => {
    const eventId = await booked('bk-resend-404');
    const unknownEvent = await resend(eventIdFor('no-such-booking'), 'isla-moreno');
    expect([unknownEvent.statusCode, bodyOf(unknownEvent).error]).toEqual([404, 'event_not_found']);
    const unknownMember = await resend(eventId, 'nobody-here');
    expect([unknownMember.statusCode, bodyOf(unknownMember).error]).toEqual([404, 'member_not_found']);
    expect(bodyOf(unknownMember).message).toContain('nobody-here');
    expect(requested(eventId)).toHaveLength(0);
  });

  it('answers 409 for a member taken off the crew since (their link no longer opens the event)', async () => {
    const eventId = await booked('bk-resend-removed');
    const patch = await h.updateEvent(
      httpApiEvent({
        method: 'PATCH',
        route: 'PATCH /events/{event_id}',
        path: `/events/${eventId}`,
        pathParameters: { event_id: eventId },
        headers: { 'x-service-key': serviceKey, 'content-type': 'application/json' },
        body: JSON.stringify({ crew: ROSTER.filter((m) => m.member_id !== 'theo-park'), expected_version: 1 }),
      }),
      lambdaContext(),
    );
    expect(patch.statusCode).toBe(200);
    const result = await resend(eventId, 'theo-park');
    expect([result.statusCode, bodyOf(result).error]).toEqual([409, 'not_on_crew']);
    expect(requested(eventId)).toHaveLength(0);
    // Still on the crew: fine.
    expect((await resend(eventId, 'isla-moreno')).statusCode).toBe(202);
  });

  it('answers 409 for a cancelled event: the crew were told so, there is nothing fresh to send', async () => {
    const eventId = await booked('bk-resend-cancelled');
    await h.onBookingEvent(
      partnerEnvelope('BookingCancelled', {
        schema_version: 1,
        booking_id: 'bk-resend-cancelled',
        source: 'boatsetter',
        revision: 2,
        cancelled_at: '2027-05-01T10:00:00Z',
      }),
      lambdaContext(),
    );
    const result = await resend(eventId, 'isla-moreno');
    expect([result.statusCode, bodyOf(result).error]).toEqual([409, 'cancelled']);
    expect(requested(eventId)).toHaveLength(0);
  });
});
