import { NotConfiguredError } from '@charter/shared/errors';
import type { SecretVersions } from '@charter/shared/secrets';

export type PartnerSecretMap = Record<string, string>;

function parseMap(text: string | undefined, secretName: string): PartnerSecretMap {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as PartnerSecretMap;
  throw new NotConfiguredError(`secret ${secretName}`, 'its value is not a JSON object of partner -> secret');
}

/**
 * The signing secrets a partner may be using right now: its entry in the current map and, while
 * the map rotates, in the previous one. A partner missing from the current map is unknown
 * (undefined); a known partner with an empty secret is a stage that was never finished (loud 500).
 */
export function partnerSigningSecrets(
  partner: string,
  versions: SecretVersions,
  secretName: string,
): string[] | undefined {
  const current = parseMap(versions.current, secretName);
  if (!Object.prototype.hasOwnProperty.call(current, partner)) return undefined;
  const secrets = [current[partner], parseMap(versions.previous, secretName)[partner]].filter(
    (s): s is string => typeof s === 'string' && s.length > 0,
  );
  if (!current[partner]) {
    throw new NotConfiguredError(`secret ${secretName}`, `partner ${partner} has no signing secret yet`);
  }
  return [...new Set(secrets)];
}
