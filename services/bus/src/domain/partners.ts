import { NotConfiguredError, notFound } from '@charter/shared';
import type { SecretVersions } from '@charter/shared/secrets';

export type PartnerSecretMap = Record<string, string>;

function parseMap(text: string | undefined, secretName: string): PartnerSecretMap {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new NotConfiguredError(`secret ${secretName}`, 'its value is not a JSON object of partner -> secret');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new NotConfiguredError(`secret ${secretName}`, 'its value is not a JSON object of partner -> secret');
  }
  return value as PartnerSecretMap;
}

/**
 * The signing secrets a partner may be using right now: its entry in the current map and, while
 * the map rotates, in the previous one. A partner missing from the current map is unknown (404);
 * a known partner with an empty secret is a stage that was never finished (loud 500).
 */
export function partnerSigningSecrets(partner: string, versions: SecretVersions, secretName: string): string[] {
  const current = parseMap(versions.current, secretName);
  if (!Object.prototype.hasOwnProperty.call(current, partner)) {
    throw notFound(`There is no partner named "${partner}". Ask the operator to onboard it.`, 'unknown_partner');
  }
  const secrets = [current[partner], parseMap(versions.previous, secretName)[partner]].filter(
    (s): s is string => typeof s === 'string' && s.length > 0,
  );
  if (!current[partner]) {
    throw new NotConfiguredError(`secret ${secretName}`, `partner ${partner} has no signing secret yet`);
  }
  return [...new Set(secrets)];
}
