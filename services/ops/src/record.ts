import type { DetailOf, DetailType } from '@charter/events';
import { refusalBucket, refusalFromIntake } from './domain/partners';
import { entryFromBusEvent, isPartnerSource, isTimelineDetailType, serviceOf, type Envelope } from './domain/timeline';
import { recordAccepted, recordRefusal } from './store/partners';
import { recordBookingDate, recordEntry } from './store/timeline';

export type Recorded =
  { kind: 'entry'; booking_id: string } | { kind: 'refusal'; partner: string } | { kind: 'ignored'; reason: string };

/**
 * One bus event, received at `receivedAt`, into the read model. Every write is idempotent and order-free: the entry
 * is keyed by its event id, the partner's head and last accepted event only move forward. A booking event costs three
 * writes (entry, head, partner), any other event one, a refusal two (a
 * made-up partner's three: its name is kept too).
 */
export async function recordBusEvent<T extends DetailType>(
  detailType: T,
  detail: DetailOf<T>,
  envelope: Envelope,
  receivedAt: Date,
): Promise<Recorded> {
  if (detailType === 'PartnerRequestRefused') {
    const refused = detail as DetailOf<'PartnerRequestRefused'>;
    const bucket = refusalBucket(refused.partner, refused.reason);
    await recordRefusal({ bucket, name: refused.partner, refusal: refusalFromIntake(refused, envelope.id) });
    return { kind: 'refusal', partner: bucket };
  }
  if (!isTimelineDetailType(detailType)) return { kind: 'ignored', reason: `${detailType} has no timeline entry` };
  const entry = entryFromBusEvent(
    detailType,
    detail as DetailOf<typeof detailType> & { booking_id: string },
    envelope,
    receivedAt,
  );
  await recordEntry(entry);
  if (isPartnerSource(envelope.source)) {
    const partner = serviceOf(envelope.source);
    const accepted = { at: entry.at, event_id: entry.id, booking_id: entry.booking_id, detail_type: detailType };
    await recordAccepted(partner, accepted);
    if (entry.kind === 'BookingCreated' || entry.kind === 'BookingUpdated')
      await recordBookingDate(entry.booking_id, partner, entry.revision ?? 1, entry.facts.charter_date);
  }
  return { kind: 'entry', booking_id: entry.booking_id };
}
