import { PartnerRequestRefused, eventCatalog, jsonSchemaFor } from '../src';

const refusal = {
  schema_version: 1,
  partner: 'getmyboat',
  reason: 'stale_timestamp',
  status: 401,
  at: '2027-03-01T16:05:00Z',
  route: 'update',
  booking_id: 'gmb88213',
};

describe('PartnerRequestRefused', () => {
  it('is published by the bus service with source charter.bus', () => {
    expect(eventCatalog.PartnerRequestRefused.source).toBe('charter.bus');
  });

  it('accepts a refusal with and without the booking id of the path', () => {
    expect(PartnerRequestRefused.safeParse(refusal).success).toBe(true);
    const { booking_id: _, ...create } = { ...refusal, route: 'create', reason: 'invalid', fields: ['charter_end'] };
    expect(PartnerRequestRefused.safeParse(create).success).toBe(true);
  });

  it.each([['body'], ['signature'], ['headers'], ['secret']])(
    'refuses a detail carrying %s, so nothing a partner sent can travel on the bus',
    (field) => {
      const result = PartnerRequestRefused.safeParse({ ...refusal, [field]: 't=1,v1=abc' });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.code).toBe('unrecognized_keys');
    },
  );

  it.each([
    ['reason', { reason: 'not_owner' }],
    ['status', { status: 500 }],
    ['partner', { partner: '../Evil' }],
    ['at', { at: 'yesterday' }],
  ])('refuses a bad %s', (field, change) => {
    const result = PartnerRequestRefused.safeParse({ ...refusal, ...change });
    expect(result.error?.issues[0]?.path).toEqual([field]);
  });

  it('has a closed JSON Schema (additionalProperties false)', () => {
    expect(jsonSchemaFor('PartnerRequestRefused')).toMatchObject({ additionalProperties: false });
  });
});
