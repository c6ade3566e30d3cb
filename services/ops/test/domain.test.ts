import { parseDeadLetter, serviceOfQueue, whatToDoWith } from '../src/domain/dead-letters';
import {
  UNKNOWN_PARTNER,
  refusalBucket,
  refusedLastDay,
  silenceOf,
  silentPartnerAlert,
  staleHours,
  type PartnerState,
} from '../src/domain/partners';
import { DateRange, monthsOf } from '../src/domain/range';
import { SesEmailEvent, entryFromSesEvent } from '../src/domain/ses-event';
import { sesEvent, secondsAfter } from './fixtures';

describe('the date range', () => {
  it('takes every month it touches, across a year', () => {
    expect(monthsOf(DateRange.parse({ from: '2027-12-28', to: '2028-02-02' }))).toEqual([
      '2027-12',
      '2028-01',
      '2028-02',
    ]);
    expect(monthsOf(DateRange.parse({ from: '2027-06-01', to: '2027-06-01' }))).toEqual(['2027-06']);
  });

  it('accepts 93 days and refuses 94', () => {
    expect(DateRange.safeParse({ from: '2027-01-01', to: '2027-04-03' }).success).toBe(true);
    expect(DateRange.safeParse({ from: '2027-01-01', to: '2027-04-04' }).error?.issues[0]?.message).toBe(
      'must be at most 93 days after from (the range is 94 days)',
    );
  });
});

describe("SES's email events", () => {
  const input = { bookingId: 'xhqgmdh', messageId: 'm-1', to: ['Mate@Crew.example.com'], time: secondsAfter(5) };
  const read = (event: ReturnType<typeof sesEvent>) =>
    entryFromSesEvent(event['detail-type'] as 'Email Bounced', event.id, SesEmailEvent.parse(event.detail));

  it('reads a complaint and a rejection, addresses in lower case', () => {
    const complaint = read(sesEvent('Email Complaint Received', input));
    expect(complaint).toMatchObject({
      kind: 'entry',
      entry: { facts: { outcome: 'complained', recipients: ['mate@crew.example.com'] } },
    });
    const rejected = read(sesEvent('Email Rejected', input));
    expect(rejected).toMatchObject({ kind: 'entry', entry: { facts: { outcome: 'rejected', detail: 'Bad content' } } });
  });

  it('refuses a detail-type that does not match its eventType, and leaves untagged mail alone', () => {
    const event = sesEvent('Email Delivered', input);
    expect(entryFromSesEvent('Email Bounced', event.id, SesEmailEvent.parse(event.detail))).toEqual({
      kind: 'invalid',
      reason: 'detail-type Email Bounced carries eventType Delivery',
    });
    const untagged = SesEmailEvent.parse({ ...event.detail, mail: { ...(event.detail.mail as object), tags: {} } });
    expect(entryFromSesEvent('Email Delivered', event.id, untagged)).toEqual({ kind: 'untagged' });
  });
});

describe('dead letters', () => {
  it('names the service from the queue, and lists a message that is not a failure record', () => {
    expect(serviceOfQueue('charter-guest-pages-dlq-prod')).toBe('guest-pages');
    const sent = { SentTimestamp: String(Date.parse('2027-01-01T00:00:00.000Z')) };
    expect(parseDeadLetter('charter-scc-dlq-local', 'm-1', { Body: 'not json', Attributes: sent })).toMatchObject({
      service: 'scc',
      error_type: 'Unreadable',
      failed_at: '2027-01-01T00:00:00.000Z',
    });
    // An event with no TARGET_ARN attribute: not EventBridge's dead letter either (and not a failure of the list).
    const bare = JSON.stringify({
      id: 'e-1',
      source: 'partner.boatsetter',
      'detail-type': 'BookingCreated',
      detail: {},
    });
    expect(parseDeadLetter('charter-scc-dlq-local', 'm-2', { Body: bare }).error_type).toBe('Unreadable');
  });

  it("reads the event EventBridge could not deliver to a rule's target, with its reasons in message attributes", () => {
    const attribute = (StringValue: string) => ({ DataType: 'String', StringValue });
    const letter = parseDeadLetter('charter-scc-dlq-prod', 'm-3', {
      Body: JSON.stringify({
        version: '0',
        id: 'e-9',
        'detail-type': 'BookingCreated',
        source: 'partner.boatsetter',
        time: '2027-01-01T00:00:00Z',
        detail: { schema_version: 1, booking_id: 'xhqgmdh', revision: 2 },
      }),
      Attributes: { SentTimestamp: String(Date.parse('2027-01-02T03:04:05.000Z')) },
      MessageAttributes: {
        RULE_ARN: attribute('arn:aws:events:us-west-2:1:rule/charter-bookings-prod/scc-booking'),
        TARGET_ARN: attribute('arn:aws:lambda:us-west-2:1:function:charter-scc-prod-onBookingEvent'),
        ERROR_CODE: attribute('THROTTLING'),
        ERROR_MESSAGE: attribute('Rate Exceeded.'),
        EXHAUSTED_RETRY_CONDITION: attribute('MaximumRetryAttempts'),
      },
    });
    expect(letter).toEqual({
      service: 'scc',
      queue: 'charter-scc-dlq-prod',
      message_id: 'm-3',
      function_name: 'charter-scc-prod-onBookingEvent',
      booking_id: 'xhqgmdh',
      failed_at: '2027-01-02T03:04:05.000Z',
      condition: 'MaximumRetryAttempts',
      error_type: 'THROTTLING',
      reason: 'Rate Exceeded.',
      event: { id: 'e-9', detail_type: 'BookingCreated', source: 'partner.boatsetter', revision: 2 },
    });
  });

  it('recognises a not_owner refusal and the partner refused', () => {
    const letter = parseDeadLetter('charter-calendar-dlq-local', 'm-2', {
      Body: JSON.stringify({
        timestamp: '2027-01-01T00:00:00.000Z',
        requestContext: {
          functionArn: 'arn:aws:lambda:us-west-2:1:function:charter-calendar-local-fn',
          condition: 'PermanentFailure',
        },
        requestPayload: {
          id: 'e-1',
          source: 'partner.getmyboat',
          'detail-type': 'BookingUpdated',
          detail: { booking_id: 'b-123', revision: 4 },
        },
        responsePayload: { errorType: 'NotOwnerError', errorMessage: 'not_owner: booking b-123 belongs to boatsetter' },
      }),
    });
    expect(letter).toMatchObject({
      function_name: 'charter-calendar-local-fn',
      booking_id: 'b-123',
      code: 'not_owner',
      refused_partner: 'getmyboat',
      event: { id: 'e-1', detail_type: 'BookingUpdated', revision: 4 },
    });
  });
});

