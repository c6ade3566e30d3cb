import { forbidden, unauthorized } from './errors';
import type { HttpEvent } from './http';
import { header } from './http';
import { secrets } from './secrets';

/**
 * Checks a shared-key header (X-Service-Key, X-Dashboard-Token) against a Secrets Manager
 * secret, accepting AWSCURRENT and AWSPREVIOUS so a rotation never locks the operator out.
 * The secret is read first, so a stage without it fails loudly even for a request with no key.
 */
export async function requireSharedKey(event: HttpEvent, secretName: string, headerName: string): Promise<void> {
  await secrets.versions(secretName);
  const provided = header(event, headerName);
  if (!provided) throw unauthorized(`Send the ${headerName} header.`, 'missing_credentials');
  if (!(await secrets.matches(secretName, provided))) {
    throw forbidden(`The ${headerName} header is not valid for this stage.`, 'invalid_credentials');
  }
}
