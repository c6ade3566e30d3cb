import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  BookingCancelled,
  BookingCreated,
  BookingUpdated,
  EventCancelled,
  EventCreated,
  EventUpdated,
  detailTypes,
  jsonSchemaFileName,
  jsonSchemaText,
} from '../src';

const schemasDir = join(__dirname, '..', 'schemas');
const samplesDir = join(__dirname, '..', 'samples');
const sample = (name: string) => JSON.parse(readFileSync(join(samplesDir, name), 'utf8')) as Record<string, unknown>;
const firstIssue = (input: unknown) => {
  const result = BookingCreated.safeParse(input);
  if (result.success) throw new Error('expected the booking to be refused');
  return result.error.issues[0]!;
};

describe('events/schemas', () => {
  it.each(detailTypes)('the checked-in JSON Schema for %s is what `npm run schemas` generates', (detailType) => {
    const onDisk = readFileSync(join(schemasDir, jsonSchemaFileName(detailType)), 'utf8');
    expect(onDisk).toBe(jsonSchemaText(detailType));
  });

  it('has a file for every detail-type and nothing else', () => {
    expect(readdirSync(schemasDir).sort()).toEqual(detailTypes.map(jsonSchemaFileName).sort());
  });
});

describe('BookingCreated v1', () => {
  const valid = sample('boatsetter-xhqgmdh.json');

  it.each(readdirSync(samplesDir).filter((name) => name.endsWith('.json')))('accepts the sample %s', (name) => {
    expect(BookingCreated.safeParse(sample(name)).success).toBe(true);
  });

  it('defaults the timezone and currency a partner leaves out', () => {
    const { timezone, currency, ...rest } = valid;
    const parsed = BookingCreated.parse(rest);
    expect(parsed.timezone).toBe('America/Los_Angeles');
    expect(parsed.currency).toBe('USD');
  });

  it.each([
    ['charter_date', { charter_date: '2027-02-30' }, 'real date'],
    ['charter_date', { charter_date: '30/05/2024' }, 'real date'],
    ['charter_end', { charter_start: '13:00', charter_end: '10:00' }, 'after charter_start'],
    ['charter_end', { charter_start: '10:00', charter_end: '10:00' }, 'after charter_start'],
    ['charter_start', { charter_start: '24:00' }, 'HH:MM'],
    ['timezone', { timezone: 'Mars/Olympus_Mons' }, 'IANA'],
    ['timezone', { timezone: '+05:00' }, 'IANA'],
    ['guest_count', { guest_count: 0 }, 'at least 1'],
    ['guest_count', { guest_count: 151 }, 'at most 150'],
    ['guest_count', { guest_count: 2.5 }, 'whole number'],
    ['booking_id', { booking_id: '../etc' }, 'A-Z'],
    ['booking_id', { booking_id: 'ab' }, 'A-Z'],
    ['revenue_cents', { revenue_cents: -1 }, 'negative'],
    ['currency', { currency: 'usd' }, 'ISO 4217'],
    ['notes', { notes: 'x'.repeat(4001) }, '4000'],
    ['guest.email', { guest: { name: 'A', email: 'not-an-email' } }, 'email'],
    ['schema_version', { schema_version: 2 }, ''],
  ])('refuses a bad %s, naming the field', (field, change, words) => {
    const issue = firstIssue({ ...valid, ...change });
    expect(issue.path.join('.')).toBe(field);
    expect(issue.message).toContain(words);
  });

  it('names a missing required field', () => {
    const { vessel, ...rest } = valid;
    expect(firstIssue(rest).path).toEqual(['vessel']);
  });
});

describe('EventCreated', () => {
  it('refuses money fields, so they cannot reach crew through the bus', () => {
    const detail = {
      schema_version: 1,
      booking_id: 'xhqgmdh',
      event_id: 'evt_0123456789ab',
      charter_date: '2024-05-30',
      charter_start: '10:00',
      charter_end: '13:00',
      timezone: 'America/Los_Angeles',
      vessel: 'JADA',
      location: 'Shelter Island, San Diego',
      guest_count: 4,
      crew: [{ member_id: 'rowan', name: 'Rowan Hale', email: 'captain@crew.example.com', role: 'captain' }],
    };
    expect(EventCreated.safeParse(detail).success).toBe(true);
    const withMoney = EventCreated.safeParse({ ...detail, revenue_cents: 145000 });
    expect(withMoney.success).toBe(false);
  });
});

describe('the booking lifecycle (v2)', () => {
  const created = sample('getmyboat-gmb88213.json');
  const updated = sample('lifecycle/getmyboat-gmb88213-updated.json');
  const cancelled = sample('lifecycle/getmyboat-gmb88213-cancelled.json');

  it('gives a BookingCreated without a revision revision 1', () => {
    expect(BookingCreated.parse(created).revision).toBe(1);
  });

  it('accepts the reschedule sample as BookingUpdated and the cancellation as BookingCancelled', () => {
    expect(BookingUpdated.parse(updated)).toMatchObject({ revision: 2, charter_date: '2027-03-03', guest_count: 4 });
    expect(BookingCancelled.parse(cancelled)).toMatchObject({ revision: 3, cancelled_by: 'weather' });
  });

  it('requires a revision on BookingUpdated, and a whole booking', () => {
    const { revision, ...withoutRevision } = updated;
    expect(revision).toBe(2);
    expect(BookingUpdated.safeParse(withoutRevision).success).toBe(false);
    const { vessel, ...partial } = updated;
    expect(vessel).toBe('JADA');
    expect(BookingUpdated.safeParse(partial).error?.issues[0]?.path).toEqual(['vessel']);
  });

  it.each([
    ['revision', { revision: 0 }],
    ['cancelled_at', { cancelled_at: '2027-03-01' }],
    ['cancelled_by', { cancelled_by: 'pirates' }],
    ['reason', { reason: 'r'.repeat(501) }],
  ])('refuses a cancellation with a bad %s', (field, change) => {
    expect(BookingCancelled.safeParse({ ...cancelled, ...change }).error?.issues[0]?.path).toEqual([field]);
  });

  it('keeps money and crew-unsafe fields out of EventUpdated and EventCancelled', () => {
    const event = {
      schema_version: 1,
      booking_id: 'GMB-88213',
      event_id: 'evt_0123456789ab',
      revision: 2,
      version: 3,
      charter_date: '2027-03-03',
      charter_start: '09:00',
      charter_end: '12:30',
      timezone: 'America/Los_Angeles',
      vessel: 'JADA',
      location: 'Harbor Island West Marina',
      guest_count: 4,
      crew: [{ member_id: 'rowan', name: 'Rowan Hale', email: 'captain@crew.example.com', role: 'captain' }],
    };
    const update = {
      ...event,
      cause: 'booking',
      changes: [{ field: 'charter_date', from: '2027-03-02', to: '2027-03-03' }],
      crew_added: [],
      crew_removed: [],
      confirmations_cleared: true,
    };
    expect(EventUpdated.safeParse(update).success).toBe(true);
    expect(EventUpdated.safeParse({ ...update, revenue_cents: 96000 }).success).toBe(false);
    expect(EventUpdated.safeParse({ ...update, changes: [{ field: 'revenue_cents', from: 1, to: 2 }] }).success).toBe(
      false,
    );
    const cancel = { ...event, revision: 3, cancelled_at: '2027-03-01T16:05:00Z', cancelled_by: 'weather' };
    expect(EventCancelled.safeParse(cancel).success).toBe(true);
    expect(EventCancelled.safeParse({ ...cancel, guest: { name: 'Priya' } }).success).toBe(false);
  });
});
