import type { DetailOf, DetailType } from '@charter/events';
import type { BusEnvelope } from '@charter/shared/consumer';
import { busHandler } from '@charter/shared/consumer';
import { createLogger } from '@charter/shared/logger';
import { recordBusEvent } from '../record';

const logger = createLogger('charter-ops');

/** Every detail-type is recorded the same way; the envelope's id, source and time make the entry. */
const record =
  <T extends DetailType>(detailType: T) =>
  async (detail: DetailOf<T>, envelope: BusEnvelope): Promise<void> => {
    const recorded = await recordBusEvent(detailType, detail, envelope, new Date());
    logger.info('recorded', { ...recorded });
  };

/**
 * Every booking and service event on the bus, into the read model. It only listens: a fault here is retried by
 * Lambda and never delays a booking; an event that can never be read is dead-lettered like anywhere else.
 */
export const handler = busHandler(logger, {
  BookingCreated: record('BookingCreated'),
  BookingUpdated: record('BookingUpdated'),
  BookingCancelled: record('BookingCancelled'),
  GuestPagePublished: record('GuestPagePublished'),
  EventCreated: record('EventCreated'),
  EventUpdated: record('EventUpdated'),
  EventCancelled: record('EventCancelled'),
  CrewConfirmed: record('CrewConfirmed'),
  CrewDeclined: record('CrewDeclined'),
  // The operator's request; the notice it leads to is the CrewNotified (kind `resend`) that follows.
  CrewResendRequested: record('CrewResendRequested'),
  CalendarUpdated: record('CalendarUpdated'),
  CrewNotified: record('CrewNotified'),
  PartnerRequestRefused: record('PartnerRequestRefused'),
});
