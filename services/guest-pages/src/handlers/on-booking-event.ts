import type { BookingCreated, BookingUpdated } from '@charter/events';
import { assertApplicable, bookingEventRef } from '@charter/shared/booking-revision';
import { busHandler, type BusEnvelope } from '@charter/shared/consumer';
import { createLogger } from '@charter/shared/logger';
import { checkPublishingSettings } from '../config';
import { pageFactsOf, redactionEntries } from '../domain/page-state';
import { newSlug } from '../domain/slug';
import { publishPageFromHead } from '../publish-page';
import { applyToGuestPage, type PageChange } from '../store';

const logger = createLogger('charter-guest-pages');

/**
 * BookingCreated, BookingUpdated, BookingCancelled -> the booking's item (ownership, revision, cancellation in one
 * conditional write) -> its page at g/<slug>.html, rendered from the item -> GuestPagePublished. A redelivery repeats
 * the page and the event (the first attempt may have died halfway); an older revision, or anything after the
 * cancellation, changes nothing; another partner's event is dead-lettered as not_owner.
 */
async function onBookingEvent(
  envelope: BusEnvelope,
  detail: { booking_id: string; source: string; revision: number },
  change: PageChange,
): Promise<void> {
  const ref = bookingEventRef(envelope, detail, change.kind === 'cancelled');
  checkPublishingSettings();
  const outcome = await applyToGuestPage(detail.booking_id, ref, change);
  assertApplicable(outcome, detail.booking_id, ref.owner);
  if (outcome.kind === 'stale' || outcome.kind === 'cancelled') {
    // The head is newer than this event, and its page is put again (the same bytes): a put of an older page whose
    // answer was lost, retried by the SDK after a newer page had landed, may have left the older one behind; this
    // event is then that invocation's retry. Nothing is announced: the head's GuestPagePublished went out already.
    const repaired = await publishPageFromHead(detail.booking_id, undefined, { announce: false });
    logger.info('booking event ignored; the page of the head put again', {
      reason: outcome.kind,
      revision: detail.revision,
      page: repaired.kind,
    });
    return;
  }
  const publication = await publishPageFromHead(
    detail.booking_id,
    outcome.kind === 'applied' ? outcome.item : undefined,
  );
  if (publication.kind === 'published') {
    logger.info('guest page published', { outcome: outcome.kind, ...publication });
  } else if (publication.kind === 'tombstone') {
    logger.info('cancelled before any page: tombstone kept, no page made', { revision: detail.revision });
  } else {
    logger.warn('the item predates v2 and holds no page facts; a BookingCreated replay or a change re-renders it');
  }
}

const liveChange = (booking: BookingCreated | BookingUpdated): PageChange => ({
  kind: 'live',
  facts: pageFactsOf(booking),
  candidateSlug: newSlug(),
  redaction: redactionEntries(booking),
});

export const handler = busHandler(logger, {
  BookingCreated: (booking, envelope) => onBookingEvent(envelope, booking, liveChange(booking)),
  BookingUpdated: (booking, envelope) => onBookingEvent(envelope, booking, liveChange(booking)),
  BookingCancelled: (cancellation, envelope) =>
    onBookingEvent(envelope, cancellation, { kind: 'cancelled', at: cancellation.cancelled_at }),
});
