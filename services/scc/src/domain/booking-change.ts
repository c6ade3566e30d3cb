import { CrewSafeField, type BookingCancelled, type EventCancelled, type EventUpdated } from '@charter/events';
import {
  copyMember,
  eventCreatedDetail,
  type Cancellation,
  type CharterFields,
  type CharterProjection,
  type CrewChangePlan,
  type CrewEvent,
} from './crew-event';
import { scrubText, type PrivateFacts } from '@charter/shared/redaction';

/**
 * What a later booking revision does to a crew event, on paper: which crew-safe fields change (old -> new, for the
 * crew's change notice), and whether the plan changed so that the crew's answers no longer hold.
 */

/** The fields EventUpdated lists old -> new, in the contract's order (the order crew read them). */
const LISTED_FIELDS: readonly CrewSafeField[] = CrewSafeField.options;

/**
 * A change of any of these is a new plan (another day, hour or place; a zone change moves the hour): confirmations
 * and declines are cleared and crew answer again. A new vessel or guest count is told, but answers stand.
 */
const REPLANNING_FIELDS: ReadonlySet<CrewSafeField> = new Set([
  'charter_date',
  'charter_start',
  'charter_end',
  'timezone',
  'location',
]);

export type FieldChange = EventUpdated['changes'][number];

export interface BookingChange {
  /** The crew event's charter and notes as the new revision has them. */
  next: CharterProjection;
  changes: FieldChange[];
  /** True when the change is a new plan: the crew's confirmations and declines are cleared. */
  clearsAnswers: boolean;
}

/** A new booking revision against the crew event as it stands. */
export function planBookingChange(current: CharterFields, next: CharterProjection): BookingChange {
  const changes = LISTED_FIELDS.filter((field) => current[field] !== next[field]).map((field) => ({
    field,
    from: current[field],
    to: next[field],
  }));
  return { next, changes, clearsAnswers: changes.some((change) => REPLANNING_FIELDS.has(change.field)) };
}

/**
 * The crew event after the change. Every success event starts as EventCreated does: the charter as it now stands, its
 * crew, revision and version.
 */
type UpdatedEvent = Pick<CrewEvent, 'event_id' | 'revision' | 'version' | 'crew'> & CharterFields;

/** EventUpdated for a booking change: `event` is the crew event after it. */
export function bookingUpdatedDetail(event: UpdatedEvent, change: BookingChange): EventUpdated {
  return {
    ...eventCreatedDetail(event),
    cause: 'booking',
    changes: change.changes,
    crew_added: [],
    crew_removed: [],
    confirmations_cleared: change.clearsAnswers,
  };
}

/** EventUpdated for a crew-side change (a PATCH): `event` is the crew event after it. */
export function crewUpdatedDetail(event: UpdatedEvent, plan: CrewChangePlan): EventUpdated {
  return {
    ...eventCreatedDetail(event),
    cause: 'crew',
    changes: [],
    crew_added: plan.added,
    crew_removed: plan.removed.map(copyMember),
    confirmations_cleared: false,
  };
}

/** EventCancelled: `event` is the crew event after the cancellation. */
export function eventCancelledDetail(event: UpdatedEvent, cancellation: Cancellation): EventCancelled {
  return { ...eventCreatedDetail(event), ...cancellation };
}

/** EventCancelled's reason is at most 500 characters; a redaction marker may lengthen a short one. */
const MAX_REASON = 500;

/**
 * The cancellation as crew may be told it: the partner's reason loses money and contact details (any email address or
 * phone number, and the booking's own amounts and guest contacts, `known` from the crew event: a cancellation does not
 * carry them).
 */
export function cancellationOf(detail: BookingCancelled, known?: PrivateFacts): Cancellation {
  const reason = scrubText(detail.reason, known)?.slice(0, MAX_REASON).trim();
  return {
    cancelled_at: detail.cancelled_at,
    ...(detail.cancelled_by ? { cancelled_by: detail.cancelled_by } : {}),
    ...(reason ? { reason } : {}),
  };
}
