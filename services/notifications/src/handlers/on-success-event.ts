import { busHandler } from '@charter/shared/consumer';
import { createLogger } from '@charter/shared/logger';
import type { Context } from 'aws-lambda';
import { claimerOf } from '../claim-send-record';
import { CREW_MAIL_SETTINGS, requireSettings } from '../config';
import { notifyCrewIfReady } from '../notify-crew';
import { recordArrival, type Arrival } from '../store/join';

const logger = createLogger('charter-notifications');

/**
 * EventCreated (from SCC) and CalendarUpdated (from the calendar) meet here, in any order and
 * however often each is delivered: record the arrival, then email whoever is still to be
 * emailed once both are in.
 */
async function join(arrival: Arrival, context: Context): Promise<void> {
  requireSettings(CREW_MAIL_SETTINGS);
  const recorded = await recordArrival(arrival, new Date());
  if (recorded.kind === 'already_notified') {
    logger.info('crew already notified for this booking; duplicate ignored');
    return;
  }
  const kept = recorded.state.crew_event;
  if (arrival.kind === 'EventCreated' && kept && kept.event_id !== arrival.detail.event_id) {
    logger.warn('a second crew event for the booking; the first one is kept', {
      kept: kept.event_id,
      ignored: arrival.detail.event_id,
    });
  }
  await notifyCrewIfReady(recorded.state, claimerOf(context), logger);
}

export const handler = busHandler(logger, {
  EventCreated: (detail, _envelope, context) => join({ kind: 'EventCreated', detail }, context),
  CalendarUpdated: (detail, _envelope, context) => join({ kind: 'CalendarUpdated', detail }, context),
});
