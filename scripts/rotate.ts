/**
 * Rotates one of the stage's secrets, or ends a rotation early:
 *
 *   npm run rotate -- scc-service-key                          local stage (the local cloud must be running)
 *   npm run rotate -- magic-link-key --stage prod              AWS, with the default credentials chain
 *   npm run rotate -- partner-secrets --partner acme --print   one partner's own webhook secret (onboards a new one)
 *   npm run rotate -- partner-secrets --partner acme --finish  the partner's previous secret stops working
 *   npm run rotate -- partner-secrets --migrate --stage prod   once: the old shared map -> one secret per partner
 *
 * A rotation is PutSecretValue: the new value becomes AWSCURRENT and the one it replaces AWSPREVIOUS; every reader
 * accepts both, so nothing breaks while callers switch. The rotation after this one retires the old value, or
 * `--finish` does it at once (UpdateSecretVersionStage moves AWSPREVIOUS off the old version): readers stop
 * accepting it once their cached copy expires (5 minutes, SECRETS_CACHE_SECONDS). Locally the new value is printed
 * (and .local/secrets.json updated); for a real stage it is printed only with --print, because a terminal log is not
 * a vault.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import {
  CREDENTIALS,
  readSecretsFile,
  REGION,
  runningEndpoints,
  secretsFile,
  writeSecretsFile,
} from '@charter/local/cloud';

/** The secrets the stacks define (charter/<stage>/<short name>), and the partners' own (partner-secrets). */
export const ROTATABLE = [
  'scc-service-key',
  'dashboard-token',
  'magic-link-key',
  'guest-upload-key',
  'partner-secrets',
] as const;

const PARTNER_NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;

/**
 * Keys whose signatures were handed out before the rotation and live on without us: crew links in emails already
 * sent, upload tokens in guest pages already rendered (a page gets a token of the new key only when its booking
 * next changes). Ending such a rotation early breaks them all, so `--finish` wants `--force` too.
 */
const HANDED_OUT: Record<string, string> = {
  'guest-upload-key': 'the upload token of every guest page rendered before the rotation',
  'magic-link-key': 'the crew link in every email sent before the rotation',
};

export const secretName = (stage: string, shortName: string) => `charter/${stage}/${shortName}`;

/** One partner's webhook signing secret, which the intake reads as `PARTNER_SECRET_NAME_PREFIX` + the partner. */
export const partnerSecretName = (stage: string, partner: string) => `charter/${stage}/partner-secret/${partner}`;

/** The map every partner shared before each had its own secret; `--migrate` reads it. */
export const legacyPartnerMapName = (stage: string) => secretName(stage, 'partner-secrets');

/** 48 URL-safe characters from 36 random bytes (288 bits): fits a header, a URL and an HMAC key. */
export const freshSecretValue = () => randomBytes(36).toString('base64url');

const isNotFound = (error: unknown) => (error as Error).name === 'ResourceNotFoundException';

export interface RotateOptions {
  client: SecretsManagerClient;
  name: string;
  /** The new value; random by default. */
  value?: string;
  /** Create the secret when it does not exist yet (a partner onboarded for the first time). */
  createIfMissing?: boolean;
}

/** Puts a new AWSCURRENT value and returns it. */
export async function rotateSecret({
  client,
  name,
  value = freshSecretValue(),
  createIfMissing = false,
}: RotateOptions): Promise<{ value: string; versionId?: string; created: boolean }> {
  try {
    const result = await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: value }));
    return { value, created: false, ...(result.VersionId ? { versionId: result.VersionId } : {}) };
  } catch (error) {
    if (!createIfMissing || !isNotFound(error)) throw error;
  }
  try {
    const created = await client.send(
      new CreateSecretCommand({
        Name: name,
        SecretString: value,
        Description:
          'Webhook signing secret of one partner. Rotate with `npm run rotate -- partner-secrets --partner`.',
      }),
    );
    return { value, created: true, ...(created.VersionId ? { versionId: created.VersionId } : {}) };
  } catch (error) {
    // Onboarded by someone else at the same moment: rotate the secret they created.
    if ((error as Error).name !== 'ResourceExistsException') throw error;
    return rotateSecret({ client, name, value });
  }
}

