import { busHandler } from '@charter/shared/consumer';
import { createLogger } from '@charter/shared/logger';
import type { Context } from 'aws-lambda';
import { claimerOf } from '../claim-send-record';
import { CREW_MAIL_SETTINGS, requireSettings } from '../config';
import { needsV1Adoption, snapshotOf, type CrewEventSnapshot } from '../domain/state';
import { settleBooking } from '../notify-crew';
import {
  adoptV1,
  getJoin,
  recordCalendar,
  recordCrewEvent,
  recordDecline,
  recordResend,
  type ArrivalOutcome,
} from '../store/join';

const logger = createLogger('charter-notifications');

/**
 * SCC's crew events (EventCreated, EventUpdated, EventCancelled), the calendar's CalendarUpdated, the crew page's
 * CrewDeclined and the operator's CrewResendRequested meet here, in any order and however often each is delivered:
 * keep what is newer than the state, then settle the booking from the state as it stands (a duplicate or stale
 * delivery repeats that, harmlessly: the first delivery may have died halfway).
 */
async function settle(bookingId: string, outcome: ArrivalOutcome, context: Context): Promise<void> {
  if (outcome === 'not_newer') logger.info('not newer than the state kept; settling from the state as it stands');
  await settleBooking(bookingId, claimerOf(context), logger);
}

async function onCrewEvent(snapshot: CrewEventSnapshot, context: Context): Promise<void> {
  requireSettings(CREW_MAIL_SETTINGS);
  let outcome = await recordCrewEvent(snapshot, new Date());
  if (outcome === 'not_newer') {
    const state = await getJoin(snapshot.booking_id);
    if (state && needsV1Adoption(state)) {
      await adoptV1(state, new Date());
      outcome = await recordCrewEvent(snapshot, new Date());
    }
    const kept = state?.crew_event;
    if (kept && kept.event_id !== snapshot.event_id)
      logger.warn('a second crew event for the booking; the first one is kept', {
        kept: kept.event_id,
        ignored: snapshot.event_id,
      });
  }
  await settle(snapshot.booking_id, outcome, context);
}

export const handler = busHandler(logger, {
  EventCreated: (detail, _envelope, context) => onCrewEvent(snapshotOf(detail, false), context),
  EventUpdated: (detail, _envelope, context) => onCrewEvent(snapshotOf(detail, false), context),
  EventCancelled: (detail, _envelope, context) => onCrewEvent(snapshotOf(detail, true), context),
  CalendarUpdated: async ({ booking_id, revision, status, year, calendar_url }, _envelope, context) => {
    requireSettings(CREW_MAIL_SETTINGS);
    const outcome = await recordCalendar(booking_id, { revision, status, year, calendar_url }, new Date());
    await settle(booking_id, outcome, context);
  },
  CrewDeclined: async (detail, _envelope, context) => {
    requireSettings(CREW_MAIL_SETTINGS);
    await recordDecline(detail);
    await settle(detail.booking_id, 'applied', context);
  },
  // The operator's POST /events/{event_id}/crew/{member_id}/resend: the member's next notice, or a `resend`.
  CrewResendRequested: async (detail, _envelope, context) => {
    requireSettings(CREW_MAIL_SETTINGS);
    await recordResend(detail, new Date());
    await settle(detail.booking_id, 'applied', context);
  },
});
