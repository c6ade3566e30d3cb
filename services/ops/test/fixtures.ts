import {
  eventCatalog,
  type CrewMember,
  type DetailInputOf,
  type DetailOf,
  type DetailType,
  type ServiceDetailType,
} from '@charter/events';
import { bookingInput } from '@charter/local/fixtures';
import { busEnvelope } from '@charter/local/testing';
import type { EventBridgeEvent } from 'aws-lambda';
import { entryFromSesEvent, SesEmailEvent, type SesDetailType } from '../src/domain/ses-event';
import { entryFromBusEvent, isTimelineDetailType, type TimelineEntry } from '../src/domain/timeline';

/** The local stage's roster, as scc puts it on every crew event. */
export const ROSTER: CrewMember[] = [
  { member_id: 'rowan-hale', name: 'Rowan Hale', email: 'captain@crew.example.com', role: 'captain' },
  { member_id: 'isla-moreno', name: 'Isla Moreno', email: 'mate@crew.example.com', role: 'mate' },
  { member_id: 'theo-park', name: 'Theo Park', email: 'deckhand@crew.example.com', role: 'deckhand' },
];

/**
 * Ten minutes ago, to the second: ops never dates an event later than its receipt, and the handlers receive these
 * events now; the few minutes after T0 the tests use are past too, and a step is not late yet (15 minutes).
 */
export const T0 = new Date(Math.floor(Date.now() / 1000) * 1000 - 10 * 60_000);
export const secondsAfter = (seconds: number, from = T0) => new Date(from.getTime() + seconds * 1000);

export type BusEvent = EventBridgeEvent<string, Record<string, unknown>>;

/** A bus event as EventBridge delivers it (time to the second), its source that of the catalog or a partner. */
export function busEvent<T extends DetailType>(
  detailType: T,
  detail: DetailInputOf<T>,
  time: Date,
  source: string = eventCatalog[detailType].source,
): BusEvent {
  return busEnvelope(detailType, detail as Record<string, unknown>, source, time);
}

export const eventIdOf = (bookingId: string) => `evt_${bookingId.replace(/[^A-Za-z0-9_-]/g, '')}00000000`;

/** A partner's booking, with the money and contact details ops must not keep. */
export const booking = (bookingId: string, overrides: Partial<DetailInputOf<'BookingCreated'>> = {}) =>
  bookingInput({ booking_id: bookingId, guest: { name: 'Dana Whitfield', email: 'dana@example.com' }, ...overrides });

const crewEvent = (bookingId: string, revision = 1, version = 1, crew = ROSTER) => ({
  schema_version: 1 as const,
  booking_id: bookingId,
  event_id: eventIdOf(bookingId),
  revision,
  version,
  charter_date: '2027-05-30',
  charter_start: '10:00',
  charter_end: '13:00',
  timezone: 'America/Los_Angeles',
  vessel: 'JADA',
  location: 'Shelter Island, San Diego',
  guest_count: 4,
  crew,
});

export const messageIdOf = (bookingId: string, memberId: string, kind = 'call') =>
  `ses-${bookingId}-${memberId}-${kind}`;

/**
 * A booking's whole happy path as the services publish it, a second or so apart: the partner's BookingCreated, the
 * guest page, the crew event and the calendar entry, the crew call to all three.
 */
export function happyPath(bookingId: string, start = T0, partner = 'boatsetter'): BusEvent[] {
  return [
    busEvent('BookingCreated', booking(bookingId, { source: partner }), start, `partner.${partner}`),
    busEvent(
      'GuestPagePublished',
      {
        schema_version: 1,
        booking_id: bookingId,
        revision: 1,
        slug: 'AbCdEfGhIjKlMnOpQrStUv',
        url: 'https://guests.example.com/g/AbCdEfGhIjKlMnOpQrStUv',
      },
      secondsAfter(1, start),
    ),
    busEvent('EventCreated', crewEvent(bookingId), secondsAfter(1, start)),
    busEvent(
      'CalendarUpdated',
      {
        schema_version: 1,
        booking_id: bookingId,
        revision: 1,
        year: 2027,
        calendar_url: 'https://calendar.example.com/calendar/2027.json',
      },
      secondsAfter(2, start),
    ),
    busEvent(
      'CrewNotified',
      {
        schema_version: 1,
        booking_id: bookingId,
        event_id: eventIdOf(bookingId),
        kind: 'call',
        revision: 1,
        recipients: ROSTER.map((m) => ({
          member_id: m.member_id,
          email: m.email,
          message_id: messageIdOf(bookingId, m.member_id),
        })),
      },
      secondsAfter(3, start),
    ),
  ];
}