describe('what to do with a dead letter', () => {
  const letter = (error_type: string, source: string) => ({
    queue: 'charter-scc-dlq-prod',
    error_type,
    event: { id: 'e-1', detail_type: 'BookingUpdated', source },
  });

  it("asks the partner for a correction when a replay would be refused again (its event is what's wrong)", () => {
    for (const type of ['InvalidEventError', 'RevisionConflictError']) {
      expect(whatToDoWith(letter(type, 'partner.getmyboat'))).toBe(
        'Nothing to replay (it would be refused again): ask getmyboat to send the booking corrected, as a ' +
          'BookingUpdated with a higher revision.',
      );
    }
  });

  it('says to replay what a fix or time cures: a throttle, our own bug', () => {
    for (const type of ['THROTTLING', 'EventValidationError', 'Error']) {
      expect(whatToDoWith(letter(type, 'partner.getmyboat'))).toContain('npm run dlq -- --stage prod redrive');
    }
  });
});

describe('partner silence', () => {
  const hours = { boatsetter: 48, direct: 0, '*': 72 };
  const state = (partner: string, at?: string): PartnerState => ({
    partner,
    ...(at ? { last_accepted: { at, event_id: 'e', booking_id: 'b', detail_type: 'BookingCreated' } } : {}),
  });
  const now = new Date('2027-01-04T00:00:00.000Z');

  it('watches a partner that published, against its own limit or the default', () => {
    expect(silenceOf(state('boatsetter', '2027-01-02T01:00:00.000Z'), hours, now)).toMatchObject({
      kind: 'publishing',
    });
    expect(silenceOf(state('boatsetter', '2027-01-01T23:00:00.000Z'), hours, now)).toMatchObject({
      kind: 'silent',
      limit_hours: 48,
      quiet_hours: 49,
    });
    expect(silenceOf(state('sailo', '2027-01-01T23:00:00.000Z'), hours, now)).toMatchObject({ kind: 'publishing' });
  });

  it('does not watch a partner with no limit or one that never published', () => {
    expect(silenceOf(state('direct', '2026-01-01T00:00:00.000Z'), hours, now)).toEqual({ kind: 'not_watched' });
    expect(silenceOf(state('boatsetter'), hours, now)).toEqual({ kind: 'not_watched' });
  });

  it('raises one alert per silence: the same id at every tick until the partner publishes again', () => {
    const quiet = state('boatsetter', '2027-01-01T00:00:00.000Z');
    const at = (t: string) => {
      const silence = silenceOf(quiet, hours, new Date(t));
      if (silence.kind !== 'silent') throw new Error('expected a silence');
      return silentPartnerAlert(quiet, silence, new Date(t), 'https://ops.example.com/console').id;
    };
    expect(at('2027-01-03T01:00:00.000Z')).toBe(at('2027-01-05T00:00:00.000Z'));
  });
});

describe('refusal counts', () => {
  it('counts every name no partner has under one row, and a partner its own refusals', () => {
    expect(refusalBucket('p12345', 'unknown_partner')).toBe(UNKNOWN_PARTNER);
    expect(refusalBucket('boatsetter', 'bad_signature')).toBe('boatsetter');
    expect(refusalBucket('getmyboat', 'not_owner')).toBe('getmyboat');
  });

  it("reads the last day from the row's hourly counts, and names the older hours to forget", () => {
    const now = new Date('2027-03-02T10:30:00Z');
    const hours = { '2027-03-01T09': 4, '2027-03-01T10': 2, '2027-03-02T00': 3, '2027-03-02T10': 1 };
    expect(refusedLastDay(hours, now)).toBe(6);
    expect(staleHours(hours, now)).toEqual(['2027-03-01T09']);
    expect(refusedLastDay(undefined, now)).toBe(0);
  });
});
