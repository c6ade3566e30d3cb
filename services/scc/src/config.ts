import { NotConfiguredError, envString, lazyConfig, readConfig } from '@charter/shared';
import type { CrewMember } from '@charter/events';
import { SecretReader } from '@charter/shared/secrets';
import { z } from 'zod';
import { RosterSetting } from './domain/crew-event';

/**
 * SCC's settings, read from the environment serverless.yml gives each function. Each reader
 * names only what its callers need, so a function is not failed by a variable it never uses.
 */
export const tableConfig = lazyConfig(() => readConfig(z.object({ EVENTS_TABLE: envString })));
export const serviceKeyConfig = lazyConfig(() => readConfig(z.object({ SERVICE_KEY_SECRET: envString })));
export const magicLinkConfig = lazyConfig(() => readConfig(z.object({ MAGIC_LINK_KEY_SECRET: envString })));

/** The roster used until `PUT /crew` stores one (the local stage's three crew members). */
export const defaultRoster = lazyConfig((): CrewMember[] => {
  const { DEFAULT_ROSTER } = readConfig(z.object({ DEFAULT_ROSTER: z.string({ error: 'is required' }) }));
  let value: unknown;
  try {
    value = JSON.parse(DEFAULT_ROSTER);
  } catch {
    throw new NotConfiguredError('environment variable DEFAULT_ROSTER', 'it is not JSON');
  }
  const result = RosterSetting.safeParse(value);
  if (!result.success) {
    throw new NotConfiguredError(
      'environment variable DEFAULT_ROSTER',
      result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    );
  }
  return result.data;
});

/** One reader per function instance: secrets are cached across invocations. */
export const secrets = new SecretReader();

/** JSON bodies here are an event or a roster: a few KB. Anything far larger is refused with 413. */
export const MAX_BODY_BYTES = 32 * 1024;
