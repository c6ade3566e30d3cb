import type { Logger } from '@aws-lambda-powertools/logger';
import { EventId } from '@charter/events';
import { requireSharedKey } from '@charter/shared/auth';
import {
  HttpError,
  ValidationError,
  badRequest,
  conflict,
  forbidden,
  notFound,
  unauthorized,
} from '@charter/shared/errors';
import {
  errorResponse,
  header,
  html,
  httpHandler,
  json,
  jsonBody,
  rawBody,
  type HttpEvent,
  type HttpHandler,
  type HttpResult,
  validate,
} from '@charter/shared/http';
import { withBookingId } from '@charter/shared/logger';
import { readCrewToken, verifyCrewToken, type CrewTokenCheck } from '@charter/shared/magic-link';
import { acceptedValues, secrets } from '@charter/shared/secrets';
import { setting } from './config';
import {
  UpdateEventRequest,
  bookingFieldIssues,
  expectedVersion,
  sameFields,
  type CrewEvent,
  type CrewEventFields,
} from './domain/crew-event';
import { CREW_PAGE_HEADERS, renderCrewErrorPage } from './domain/crew-page';
import type { AnswerResult } from './store/answers';
import { getCrewEvent } from './store/events';
import { formerAddressesOf, readItem, type StoredItem } from './store/table';

/** JSON bodies here are an event or a roster: a few KB. Anything far larger is refused with 413. */
export const MAX_BODY_BYTES = 32 * 1024;

/** The operator's routes: X-Service-Key against charter/<stage>/scc-service-key (current or previous). */
export async function requireServiceKey(event: HttpEvent): Promise<void> {
  await requireSharedKey(event, setting('SERVICE_KEY_SECRET_NAME'), 'X-Service-Key');
}

/** A JSON object body, or 400 (bad JSON) / 413 (too large) / 422 (not an object). */
export function jsonObjectBody(event: HttpEvent): Record<string, unknown> {
  const body = jsonBody(event, MAX_BODY_BYTES);
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationError([{ path: '(body)', message: 'must be a JSON object' }]);
  }
  return body as Record<string, unknown>;
}

const TOKEN_REFUSALS: Record<Exclude<CrewTokenCheck, { ok: true }>['reason'], string> = {
  missing: 'This page needs the link from your crew email; the token is missing.',
  malformed: 'The link is incomplete or was changed; the token is not one we issue.',
  invalid: 'The link is not valid for this crew event. It may have gone to an address the crew list no longer has.',
  expired: 'The link has expired: crew links stop working a day after the charter.',
};

/**
 * A magic link checked against the magic-link key (and, while it rotates, the previous key) and the
 * member's current address, so a link sent to an address the roster has since changed stops working.
 * A forged-looking token may be one signed with a key rotated a moment ago, so only that result
 * sends secrets.check back to Secrets Manager. Any token fault is 401: the link does not identify anyone.
 */
async function verifyCrewLink(eventId: string, email: string, token: string | undefined): Promise<void> {
  const check = await checkCrewLink(eventId, email, token);
  if (!check.ok) throw refusedLink(check.reason);
}

/** A link checked for that address against the key's current or previous value. */
const checkCrewLink = (eventId: string, email: string, token: string | undefined) =>
  secrets.check(
    setting('MAGIC_LINK_KEY_SECRET_NAME'),
    (accepted) => verifyCrewToken(acceptedValues(accepted), { eventId, email }, token),
    (result) => !result.ok && result.reason === 'invalid',
  );

const refusedLink = (reason: Exclude<CrewTokenCheck, { ok: true }>['reason']) =>
  unauthorized(TOKEN_REFUSALS[reason], `token_${reason}`);

/** The refusal of a genuine link of someone taken off the crew since it was sent. */
export const notOnCrew = () => forbidden('You are no longer on the crew of this event.', 'not_on_crew');

/** The operator asked for something only a member on the crew may get (a fresh notice). */
export const notOnCrewAnyMore = (message: string) => conflict(message, 'not_on_crew');

/** A crew route's event, deleted since the link was sent. */
export const eventGone = () => notFound('This crew event no longer exists.', 'event_not_found');

/** An answer, or a crew-side change, to an event whose booking was cancelled: final, nothing more to say. */
export const eventCancelled = (eventId: string) =>
  conflict(`Crew event ${eventId} was cancelled with its booking; it no longer changes.`, 'cancelled');

/** The event a crew member's answer was recorded on, or the refusal of the answer. */
export function answeredEvent(result: AnswerResult, eventId: string): CrewEvent {
  if (result.kind === 'not_found') throw eventGone();
  if (result.kind === 'not_on_crew') throw notOnCrew();
  if (result.kind === 'cancelled') throw eventCancelled(eventId);
  return result.event;
}

/**
 * The crew event a magic link opens, and the member it belongs to. The link is signed over the
 * member's address, so the event is read (for the member's current address) before the signature is
 * checked; a junk token is refused before any read. A link whose event is gone, or whose member was never
 * on its crew, cannot be checked (there is no address to check it against), so it is refused as an
 * invalid link (401), the same as a forgery: a stranger learns nothing about which events exist or who
 * is on them. A genuine link of someone taken off the crew by a PATCH is checked against the address it
 * was sent to (kept as `former_crew_links`) and answered 403 `not_on_crew`.
 */
