import * as z from '@charter/events/zod';
import { EventBridgeEnvelope } from '@charter/shared/bus-envelope';
import { InvalidEventError } from '@charter/shared/errors';
import { deadLetter } from '@charter/shared/dead-letter';
import { issuesOf } from '@charter/shared/http';
import { createLogger, withBookingId } from '@charter/shared/logger';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { SES_DETAIL_TYPES, SesEmailEvent, entryFromSesEvent, type SesDetailType } from '../domain/ses-event';
import { recordEntry } from '../store/timeline';

const logger = createLogger('charter-ops');

const SesEnvelope = z.extend(EventBridgeEnvelope, {
  'detail-type': z.enum(Object.keys(SES_DETAIL_TYPES) as [SesDetailType, ...SesDetailType[]]),
  detail: SesEmailEvent,
});

/**
 * SES's word on the crew email (bounced, complained, rejected, delivered) onto the booking's timeline; the booking
 * comes from the message's `booking_id` tag. An event that cannot be read is dead-lettered at once, as busHandler
 * does for ours (SES's detail-types are AWS's contract, not our catalog's).
 */
export const handler = async (event: EventBridgeEvent<string, unknown>, context: Context): Promise<void> => {
  logger.resetKeys();
  logger.addContext(context);
  const parsed = SesEnvelope.safeParse(event);
  const result = parsed.success
    ? entryFromSesEvent(parsed.data['detail-type'], parsed.data.id, parsed.data.detail)
    : ({ kind: 'invalid', reason: new InvalidEventError(issuesOf(parsed.error)).message } as const);
  if (result.kind === 'invalid') {
    logger.error('event dead-lettered', { reason: result.reason });
    await deadLetter({ event, reason: result.reason, errorType: 'InvalidEventError', context });
    return;
  }
  if (result.kind === 'untagged') {
    logger.info('SES event without a booking_id tag; not a booking email');
    return;
  }
  withBookingId(logger, result.entry.booking_id);
  await recordEntry(result.entry);
  logger.info('recorded', { outcome: result.entry.facts.outcome, event_id: result.entry.id });
};
