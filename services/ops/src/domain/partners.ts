import type { PartnerRequestRefused, RefusalReason } from '@charter/events';
import type { DeadLetter } from './dead-letters';

/**
 * Partner sync health: per partner, the last booking event the bus accepted from it and the last request refused
 * (at the webhook intake, or by a service as `not_owner`), and whether it has gone quiet for longer than it should.
 * The operator's partner syncs once died silently for weeks; this is the alarm for that.
 */
export interface AcceptedEvent {
  at: string;
  event_id: string;
  booking_id: string;
  detail_type: string;
}

export interface Refusal {
  at: string;
  reason: RefusalReason | 'not_owner';
  /** The HTTP status the intake answered; a `not_owner` refusal happens after the 202. */
  status?: number;
  event_id: string;
  route?: string;
  booking_id?: string;
}

export interface PartnerState {
  partner: string;
  last_accepted?: AcceptedEvent;
  last_refused?: Refusal;
  /** Refusals counted per hour of their instant (`YYYY-MM-DDTHH`, UTC): the last day's count is read from these. */
  refused_hours?: Record<string, number>;
  /** The unknown bucket only: the last names refused, newest first, at most `RECENT_UNKNOWN_NAMES`. */
  recent_names?: Array<{ name: string; at: string }>;
}

/**
 * A name in a request path that is no onboarded partner (the intake answered 404 `unknown_partner`) is anyone's to
 * make up: 1,200 unsigned requests once made 1,200 "partners" here, each its own row and Query. They all count under
 * this one row instead, whose name cannot be a partner's (`PartnerName` has no parentheses), keeping the last few names
 * seen for the operator to read.
 */
export const UNKNOWN_PARTNER = '(unknown)';
export const RECENT_UNKNOWN_NAMES = 5;

/** The row a refusal counts under: its partner's own, or the one row of names no partner has. */
export const refusalBucket = (partner: string, reason: Refusal['reason']) =>
  reason === 'unknown_partner' ? UNKNOWN_PARTNER : partner;

/** The hour a refusal is counted in: `YYYY-MM-DDTHH` of its instant (UTC). */
export const hourOf = (at: string) => new Date(at).toISOString().slice(0, 13);

/** Hours counted as "the last day": the current hour and the 24 before it (a whole day, counted by the hour). */
const DAY_HOURS = 24;

/** The hours of `hours` older than the last day: the watch removes them, so a partner row stays a day's size. */
export function staleHours(hours: Record<string, number>, now: Date): string[] {
  const oldest = hourOf(new Date(now.getTime() - DAY_HOURS * 3_600_000).toISOString());
  return Object.keys(hours).filter((hour) => hour < oldest);
}

/** The refusals of the last day, from the partner row's hourly counts (no Query of the refusals themselves). */
export function refusedLastDay(hours: Record<string, number> | undefined, now: Date): number {
  if (!hours) return 0;
  const stale = new Set(staleHours(hours, now));
  return Object.entries(hours).reduce((sum, [hour, count]) => sum + (stale.has(hour) ? 0 : count), 0);
}

export type Silence =
  /** Never alerted on: the partner is configured with 0 hours, or never published (nothing to miss yet). */
  | { kind: 'not_watched' }
  | { kind: 'publishing'; limit_hours: number; quiet_hours: number }
  | { kind: 'silent'; since: string; limit_hours: number; quiet_hours: number };

/** The partner's limit in hours: its own, else `*`, else 0 (not watched). */
export const silenceLimit = (partner: string, hours: Record<string, number>) => hours[partner] ?? hours['*'] ?? 0;

export function silenceOf(state: PartnerState, hours: Record<string, number>, now: Date): Silence {
  const limit = silenceLimit(state.partner, hours);
  if (!state.last_accepted || limit <= 0) return { kind: 'not_watched' };
  const quiet = Math.max(0, (now.getTime() - Date.parse(state.last_accepted.at)) / 3_600_000);
  const quiet_hours = Math.round(quiet * 10) / 10;
  return quiet > limit
    ? { kind: 'silent', since: state.last_accepted.at, limit_hours: limit, quiet_hours }
    : { kind: 'publishing', limit_hours: limit, quiet_hours };
}

export interface Alert {
  /** Deterministic, so the alert for one silence is raised once: a new event starts a new silence and id. */
  id: string;
  kind: 'partner_silent';
  partner: string;
  raised_at: string;
  message: string;
}

/** One id per silence: the partner and the last event it began after. */
const alertIdOf = (partner: string, since: string) => `partner_silent:${partner}:${since}`;

/**
 * The alerts still standing: a partner's alert is current while that same silence lasts. Once the partner publishes
 * again (or is no longer watched), its alert is resolved, and the console stops showing it.
 */
export function currentAlertIds(states: PartnerState[], hours: Record<string, number>, now: Date): Set<string> {
  const ids = new Set<string>();
  for (const state of states) {
    const silence = silenceOf(state, hours, now);
    if (silence.kind === 'silent') ids.add(alertIdOf(state.partner, silence.since));
  }
  return ids;
}

export function silentPartnerAlert(
  state: PartnerState,
  silence: Extract<Silence, { kind: 'silent' }>,
  now: Date,
  consoleUrl: string,
): Alert {
  const last = state.last_accepted!;
  return {
    id: alertIdOf(state.partner, silence.since),
    kind: 'partner_silent',
    partner: state.partner,
    raised_at: now.toISOString(),
    message:
      `No booking event from ${state.partner} for ${Math.floor(silence.quiet_hours)} hours ` +
      `(its limit is ${silence.limit_hours}); the last was ${last.detail_type} for ${last.booking_id} at ${last.at}. ` +
      `Check the partner's sync and its refusals: ${consoleUrl}`,
  };
}

export const refusalFromIntake = (detail: PartnerRequestRefused, eventId: string): Refusal => ({
  at: new Date(detail.at).toISOString(),
  reason: detail.reason,
  status: detail.status,
  event_id: eventId,
  route: detail.route,
  ...(detail.booking_id ? { booking_id: detail.booking_id } : {}),
});

/** A `not_owner` dead letter as the refused partner's refusal (three services refuse the same event: one refusal). */
export function refusalFromDeadLetter(letter: DeadLetter): { partner: string; refusal: Refusal } | undefined {
  if (letter.code !== 'not_owner' || !letter.refused_partner || !letter.event) return undefined;
  return {
    partner: letter.refused_partner,
    refusal: {
      at: letter.failed_at,
      reason: 'not_owner',
      event_id: letter.event.id,
      ...(letter.booking_id ? { booking_id: letter.booking_id } : {}),
    },
  };
}
