/**
 * Rotates one of the stage's secrets: `npm run rotate -- <secret> [--stage local] [--partner name] [--print]`
 *
 *   npm run rotate -- scc-service-key                       local stage (the local cloud must be running)
 *   npm run rotate -- magic-link-key --stage prod           AWS, with the default credentials chain
 *   npm run rotate -- partner-secrets --partner boatsetter  one partner's webhook secret in the JSON map
 *
 * PutSecretValue makes the new value AWSCURRENT and moves AWSPREVIOUS to the value it replaces;
 * every reader accepts both, so nothing breaks while callers switch. The rotation after this one
 * retires the old value. Locally the new value is printed (and .local/secrets.json updated);
 * for a real stage it is printed only with --print, because a terminal log is not a vault.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  CREDENTIALS,
  readSecretsFile,
  REGION,
  runningEndpoints,
  secretsFile,
  writeSecretsFile,
} from '@charter/local/cloud';

/** The secrets the stacks define (charter/<stage>/<short name>). */
export const ROTATABLE = ['scc-service-key', 'dashboard-token', 'magic-link-key', 'partner-secrets'] as const;

export const secretName = (stage: string, shortName: string) => `charter/${stage}/${shortName}`;

/** 48 URL-safe characters from 36 random bytes (288 bits): fits a header, a URL and an HMAC key. */
export const freshSecretValue = () => randomBytes(36).toString('base64url');

export interface RotateOptions {
  client: SecretsManagerClient;
  name: string;
  /** For the partner map: the partner whose value is replaced; the others are kept. */
  partner?: string;
  /** The new value; random by default. */
  value?: string;
}

/**
 * Puts a new AWSCURRENT value and returns it (for the partner map, the partner's new value and
 * the whole new map).
 */
export async function rotateSecret({
  client,
  name,
  partner,
  value = freshSecretValue(),
}: RotateOptions): Promise<{ value: string; secretString: string; versionId?: string }> {
  let secretString = value;
  if (partner !== undefined) {
    const current = await client.send(new GetSecretValueCommand({ SecretId: name }));
    let map: unknown;
    try {
      map = JSON.parse(current.SecretString ?? '{}');
    } catch {
      throw new Error(`${name} is not a JSON map of partner -> secret; fix it before rotating one partner`);
    }
    if (!map || typeof map !== 'object' || Array.isArray(map))
      throw new Error(`${name} is not a JSON map of partner -> secret`);
    if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(partner))
      throw new Error(`${partner} is not a partner name (lowercase letters, digits, -)`);
    secretString = JSON.stringify({ ...(map as Record<string, string>), [partner]: value });
  }
  const result = await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: secretString }));
  return { value, secretString, ...(result.VersionId ? { versionId: result.VersionId } : {}) };
}

interface Args {
  shortName: string;
  stage: string;
  partner?: string;
  print: boolean;
}

export function parseArgs(argv: string[]): Args {
  const positional: string[] = [];
  let stage = 'local';
  let partner: string | undefined;
  let print = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.split('=', 2) as [string, string | undefined];
    const next = () => {
      const value = inline ?? argv[++i];
      if (!value) throw new Error(`${flag} needs a value`);
      return value;
    };
    if (flag === '--stage') stage = next();
    else if (flag === '--partner') partner = next();
    else if (flag === '--print') print = true;
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`);
    else positional.push(arg);
  }
  const [shortName] = positional;
  if (!shortName || positional.length > 1)
    throw new Error('name one secret: npm run rotate -- <secret> [--stage local] [--partner name]');
  if (!(ROTATABLE as readonly string[]).includes(shortName))
    throw new Error(`unknown secret ${shortName}; one of ${ROTATABLE.join(', ')}`);
  if (shortName === 'partner-secrets' && !partner)
    throw new Error('partner-secrets holds one secret per partner: add --partner <name>');
  if (shortName !== 'partner-secrets' && partner) throw new Error('--partner only applies to partner-secrets');
  if (!/^[a-z0-9-]{1,32}$/.test(stage)) throw new Error(`${stage} is not a stage name`);
  return { shortName, stage, print, ...(partner ? { partner } : {}) };
}

/** The running local cloud's Secrets Manager. */
function localClient(stateDir?: string): SecretsManagerClient {
  const endpoint = runningEndpoints(stateDir).secretsmanager;
  return new SecretsManagerClient({ region: REGION, endpoint, credentials: CREDENTIALS });
}

/** Keeps .local/secrets.json (what a developer and the samples read) in step with the local store. */
function updateLocalSecretsFile(name: string, secretString: string, stateDir?: string): void {
  if (!existsSync(secretsFile(stateDir))) return;
  writeSecretsFile(stateDir, { ...readSecretsFile(stateDir), [name]: secretString });
}

export async function main(argv: string[], options: { stateDir?: string } = {}): Promise<void> {
  const args = parseArgs(argv);
  const local = args.stage === 'local';
  const client = local ? localClient(options.stateDir) : new SecretsManagerClient({});
  const name = secretName(args.stage, args.shortName);
  const result = await rotateSecret({ client, name, ...(args.partner ? { partner: args.partner } : {}) });
  client.destroy();
  if (local) updateLocalSecretsFile(name, result.secretString, options.stateDir);
  const what = args.partner ? `${name} (partner ${args.partner})` : name;
  console.log(
    `rotated ${what}: new version ${result.versionId ?? '(unknown)'} is AWSCURRENT; ` +
      'the old value stays valid as AWSPREVIOUS until the next rotation',
  );
  if (local || args.print) console.log(result.value);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: Error) => {
    const hint = /ECONNREFUSED/.test(error.message) ? ' (is the local cloud running? npm run local)' : '';
    console.error(`rotate: ${error.message}${hint}`);
    process.exitCode = 1;
  });
}