export async function openCrewEvent(
  logger: Logger,
  eventId: string,
  token: string | undefined,
): Promise<{ crewEvent: CrewEvent; memberId: string }> {
  const parts = readCrewToken(token);
  if (!parts.ok) throw refusedLink(parts.reason);
  const item = EventId.safeParse(eventId).success ? await readItem(eventId) : undefined;
  const crewEvent = item?.kind === 'event' ? item.event : undefined;
  const member = crewEvent?.crew.find((m) => m.member_id === parts.memberId);
  if (item?.kind === 'event' && !member) {
    // Someone taken off the crew: their link is checked against the address it was sent to, and a genuine one is
    // told so (403); anything else is refused as a forgery.
    for (const email of formerAddressesOf(item.formerLinks, parts.memberId)) {
      if ((await checkCrewLink(eventId, email, token)).ok) throw notOnCrew();
    }
  }
  if (!crewEvent || !member) throw refusedLink('invalid');
  await verifyCrewLink(eventId, member.email, token);
  withBookingId(logger, crewEvent.booking_id);
  return { crewEvent, memberId: member.member_id };
}

/** An operator route's event: 404 for an unknown id, and for a malformed one without reading the table. */
export async function requireCrewEvent(eventId: string): Promise<CrewEvent> {
  const crewEvent = EventId.safeParse(eventId).success ? await getCrewEvent(eventId) : undefined;
  if (!crewEvent) throw eventNotFound(eventId);
  return crewEvent;
}

export const eventNotFound = (eventId: string) => notFound(`There is no crew event ${eventId}.`, 'event_not_found');

/** A PATCH body: the booking's fields refused by name (422 `booking_change_required`), then the crew-side schema. */
export function crewChangeRequest(event: HttpEvent): UpdateEventRequest {
  const body = jsonObjectBody(event);
  const bookingFields = bookingFieldIssues(body);
  if (bookingFields.length > 0) throw new ValidationError(bookingFields, 'booking_change_required');
  return validate(UpdateEventRequest, body);
}

/** POST /events for a booking whose one event says something else. */
export const eventExists = (bookingId: string, eventId: string) =>
  new HttpError(
    409,
    'event_exists',
    `Booking ${bookingId} already has crew event ${eventId}; change it with PATCH /events/${eventId}.`,
    { event_id: eventId },
  );

/** The event a repeat of POST /events names: 409 when the booking's event is cancelled or says something else. */
export function repeatedEvent(item: StoredItem, fields: CrewEventFields): CrewEvent {
  if (item.kind === 'tombstone') throw eventCancelled(item.tombstone.event_id);
  if (item.event.lifecycle === 'cancelled') throw eventCancelled(item.event.event_id);
  if (!sameFields(item.event, fields)) throw eventExists(item.event.booking_id, item.event.event_id);
  return item.event;
}

/** The version a PATCH is based on (`any` for If-Match: *): 428 when it names none, 400 for an If-Match not an ETag. */
export function requireExpectedVersion(event: HttpEvent, bodyVersion: number | undefined): number | 'any' {
  const expected = expectedVersion(bodyVersion, header(event, 'if-match'));
  if (expected.kind === 'missing') {
    throw new HttpError(
      428,
      'version_required',
      'Send the version you are changing: expected_version in the body or an If-Match header with the ETag.',
    );
  }
  if (expected.kind === 'malformed') throw badRequest(expected.message, 'bad_if_match');
  return expected.version;
}

/** Another edit landed first: the caller reads the event again rather than overwrite it. */
export const versionConflict = (eventId: string, current: number, expected: number) =>
  conflict(
    `Crew event ${eventId} is at version ${current}, not ${expected}: read it again and reapply your change.`,
    'version_conflict',
  );

export function wantsJson(event: HttpEvent): boolean {
  return /\bapplication\/json\b/i.test(header(event, 'accept') ?? '');
}

/** What a crew member's form post carries: the magic-link token, and for a decline their reason. */
export interface CrewPost {
  token?: string;
  reason?: unknown;
}

/** The token (and reason) from a form post or a JSON body; the token also from the query string. */
export function crewPostFrom(event: HttpEvent): CrewPost {
  const contentType = header(event, 'content-type') ?? '';
  const body = rawBody(event, MAX_BODY_BYTES);
  let fields: Record<string, unknown> = {};
  if (/application\/x-www-form-urlencoded/i.test(contentType)) {
    fields = Object.fromEntries(new URLSearchParams(body));
  } else if (/application\/json/i.test(contentType) && body.trim() !== '') {
    fields = jsonObjectBody(event);
  }
  const token = typeof fields.token === 'string' && fields.token ? fields.token : event.queryStringParameters?.token;
  return { token, reason: fields.reason };
}

/** A crew member's answer: JSON for a caller that asked for it, else 303 back to the page (a reload posts nothing). */
export function answerResponse(event: HttpEvent, token: string, body: Record<string, unknown>): HttpResult {
  if (wantsJson(event)) return json(200, body);
  const page = event.rawPath.replace(/\/(?:confirm|decline)\/?$/, '');
  return redirect(`${page}?token=${encodeURIComponent(token)}`);
}

/**
 * Crew routes answer people with a browser: errors become a small HTML page with the same status
 * (401/403/404...), unless the caller asked for JSON. Logging is errorResponse's, as elsewhere.
 */
export function crewHandler(logger: Logger, fn: HttpHandler): HttpHandler {
  return httpHandler(logger, async (event, context) => {
    try {
      return await fn(event, context);
    } catch (error) {
      const response = errorResponse(logger, error);
      if (wantsJson(event)) return response;
      const message =
        error instanceof HttpError && error.statusCode < 500
          ? error.message
          : 'The crew page is not available right now. The operator has been told; please try again later.';
      const code = error instanceof HttpError ? error.code : undefined;
      return html(response.statusCode, renderCrewErrorPage(response.statusCode, message, code), CREW_PAGE_HEADERS);
    }
  });
}

export function redirect(location: string): HttpResult {
  return {
    statusCode: 303,
    headers: { location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' },
    body: '',
  };
}