/**
 * Ends a rotation early: the version labelled AWSPREVIOUS loses the label (and, with no label left, is deprecated),
 * so only AWSCURRENT is accepted once readers' caches expire. Answers the version it retired, or undefined when no
 * rotation was under way.
 */
export async function finishRotation(client: SecretsManagerClient, name: string): Promise<string | undefined> {
  const described = await client.send(new DescribeSecretCommand({ SecretId: name }));
  const previous = Object.entries(described.VersionIdsToStages ?? {}).find(([, stages]) =>
    stages.includes('AWSPREVIOUS'),
  )?.[0];
  if (!previous) return undefined;
  await client.send(
    new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'AWSPREVIOUS', RemoveFromVersionId: previous }),
  );
  return previous;
}

async function readStage(client: SecretsManagerClient, name: string, stage: 'AWSCURRENT' | 'AWSPREVIOUS') {
  try {
    return (await client.send(new GetSecretValueCommand({ SecretId: name, VersionStage: stage }))).SecretString;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

const asPartnerMap = (text: string | undefined, name: string): Record<string, string> => {
  let map: unknown;
  try {
    map = JSON.parse(text ?? '{}');
  } catch {
    map = undefined;
  }
  if (!map || typeof map !== 'object' || Array.isArray(map)) throw new Error(`${name} is not a JSON map`);
  return map as Record<string, string>;
};

/**
 * Copies the shared map `charter/<stage>/partner-secrets` into one secret per partner, keeping each partner's grace:
 * a partner whose map entry was mid-rotation gets its previous value as AWSPREVIOUS and its current as AWSCURRENT.
 * A partner that already has its own secret is left alone (so a second run changes nothing), as is one with an
 * empty entry (never set up). Answers what became of each partner; never the values.
 */
export async function migratePartnerMap(
  client: SecretsManagerClient,
  stage: string,
): Promise<Record<string, 'migrated' | 'already_migrated' | 'not_set_up'>> {
  const legacy = legacyPartnerMapName(stage);
  const currentText = await readStage(client, legacy, 'AWSCURRENT');
  if (currentText === undefined) throw new Error(`${legacy} does not exist: nothing to migrate`);
  const current = asPartnerMap(currentText, legacy);
  const previous = asPartnerMap(await readStage(client, legacy, 'AWSPREVIOUS'), legacy);
  const outcome: Record<string, 'migrated' | 'already_migrated' | 'not_set_up'> = {};
  for (const [partner, value] of Object.entries(current)) {
    if (!PARTNER_NAME.test(partner)) throw new Error(`${legacy} names "${partner}", which is not a partner name`);
    const name = partnerSecretName(stage, partner);
    const older = previous[partner];
    const first = older && older !== value ? older : value;
    const existing = value ? await readStage(client, name, 'AWSCURRENT') : undefined;
    if (!value) outcome[partner] = 'not_set_up';
    else if (existing === undefined) {
      await client.send(new CreateSecretCommand({ Name: name, SecretString: first }));
      if (first !== value) await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: value }));
      outcome[partner] = 'migrated';
    } else if (existing === first && first !== value) {
      // A run stopped between the two writes left the previous value current: the second write completes it.
      await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: value }));
      outcome[partner] = 'migrated';
    } else outcome[partner] = 'already_migrated';
  }
  return outcome;
}

interface Args {
  shortName: string;
  stage: string;
  partner?: string;
  print: boolean;
  action: 'rotate' | 'finish' | 'migrate';
  force?: boolean;
}

