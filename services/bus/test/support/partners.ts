import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { partnerSecretName, rotateSecret } from '../../../../scripts/rotate';

/**
 * Onboards partners as `npm run rotate -- partner-secrets --partner <name>` does (each its own secret, created),
 * through the local cloud's Secrets Manager with the real SDK. Answers partner -> its signing secret.
 */
export async function onboardPartners(partners: string[]): Promise<Record<string, string>> {
  const client = new SecretsManagerClient({});
  try {
    const values = await Promise.all(
      partners.map(async (partner) => {
        const name = partnerSecretName('local', partner);
        return [partner, (await rotateSecret({ client, name, createIfMissing: true })).value] as const;
      }),
    );
    return Object.fromEntries(values);
  } finally {
    client.destroy();
  }
}
