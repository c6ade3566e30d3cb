import { busHandler } from '@charter/shared/consumer';
import { createLogger } from '@charter/shared/logger';
import { publish } from '@charter/shared/publisher';
import { eventCreatedDetail, projectBooking } from '../domain/crew-event';
import { createCrewEvent, rosterForNewEvent } from '../store';

const logger = createLogger('charter-scc');

/**
 * BookingCreated -> the booking's one crew event -> EventCreated. Delivered at least once and
 * maybe concurrently: the store settles every delivery on the same event, and EventCreated is
 * published again on a redelivery (the first attempt may have died before publishing; the
 * notifier is idempotent). The booking itself is never logged: it carries money.
 */
export const handler = busHandler(logger, {
  BookingCreated: async (booking) => {
    const crew = await rosterForNewEvent();
    const { event, created } = await createCrewEvent(projectBooking(booking, crew), 'booking');
    logger.info(created ? 'crew event created' : 'crew event already existed', { crew_event_id: event.event_id });
    await publish('EventCreated', eventCreatedDetail(event));
  },
});
