import { PartnerName } from '@charter/events';
import { acceptedValues, type SecretVersions } from '@charter/shared/secrets';

/**
 * Each partner has its own secret, `charter/<stage>/partner-secret/<partner>`, so that Secrets Manager's version
 * stages are per partner: rotating or onboarding one partner moves only its own AWSCURRENT and AWSPREVIOUS (the
 * others keep their grace windows), two rotations of two partners are two writes to two secrets (neither can lose the
 * other, as two read-modify-writes of one shared map could), and ending one partner's rotation early touches no one
 * else. A partner exists when its secret does: onboarding is creating it (`npm run rotate -- partner-secrets
 * --partner <name>`), with no deploy.
 */
export const partnerSecretName = (prefix: string, partner: string) => `${prefix}${partner}`;

/**
 * Only a name that could be a partner is looked up: anything else in the path is refused without a call to Secrets
 * Manager (and a slash could not reach another secret's name).
 */
export const isPartnerName = (partner: string) => PartnerName.safeParse(partner).success;

/**
 * The signing secrets a partner may be using right now: its AWSCURRENT and, while its own rotation is under way, its
 * AWSPREVIOUS. Undefined for a partner that has no secret: it was never onboarded.
 */
export const partnerSigningSecrets = (versions: SecretVersions | undefined): string[] | undefined =>
  versions ? acceptedValues(versions) : undefined;
