import { PartnerRequestRefused } from '@charter/events';
import { HttpError, NotConfiguredError, ValidationError, badRequest, payloadTooLarge } from '@charter/shared/errors';
import { refusalDetail, SignatureRefused } from '../src/domain/refusal';

const at = new Date('2027-06-01T17:00:00Z');
const update: Parameters<typeof refusalDetail>[1] = {
  route: 'PUT /partners/{partner}/bookings/{booking_id}',
  partner: 'boatsetter',
  bookingId: 'xhqgmdh',
  at,
};

describe('refusalDetail: what ops hears of a refused partner request', () => {
  it.each([
    [new SignatureRefused({ ok: false, refusal: 'stale_timestamp', reason: 'old' }), 'stale_timestamp', 401],
    [new SignatureRefused({ ok: false, refusal: 'unknown_partner', reason: 'who' }), 'unknown_partner', 404],
    [badRequest('not JSON', 'bad_json'), 'bad_json', 400],
    [payloadTooLarge('too big'), 'payload_too_large', 413],
  ] as const)('reports %p as %s with its status', (error, reason, status) => {
    const detail = refusalDetail(error, update);
    expect(detail).toEqual({
      schema_version: 1,
      partner: 'boatsetter',
      reason,
      status,
      at: '2027-06-01T17:00:00.000Z',
      route: 'update',
      booking_id: 'xhqgmdh',
    });
    expect(PartnerRequestRefused.safeParse(detail).success).toBe(true);
  });

  it('names the invalid fields, each once, and nothing of their values', () => {
    const error = new ValidationError(
      [
        { path: 'guest.email', message: 'dana@example.com is not an email' },
        { path: 'guest.email', message: 'again' },
        { path: 'revision', message: 'must be at least 1' },
      ],
      'invalid_booking',
    );
    const detail = refusalDetail(error, update);
    expect(detail).toMatchObject({ reason: 'invalid', status: 422, fields: ['guest.email', 'revision'] });
    expect(JSON.stringify(detail)).not.toContain('dana');
  });

  it.each([
    ['a 409 (the partner retried the same revision)', new HttpError(409, 'revision_conflict', 'x')],
    ['a fault of ours', new Error('boom')],
    ['a missing setting', new NotConfiguredError('secret x')],
  ])('reports nothing for %s', (_, error) => {
    expect(refusalDetail(error, update)).toBeUndefined();
  });

  it('cannot name a partner that is no partner name, and leaves out a path booking id outside the pattern', () => {
    const error = payloadTooLarge('too big');
    const request = update;
    expect(refusalDetail(error, { ...request, partner: 'Not A Partner' })).toBeUndefined();
    expect(refusalDetail(error, { ...request, bookingId: 'x' })).not.toHaveProperty('booking_id');
  });
});
