import type { Logger } from '@aws-lambda-powertools/logger';
import { HttpError, ValidationError, forbidden, unauthorized } from '@charter/shared';
import { requireSharedKey } from '@charter/shared/auth';
import {
  errorResponse,
  header,
  html,
  httpHandler,
  jsonBody,
  rawBody,
  type HttpEvent,
  type HttpHandler,
  type HttpResult,
} from '@charter/shared/http';
import { verifyCrewToken, type CrewTokenCheck } from '@charter/shared/magic-link';
import { MAX_BODY_BYTES, magicLinkConfig, secrets, serviceKeyConfig } from './config';
import type { CrewEvent } from './domain/crew-event';
import { CREW_PAGE_HEADERS, renderCrewErrorPage } from './domain/crew-page';

/** The operator's routes: X-Service-Key against charter/<stage>/scc-service-key (current or previous). */
export async function requireServiceKey(event: HttpEvent): Promise<void> {
  await requireSharedKey(event, serviceKeyConfig().SERVICE_KEY_SECRET, 'X-Service-Key');
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
  invalid: 'The link is not valid for this crew event.',
  expired: 'The link has expired: crew links stop working a day after the charter.',
};

/** A key rotated a moment ago may not be in our cache yet; look again, but at most this often. */
const REFRESH_ON_MISS_MS = 5_000;
let lastRefreshOnMiss = 0;

/**
 * The crew member a magic link belongs to, verified against the magic-link key (and, while it
 * rotates, the previous key). Any token fault is 401: the link does not identify anyone.
 */
export async function verifyCrewLink(eventId: string, token: string | undefined): Promise<string> {
  const secretName = magicLinkConfig().MAGIC_LINK_KEY_SECRET;
  const keysOf = (v: { current: string; previous?: string }) => (v.previous ? [v.current, v.previous] : [v.current]);
  let check = verifyCrewToken(keysOf(await secrets.versions(secretName)), eventId, token);
  if (!check.ok && check.reason === 'invalid' && Date.now() - lastRefreshOnMiss > REFRESH_ON_MISS_MS) {
    lastRefreshOnMiss = Date.now();
    check = verifyCrewToken(keysOf(await secrets.versions(secretName, true)), eventId, token);
  }
  if (!check.ok) throw unauthorized(TOKEN_REFUSALS[check.reason], `token_${check.reason}`);
  return check.memberId;
}

/** The refusal of a genuine link of someone taken off the crew since it was sent. */
export const notOnCrew = () => forbidden('You are no longer on the crew of this event.', 'not_on_crew');

/** A genuine link of someone taken off the crew since it was sent. */
export function requireCrewMember(event: CrewEvent, memberId: string): void {
  if (!event.crew.some((member) => member.member_id === memberId)) throw notOnCrew();
}

export function wantsJson(event: HttpEvent): boolean {
  return /\bapplication\/json\b/i.test(header(event, 'accept') ?? '');
}

/** The token from a form post, a JSON body or the query string, in that order. */
export function tokenFrom(event: HttpEvent): string | undefined {
  const contentType = header(event, 'content-type') ?? '';
  const body = rawBody(event, MAX_BODY_BYTES);
  if (/application\/x-www-form-urlencoded/i.test(contentType)) {
    const token = new URLSearchParams(body).get('token');
    if (token) return token;
  } else if (/application\/json/i.test(contentType) && body.trim() !== '') {
    const value = jsonObjectBody(event).token;
    if (typeof value === 'string' && value) return value;
  }
  return event.queryStringParameters?.token;
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
      return html(response.statusCode, renderCrewErrorPage(response.statusCode, message), CREW_PAGE_HEADERS);
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
