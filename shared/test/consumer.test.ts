import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BookingCreatedInput } from '@charter/events';
import type { Context } from 'aws-lambda';
import { createLogger } from '../src/logger';
import {
  EventTooLargeError,
  EventValidationError,
  InvalidEventError,
  NotConfiguredError,
  NotOwnerError,
  PublishError,
} from '../src/errors';
import { busHandler, parseBusEvent } from '../src/consumer';
import { deadLetter } from '../src/dead-letter';

jest.mock('../src/dead-letter', () => ({ deadLetter: jest.fn(() => Promise.resolve()) }));

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

describe('busHandler: what is dead-lettered at once and what Lambda retries', () => {
  const context = { awsRequestId: 'req-1', invokedFunctionArn: 'arn:aws:lambda:us-west-2:0:function:f' } as Context;
  const logger = createLogger('charter-test');
  const handlerThrowing = (error: Error) =>
    busHandler(logger, {
      BookingCreated: () => Promise.reject(error),
    });
  beforeEach(() => jest.mocked(deadLetter).mockClear());
  beforeAll(() => jest.spyOn(logger, 'error').mockImplementation(() => undefined));

  it.each([
    ['an invalid event', new InvalidEventError([{ path: 'detail.x', message: 'bad' }])],
    ['a detail we built that breaks its contract', new EventValidationError('EventCreated', [])],
    ['an entry over 256 KB', new EventTooLargeError(300_000, 262_144)],
    ["another partner's event", new NotOwnerError('xhqgmdh', 'getmyboat', 'boatsetter')],
  ])('dead-letters %s at once and does not throw', async (_name, error) => {
    await expect(handlerThrowing(error)(envelope(booking), context)).resolves.toBeUndefined();
    expect(deadLetter).toHaveBeenCalledWith(expect.objectContaining({ errorType: error.name, reason: error.message }));
  });

  it('dead-letters an event that does not parse, naming the field', async () => {
    const handler = busHandler(logger, { BookingCreated: () => Promise.resolve() });
    await handler(envelope({ ...booking, guest_count: 0 }), context);
    expect(deadLetter).toHaveBeenCalledWith(
      expect.objectContaining({
        errorType: 'InvalidEventError',
        reason: expect.stringContaining('detail.guest_count') as unknown,
      }),
    );
  });

  it.each([
    [
      'a missing setting (the operator fixes the stage, a retry succeeds)',
      new NotConfiguredError('environment variable X'),
    ],
    ['EventBridge throttling that outlasted our retries', new PublishError('ThrottlingException', 'slow down')],
    ['any other fault', new Error('connection reset')],
  ])('throws %s so that Lambda retries it', async (_name, error) => {
    await expect(handlerThrowing(error)(envelope(booking), context)).rejects.toBe(error);
    expect(deadLetter).not.toHaveBeenCalled();
  });
});
