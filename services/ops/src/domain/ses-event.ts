import { BookingId } from '@charter/events';
import * as z from '@charter/events/zod';
import { instant, type EmailFacts, type EmailOutcome, type EntryOf } from './timeline';

/**
 * The SES events of the crew email, as SES publishes them to EventBridge through the configuration set's event
 * destination: source `aws.ses`, on the account's default bus, one detail-type per event type
 * (https://docs.aws.amazon.com/ses/latest/dg/monitoring-eventbridge.html and
 * https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-ses.html). The detail is the event record SES
 * publishes to every destination: `eventType`, `mail` (with `messageId`, `destination` and the message's `tags`, each
 * a list, among them `ses:configuration-set`) and one object named for the type
 * (https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-contents.html). Only what ops reads is
 * declared; the rest is ignored.
 */
export const SES_DETAIL_TYPES = {
  'Email Bounced': 'Bounce',
  'Email Complaint Received': 'Complaint',
  'Email Rejected': 'Reject',
  'Email Delivered': 'Delivery',
} as const;
export type SesDetailType = keyof typeof SES_DETAIL_TYPES;

const Address = z.string().check(z.minLength(3));
const Recipient = z.object({
  emailAddress: Address,
  status: z.optional(z.string()),
  diagnosticCode: z.optional(z.string()),
});

export const SesEmailEvent = z.object({
  eventType: z.enum(['Bounce', 'Complaint', 'Reject', 'Delivery']),
  mail: z.object({
    timestamp: z.iso.datetime({ offset: true }),
    messageId: z.string().check(z.minLength(1)),
    destination: z.array(Address),
    tags: z._default(z.record(z.string(), z.array(z.string())), {}),
  }),
  bounce: z.optional(
    z.object({
      bounceType: z.string(),
      bounceSubType: z.optional(z.string()),
      bouncedRecipients: z.array(Recipient).check(z.minLength(1)),
      timestamp: z.iso.datetime({ offset: true }),
    }),
  ),
  complaint: z.optional(
    z.object({
      complainedRecipients: z.array(Recipient).check(z.minLength(1)),
      complaintFeedbackType: z.optional(z.string()),
      timestamp: z.iso.datetime({ offset: true }),
    }),
  ),
  delivery: z.optional(
    z.object({ recipients: z.array(Address).check(z.minLength(1)), timestamp: z.iso.datetime({ offset: true }) }),
  ),
  reject: z.optional(z.object({ reason: z.string() })),
});
export type SesEmailEvent = z.infer<typeof SesEmailEvent>;

/** The SES event's tag, when the crew email set it (notifications tags each message with its booking_id and kind). */
const tag = (event: SesEmailEvent, name: string) => event.mail.tags[name]?.[0];

export type SesEntryResult =
  | { kind: 'entry'; entry: EntryOf<'Email'> }
  /** Not one of ours to put on a timeline: no booking_id tag (or not a booking id). */
  | { kind: 'untagged' }
  | { kind: 'invalid'; reason: string };

const OUTCOME: Record<SesEmailEvent['eventType'], EmailOutcome> = {
  Bounce: 'bounced',
  Complaint: 'complained',
  Reject: 'rejected',
  Delivery: 'delivered',
};

/** What happened and to whom, from the object named for the event type. */
function outcomeOf(event: SesEmailEvent): { at: string; recipients: string[]; detail?: string } | undefined {
  switch (event.eventType) {
    case 'Bounce': {
      const b = event.bounce;
      if (!b) return undefined;
      const why = b.bouncedRecipients.map((r) => r.diagnosticCode ?? r.status).find(Boolean);
      const type = [b.bounceType, b.bounceSubType].filter(Boolean).join('/');
      return {
        at: b.timestamp,
        recipients: b.bouncedRecipients.map((r) => r.emailAddress),
        detail: why ? `${type}: ${why}` : type,
      };
    }
    case 'Complaint': {
      const c = event.complaint;
      if (!c) return undefined;
      return {
        at: c.timestamp,
        recipients: c.complainedRecipients.map((r) => r.emailAddress),
        ...(c.complaintFeedbackType ? { detail: c.complaintFeedbackType } : {}),
      };
    }
    case 'Reject':
      // A rejection names no recipient: SES refused the whole message.
      return {
        at: event.mail.timestamp,
        recipients: event.mail.destination,
        ...(event.reject ? { detail: event.reject.reason } : {}),
      };
    case 'Delivery':
      return event.delivery && { at: event.delivery.timestamp, recipients: event.delivery.recipients };
  }
}

/** The timeline entry of one SES event, keyed by the EventBridge event id. */
export function entryFromSesEvent(detailType: SesDetailType, envelopeId: string, event: SesEmailEvent): SesEntryResult {
  if (SES_DETAIL_TYPES[detailType] !== event.eventType) {
    return { kind: 'invalid', reason: `detail-type ${detailType} carries eventType ${event.eventType}` };
  }
  const bookingId = BookingId.safeParse(tag(event, 'booking_id'));
  if (!bookingId.success) return { kind: 'untagged' };
  const outcome = outcomeOf(event);
  if (!outcome) return { kind: 'invalid', reason: `${event.eventType} event without its ${event.eventType} object` };
  const tagKind = tag(event, 'kind');
  const facts: EmailFacts = {
    message_id: event.mail.messageId,
    outcome: OUTCOME[event.eventType],
    recipients: outcome.recipients.map((r) => r.toLowerCase()),
    ...(tagKind ? { tag_kind: tagKind } : {}),
    ...(outcome.detail ? { detail: outcome.detail } : {}),
  };
  return {
    kind: 'entry',
    entry: {
      id: envelopeId,
      booking_id: bookingId.data,
      at: instant(outcome.at),
      service: 'ses',
      kind: 'Email',
      facts,
    },
  };
}