export function parseArgs(argv: string[]): Args {
  const positional: string[] = [];
  let stage = 'local';
  let partner: string | undefined;
  let print = false;
  let force = false;
  const actions: Args['action'][] = [];
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
    else if (flag === '--force') force = true;
    else if (flag === '--finish') actions.push('finish');
    else if (flag === '--migrate') actions.push('migrate');
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`);
    else positional.push(arg);
  }
  const [shortName] = positional;
  if (!shortName || positional.length > 1)
    throw new Error('name one secret: npm run rotate -- <secret> [--stage local] [--partner name] [--finish]');
  if (!(ROTATABLE as readonly string[]).includes(shortName))
    throw new Error(`unknown secret ${shortName}; one of ${ROTATABLE.join(', ')}`);
  if (actions.length > 1) throw new Error('--finish and --migrate are two different things: pick one');
  const action = actions[0] ?? 'rotate';
  if (action === 'migrate' && (shortName !== 'partner-secrets' || partner))
    throw new Error('--migrate applies to partner-secrets as a whole (no --partner)');
  if (shortName === 'partner-secrets' && action !== 'migrate' && !partner)
    throw new Error('each partner has its own secret: add --partner <name>');
  if (shortName !== 'partner-secrets' && partner) throw new Error('--partner only applies to partner-secrets');
  if (partner && !PARTNER_NAME.test(partner))
    throw new Error(`${partner} is not a partner name (lowercase letters, digits, -)`);
  if (!/^[a-z0-9-]{1,32}$/.test(stage)) throw new Error(`${stage} is not a stage name`);
  const breaks = HANDED_OUT[shortName];
  if (action === 'finish' && breaks && !force)
    throw new Error(`finishing a ${shortName} rotation stops ${breaks} from working; add --force if that is the point`);
  return { shortName, stage, print, action, ...(partner ? { partner } : {}), ...(force ? { force } : {}) };
}

/** The running local cloud's Secrets Manager. */
function localClient(stateDir?: string): SecretsManagerClient {
  const endpoint = runningEndpoints(stateDir).secretsmanager;
  return new SecretsManagerClient({ region: REGION, endpoint, credentials: CREDENTIALS });
}

/** Keeps .local/secrets.json (what a developer and the samples read) in step with the local store. */
function updateLocalSecretsFile(name: string, value: string, stateDir?: string): void {
  if (!existsSync(secretsFile(stateDir))) return;
  writeSecretsFile(stateDir, { ...readSecretsFile(stateDir), [name]: value });
}

async function run(args: Args, client: SecretsManagerClient, options: { stateDir?: string }): Promise<void> {
  const local = args.stage === 'local';
  if (args.action === 'migrate') {
    const outcome = await migratePartnerMap(client, args.stage);
    for (const [partner, what] of Object.entries(outcome)) console.log(`${partner}: ${what.replace(/_/g, ' ')}`);
    console.log(`now deploy the bus service; ${legacyPartnerMapName(args.stage)} is no longer read`);
    return;
  }
  const name = args.partner ? partnerSecretName(args.stage, args.partner) : secretName(args.stage, args.shortName);
  if (args.action === 'finish') {
    const retired = await finishRotation(client, name);
    console.log(
      retired
        ? `finished the rotation of ${name}: version ${retired} is no longer AWSPREVIOUS; readers stop accepting ` +
            'it within their cache time (5 minutes)'
        : `${name} has no rotation under way (no AWSPREVIOUS): nothing to finish`,
    );
    return;
  }
  const result = await rotateSecret({ client, name, createIfMissing: args.partner !== undefined });
  if (local) updateLocalSecretsFile(name, result.value, options.stateDir);
  console.log(
    result.created
      ? `onboarded partner ${args.partner}: created ${name}; the intake accepts its signature at once`
      : `rotated ${name}: new version ${result.versionId ?? '(unknown)'} is AWSCURRENT; the old value stays valid ` +
          `as AWSPREVIOUS until the next rotation or \`npm run rotate -- ${args.shortName}` +
          `${args.partner ? ` --partner ${args.partner}` : ''} --finish\``,
  );
  if (local || args.print) console.log(result.value);
}

export async function main(argv: string[], options: { stateDir?: string } = {}): Promise<void> {
  const args = parseArgs(argv);
  const client = args.stage === 'local' ? localClient(options.stateDir) : new SecretsManagerClient({});
  try {
    await run(args, client, options);
  } finally {
    client.destroy();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: Error) => {
    const hint = /ECONNREFUSED/.test(error.message) ? ' (is the local cloud running? npm run local)' : '';
    console.error(`rotate: ${error.message}${hint}`);
    process.exitCode = 1;
  });
}
