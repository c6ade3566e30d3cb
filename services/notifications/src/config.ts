import { defineConfig, envEmail, envInt, envString, envUrl } from '@charter/shared/config';

/** Every environment variable the service reads (serverless.yml sets them per function). */
export const setting = defineConfig({
  JOIN_TABLE: envString,
  SENDER_ADDRESS: envEmail('the verified sender address'),
  /** The SES configuration set every message names (ops defines it): its bounces and deliveries reach ops. */
  CREW_MAIL_CONFIGURATION_SET: envString,
  /** The SCC API's base URL: crew pages are `${SCC_API_URL}/crew/<event_id>?token=...`. */
  SCC_API_URL: envUrl,
  MAGIC_LINK_KEY_SECRET_NAME: envString,
  /** Read by the publisher; named here so that a stage without it fails before anything is written. */
  EVENT_BUS_NAME: envString,
  STALL_MINUTES: envInt(15),
  /** Who hears about a stuck booking when no captain is known (the crew event never arrived). */
  STALL_ALERT_ADDRESS: envEmail('the operator address stall alerts go to (param stallAlertAddress)'),
  /** The ops console (`<url>#/booking/<id>` opens a booking's timeline): alerts link it. */
  OPS_CONSOLE_URL: envUrl,
});

type SettingName = Parameters<typeof setting>[0];

/** What emailing the crew needs. */
export const CREW_MAIL_SETTINGS = [
  'SENDER_ADDRESS',
  'CREW_MAIL_CONFIGURATION_SET',
  'SCC_API_URL',
  'MAGIC_LINK_KEY_SECRET_NAME',
  'EVENT_BUS_NAME',
] as const satisfies SettingName[];

/** What the stall check needs: it settles stalled bookings as a delivery would, then alerts with console links. */
export const STALL_CHECK_SETTINGS = [
  ...CREW_MAIL_SETTINGS,
  'STALL_MINUTES',
  'STALL_ALERT_ADDRESS',
  'OPS_CONSOLE_URL',
] as const satisfies SettingName[];

/**
 * Reads the named settings now: a stage missing one fails with a NotConfiguredError naming it
 * before the function writes anything, rather than halfway through a booking.
 */
export function requireSettings(names: readonly SettingName[]): void {
  for (const name of names) setting(name);
}
