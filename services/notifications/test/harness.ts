import { eventCatalog, type DetailType } from '@charter/events';
import { busEnvelope, lambdaContext as contextFor, scheduledEvent as scheduledRuleEvent } from '@charter/local/testing';

/** An EventBridge envelope as Lambda receives it from a rule, from the detail type's source in the catalog. */
export const busEvent = (detailType: DetailType, detail: unknown) =>
  busEnvelope(detailType, detail, eventCatalog[detailType].source);

/** The checkStalls schedule's event for the given tick. */
export const scheduledEvent = (time: Date) =>
  scheduledRuleEvent('charter-notifications-local-checkStalls-schedule-1', time);

/** A Lambda context for this service's functions, with their 30 s timeout. */
export const lambdaContext = (functionName = 'charter-notifications-local-onSuccessEvent') =>
  contextFor(functionName, 30_000);
