import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BookingCreatedInput } from '@charter/events';
import { InvalidEventError } from '../src/errors';
import { parseBusEvent } from '../src/consumer';

const booking = JSON.parse(
  readFileSync(join(__dirname, '../../events/samples/boatsetter-xhqgmdh.json'), 'utf8'),
) as BookingCreatedInput;
const envelope = (detail: unknown, detailType = 'BookingCreated') => ({
  version: '0',
  id: '6c0928d2-e7d1-4597-958b-e6968c5ff6b3',
  'detail-type': detailType,
  source: 'partner.boatsetter',
  account: '000000000000',
  time: '2026-11-26T01:00:00Z',
  region: 'us-west-2',
  resources: [],
  detail,
});

describe('parseBusEvent', () => {
  it('returns the typed detail with defaults applied', () => {
    const { timezone, ...withoutZone } = booking;
    const { detail, envelope: parsed } = parseBusEvent('BookingCreated', envelope(withoutZone));
    expect(detail.timezone).toBe('America/Los_Angeles');
    expect(parsed.source).toBe('partner.boatsetter');
  });

  it('names the bad field as detail.<path> and keeps the booking id for the log', () => {
    expect(() => parseBusEvent('BookingCreated', envelope({ ...booking, guest_count: 0 }))).toThrow(InvalidEventError);
    try {
      parseBusEvent('BookingCreated', envelope({ ...booking, guest_count: 0 }));
    } catch (error) {
      expect((error as InvalidEventError).fields).toEqual([
        { path: 'detail.guest_count', message: 'must be at least 1' },
      ]);
      expect((error as InvalidEventError).bookingId).toBe('xhqgmdh');
    }
  });

  it('refuses an envelope whose detail-type is not the one expected', () => {
    expect(() => parseBusEvent('EventCreated', envelope(booking))).toThrow(/detail-type/);
  });
});
