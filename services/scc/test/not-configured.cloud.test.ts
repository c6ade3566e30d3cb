import type { HttpHandler } from '@charter/shared/http';
import { httpApiEvent, type LocalCloud } from '@charter/local/testing';
import { eventIdFor } from '../src/domain/crew-event';
import { bookingInput } from './fixtures';
import { bookingEnvelope, captureLogs, lambdaContext, startScc } from './harness';

/** A stage whose secrets were never created: every answer is a loud, named 500, never a quiet 401. */
let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startScc({ POWERTOOLS_LOG_LEVEL: 'INFO' });
  cloud.secretsManager.delete({ SecretId: 'charter/local/scc-service-key' });
  cloud.secretsManager.delete({ SecretId: 'charter/local/magic-link-key' });
});
afterAll(() => cloud?.stop());

describe('a missing secret', () => {
  it('answers the operator routes with 500 not_configured and logs an ERROR naming the secret', async () => {
    const { handler } = (await import('../src/handlers/get-event')) as { handler: HttpHandler };
    const logs = captureLogs();
    let result;
    try {
      result = await handler(
        httpApiEvent({
          method: 'GET',
          route: 'GET /events/{event_id}',
          path: '/events/evt_aaaaaaaaaaaaaaaaaaaaaa',
          pathParameters: { event_id: 'evt_aaaaaaaaaaaaaaaaaaaaaa' },
          headers: { 'x-service-key': 'anything' },
        }),
        lambdaContext(),
      );
    } finally {
      logs.restore();
    }
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(String(result.body))).toMatchObject({
      error: 'not_configured',
      message: expect.stringContaining('scc-service-key') as unknown,
    });
    const errors = logs.lines().filter((line) => line.level === 'ERROR');
    expect(errors).toEqual([
      expect.objectContaining({ message: expect.stringContaining('charter/local/scc-service-key') as unknown }),
    ]);
  });

  it('is a 500 even for a request without a key, so a broken stage is not mistaken for a bad caller', async () => {
    const { handler } = (await import('../src/handlers/put-crew')) as { handler: HttpHandler };
    const logs = captureLogs();
    let result;
    try {
      result = await handler(
        httpApiEvent({ method: 'PUT', route: 'PUT /crew', path: '/crew', body: '{}' }),
        lambdaContext(),
      );
    } finally {
      logs.restore();
    }
    expect(result.statusCode).toBe(500);
    expect((JSON.parse(String(result.body)) as { error: string }).error).toBe('not_configured');
  });

  it('answers the crew page with a 500 page and logs an ERROR naming the magic-link key', async () => {
    const { handler: onBookingEvent } = await import('../src/handlers/on-booking-event');
    const { handler } = (await import('../src/handlers/crew-page')) as { handler: HttpHandler };
    const logs = captureLogs();
    let result;
    try {
      await onBookingEvent(bookingEnvelope(bookingInput({ booking_id: 'nc-page' })), lambdaContext());
      const eventId = eventIdFor('nc-page');
      result = await handler(
        httpApiEvent({
          method: 'GET',
          route: 'GET /crew/{event_id}',
          path: `/crew/${eventId}`,
          pathParameters: { event_id: eventId },
          query: { token: 'isla-moreno.1900000000.' + 'A'.repeat(43) },
        }),
        lambdaContext(),
      );
    } finally {
      logs.restore();
    }
    expect(result.statusCode).toBe(500);
    expect(result.headers?.['content-type']).toContain('text/html');
    expect(String(result.body)).toContain('Something went wrong on our side');
    expect(String(result.body)).not.toContain('magic-link-key');
    const errors = logs.lines().filter((line) => line.level === 'ERROR');
    expect(errors).toEqual([
      expect.objectContaining({ message: expect.stringContaining('charter/local/magic-link-key') as unknown }),
    ]);
  });
});
