import { defineConfig, envJson, envString } from '@charter/shared/config';
import { RosterSetting } from './domain/crew-event';

/**
 * SCC's settings, from the environment serverless.yml gives each function. Each is validated when
 * first read, so a function is not failed by a variable it never uses.
 */
export const setting = defineConfig({
  EVENTS_TABLE: envString,
  SERVICE_KEY_SECRET_NAME: envString,
  MAGIC_LINK_KEY_SECRET_NAME: envString,
  /** The roster used until `PUT /crew` stores one (the local stage's three crew members). */
  DEFAULT_ROSTER: envJson(RosterSetting),
});
