import type { Logger } from '@aws-lambda-powertools/logger';
import { eventCatalog, type DetailOf, type DetailType } from '@charter/events';
import * as z from '@charter/events/zod';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { EventBridgeEnvelope, type BusEnvelope } from './bus-envelope';
import { issuesOf } from './http';
import { deadLetter } from './dead-letter';
import { InvalidEventError, PermanentFailure } from './errors';

export type { BusEnvelope } from './bus-envelope';

/**
 * Parses an EventBridge envelope (the fields Powertools' schema checks, see ./bus-envelope) and the detail with ours.
 * The error names the bad field as `detail.<path>` so a dead-lettered event says what to fix.
 */
export function parseBusEvent<T extends DetailType>(
  detailType: T,
  event: unknown,
): { detail: DetailOf<T>; envelope: BusEnvelope } {
  const schema = z.extend(EventBridgeEnvelope, {
    'detail-type': z.literal(detailType),
    detail: eventCatalog[detailType].schema,
  });
  const result = schema.safeParse(event);
  if (!result.success) {
    const bookingId = (event as { detail?: { booking_id?: unknown } })?.detail?.booking_id;
    throw new InvalidEventError(issuesOf(result.error), typeof bookingId === 'string' ? bookingId : undefined);
  }
  const { detail, ...envelope } = result.data;
  return { detail: detail as DetailOf<T>, envelope: { ...envelope, detail } };
}

type Handlers = { [T in DetailType]?: (detail: DetailOf<T>, envelope: BusEnvelope, context: Context) => Promise<void> };

/**
 * The shape of every bus consumer: route by detail-type, parse, log with the booking id, run the
 * domain. Faults worth retrying are thrown (Lambda retries, then the onFailure queue); an event
 * that can never succeed goes to the dead-letter queue at once with its reason.
 */
export function busHandler(logger: Logger, handlers: Handlers) {
  return async (event: EventBridgeEvent<string, unknown>, context: Context): Promise<void> => {
    logger.resetKeys();
    logger.addContext(context);
    const detailType = event?.['detail-type'] as DetailType;
    const handle = handlers[detailType] as
      ((detail: unknown, envelope: BusEnvelope, context: Context) => Promise<void>) | undefined;
    try {
      if (!handle)
        throw new InvalidEventError([{ path: 'detail-type', message: `${String(detailType)} is not handled here` }]);
      const { detail, envelope } = parseBusEvent(detailType, event);
      logger.appendKeys({
        booking_id: (detail as { booking_id: string }).booking_id,
        event_id: envelope.id,
        detail_type: detailType,
      });
      logger.info('event received');
      await handle(detail, envelope, context);
    } catch (error) {
      if (error instanceof PermanentFailure) {
        const bookingId = error instanceof InvalidEventError ? error.bookingId : undefined;
        if (bookingId) logger.appendKeys({ booking_id: bookingId });
        logger.error('event dead-lettered', { reason: error.message });
        await deadLetter({ event, reason: error.message, errorType: error.name, context });
        return;
      }
      logger.error('event failed; Lambda will retry', { error: error as Error });
      throw error;
    }
  };
}