/** A dead letter's body as Lambda's onFailure destination (or shared's deadLetter) writes it. */
export function failureRecord(input: { fn: string; event: BusEvent; errorType: string; message: string; at: Date }) {
  return {
    version: '1.0',
    timestamp: input.at.toISOString(),
    requestContext: {
      requestId: 'r-1',
      functionArn: `arn:aws:lambda:us-west-2:000000000000:function:${input.fn}`,
      condition: input.errorType === 'NotOwnerError' ? 'PermanentFailure' : 'RetriesExhausted',
      approximateInvokeCount: 3,
    },
    requestPayload: input.event,
    responsePayload: { errorType: input.errorType, errorMessage: input.message },
  };
}

/** CrewConfirmed or CrewDeclined as scc's crew page publishes it. */
export function crewAnswer(
  bookingId: string,
  memberId: string,
  answer: 'confirmed' | 'declined',
  time: Date,
  reason?: string,
): BusEvent {
  const common = {
    schema_version: 1 as const,
    booking_id: bookingId,
    event_id: eventIdOf(bookingId),
    member_id: memberId,
    revision: 1,
    version: 1,
  };
  return answer === 'confirmed'
    ? busEvent('CrewConfirmed', { ...common, confirmed_at: time.toISOString() }, time)
    : busEvent('CrewDeclined', { ...common, declined_at: time.toISOString(), ...(reason ? { reason } : {}) }, time);
}

/** An SES event of the crew email as SES puts it on the default bus (aws.ses; the detail is SES's event record). */
export function sesEvent(
  detailType: SesDetailType,
  input: { bookingId: string; messageId: string; to: string[]; time: Date; configurationSet?: string },
): BusEvent {
  const stamp = input.time.toISOString();
  const mail = {
    timestamp: stamp,
    source: 'Crew desk <crew-desk@crew.example.com>',
    messageId: input.messageId,
    destination: input.to,
    tags: {
      'ses:configuration-set': [input.configurationSet ?? 'charter-crew-mail-local'],
      booking_id: [input.bookingId],
      kind: ['crew-call'],
    },
  };
  const detail: Record<SesDetailType, Record<string, unknown>> = {
    'Email Bounced': {
      eventType: 'Bounce',
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        bouncedRecipients: input.to.map((emailAddress) => ({
          emailAddress,
          action: 'failed',
          status: '5.1.1',
          diagnosticCode: 'smtp; 550 5.1.1 user unknown',
        })),
        timestamp: stamp,
        feedbackId: `feedback-${input.messageId}`,
      },
    },
    'Email Complaint Received': {
      eventType: 'Complaint',
      complaint: { complainedRecipients: input.to.map((emailAddress) => ({ emailAddress })), timestamp: stamp },
    },
    'Email Rejected': { eventType: 'Reject', reject: { reason: 'Bad content' } },
    'Email Delivered': {
      eventType: 'Delivery',
      delivery: { timestamp: stamp, recipients: input.to, smtpResponse: '250 ok', processingTimeMillis: 500 },
    },
  };
  return busEnvelope(detailType, { ...detail[detailType], mail }, 'aws.ses', input.time);
}

/** What ops keeps of a bus event (the contract's schema applied first, as busHandler does), received when stamped. */
export const entryOf = (event: BusEvent): TimelineEntry => entryReceived(event, new Date(event.time));

/** What ops keeps of a bus event it received at `receivedAt`. */
export function entryReceived(event: BusEvent, receivedAt: Date): TimelineEntry {
  if (event.source === 'aws.ses') {
    const result = entryFromSesEvent(
      event['detail-type'] as SesDetailType,
      event.id,
      SesEmailEvent.parse(event.detail),
    );
    if (result.kind !== 'entry') throw new Error(`no entry for ${event['detail-type']}: ${result.kind}`);
    return result.entry;
  }
  const detailType = event['detail-type'] as DetailType;
  if (!isTimelineDetailType(detailType)) throw new Error(`${detailType} makes no timeline entry`);
  const detail = eventCatalog[detailType].schema.parse(event.detail) as DetailOf<typeof detailType>;
  return entryFromBusEvent(detailType, detail, event, receivedAt);
}

export type { ServiceDetailType };
