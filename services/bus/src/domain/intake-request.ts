import { eventCatalog, type BookingDetailType, type DetailOf, type PartnerRequestRefused } from '@charter/events';
import type { FieldIssue } from '@charter/shared/errors';
import { issuesOf } from '@charter/shared/http';

/**
 * What each intake route publishes, and what of the path it forces into the detail. The partner in the path is
 * always the detail's `source` (a body cannot publish as another partner); on the routes that name a booking, the
 * path's booking id is the detail's `booking_id`, whatever the body says (a URL is what a partner's client builds
 * from its own record, a body's id is easier to get wrong, and the signature covers only the body). A refusal names
 * the route in PartnerRequestRefused's words.
 */
export const INTAKE_ROUTES = {
  'POST /partners/{partner}/bookings': { detailType: 'BookingCreated', bookingIdInPath: false, refusalRoute: 'create' },
  'PUT /partners/{partner}/bookings/{booking_id}': {
    detailType: 'BookingUpdated',
    bookingIdInPath: true,
    refusalRoute: 'update',
  },
  'POST /partners/{partner}/bookings/{booking_id}/cancel': {
    detailType: 'BookingCancelled',
    bookingIdInPath: true,
    refusalRoute: 'cancel',
  },
} as const satisfies Record<
  string,
  { detailType: BookingDetailType; bookingIdInPath: boolean; refusalRoute: PartnerRequestRefused['route'] }
>;

export type IntakeRoute = keyof typeof INTAKE_ROUTES;

export const isIntakeRoute = (routeKey: string): routeKey is IntakeRoute =>
  Object.prototype.hasOwnProperty.call(INTAKE_ROUTES, routeKey);

/** One partner booking event, its detail validated by the contract (defaults applied: `revision` 1 on a create). */
export type BookingEvent = { [T in BookingDetailType]: { detailType: T; detail: DetailOf<T> } }[BookingDetailType];

export type IntakeDetail = { ok: true; event: BookingEvent } | { ok: false; fields: FieldIssue[] };

/**
 * The booking event a request asks for: the body with the path's partner (and booking id) forced in, validated by
 * the detail-type's schema, every bad field named.
 */
export function intakeDetail(
  route: IntakeRoute,
  path: { partner: string; booking_id?: string | undefined },
  payload: unknown,
): IntakeDetail {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
    return { ok: false, fields: [{ path: '(body)', message: 'must be a JSON object (one booking event)' }] };
  }
  const { detailType, bookingIdInPath } = INTAKE_ROUTES[route];
  const forced = { source: path.partner, ...(bookingIdInPath ? { booking_id: path.booking_id } : {}) };
  const result = eventCatalog[detailType].schema.safeParse({ ...payload, ...forced });
  if (!result.success) return { ok: false, fields: issuesOf(result.error) };
  return { ok: true, event: { detailType, detail: result.data } as BookingEvent };
}

/**
 * What makes two deliveries the same one: the partner, the booking, the revision, and whether it is the booking or
 * its cancellation. BookingCreated and BookingUpdated share one key: both are "the whole booking as it stands at
 * this revision", so a created and an updated of one revision with other content are one revision told two ways,
 * which the consumers would apply one or the other of (whichever came first), and the services would disagree. The
 * content is not part of the key: a repeat with other content is a conflict (the store compares it), not a new
 * event. A cancellation keeps its own key (it applies whatever its revision, and is final).
 */
export function intakeKey(partner: string, event: BookingEvent): string {
  const kind = event.detailType === 'BookingCancelled' ? 'cancel' : 'booking';
  return `${partner}#${event.detail.booking_id}#${kind}#${event.detail.revision}`;
}

/** A body naming another booking than its path: the path wins, and the intake logs that it did. */
export function bookingIdOverridden(payload: unknown, pathBookingId: string | undefined): string | undefined {
  const claimed = (payload as { booking_id?: unknown } | null)?.booking_id;
  return pathBookingId !== undefined && typeof claimed === 'string' && claimed !== pathBookingId ? claimed : undefined;
}
