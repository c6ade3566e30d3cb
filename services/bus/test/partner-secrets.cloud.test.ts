import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { startLocalCloud, UNTHROTTLED, type LocalCloud } from '@charter/local/testing';
import { finishRotation, main, migratePartnerMap, partnerSecretName, rotateSecret } from '../../../scripts/rotate';
import { signatureHeader } from '../src/domain/signature';
import { onboardPartners } from './support/partners';

/**
 * Each partner's own secret (charter/<stage>/partner-secret/<partner>), rotated, onboarded, finished and migrated with
 * `npm run rotate` through the local Secrets Manager (the real SDK), and what the intake accepts through the local
 * HTTP API after each step.
 */
const sample = JSON.parse(
  readFileSync(join(__dirname, '../../../events/samples/boatsetter-xhqgmdh.json'), 'utf8'),
) as Record<string, unknown>;

let cloud: LocalCloud;
let client: SecretsManagerClient;
let bookings = 0;

beforeAll(async () => {
  // Many requests a second, one after another: these tests are not about throttling.
  cloud = await startLocalCloud({ services: ['bus'], run: true, params: UNTHROTTLED });
  client = new SecretsManagerClient({});
});
afterAll(async () => {
  client?.destroy();
  await cloud?.stop();
});

/** The status the intake answers a fresh booking from `partner` signed with `secret`. */
async function statusSignedWith(partner: string, secret: string): Promise<number> {
  const body = JSON.stringify({ ...sample, booking_id: `secret-${++bookings}` });
  const res = await fetch(`${cloud.endpoints.api}/partners/${partner}/bookings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-charter-signature': signatureHeader(secret, body) },
    body,
  });
  return res.status;
}

const rotate = async (partner: string) =>
  (await rotateSecret({ client, name: partnerSecretName('local', partner), createIfMissing: true })).value;
/** The intake's environments forget what they cached: what any of them would see once the cache time is over. */
const afterCacheTime = () => cloud.runtime!.coldStart();

describe('one secret per partner', () => {
  it("rotating partner A leaves partner B's grace window intact", async () => {
    const first = await onboardPartners(['grace-a', 'grace-b']);
    const bNew = await rotate('grace-b');
    // B is mid-rotation (its old secret still accepted) when A rotates.
    const aNew = await rotate('grace-a');
    await afterCacheTime();
    expect(await statusSignedWith('grace-b', first['grace-b']!)).toBe(202);
    expect(await statusSignedWith('grace-b', bNew)).toBe(202);
    expect(await statusSignedWith('grace-a', first['grace-a']!)).toBe(202);
    expect(await statusSignedWith('grace-a', aNew)).toBe(202);
  });

  it('keeps both of two rotations made at the same moment, of two partners', async () => {
    const first = await onboardPartners(['both-a', 'both-b']);
    const [aNew, bNew] = await Promise.all([rotate('both-a'), rotate('both-b')]);
    await afterCacheTime();
    for (const [partner, secrets] of [
      ['both-a', [first['both-a']!, aNew]],
      ['both-b', [first['both-b']!, bNew]],
    ] as const) {
      for (const secret of secrets)
        expect({ partner, status: await statusSignedWith(partner, secret) }).toEqual({
          partner,
          status: 202,
        });
    }
  });

  it('ends a rotation with --finish: the previous secret stops working, the current one goes on', async () => {
    const { 'finish-a': old } = await onboardPartners(['finish-a']);
    const current = await rotate('finish-a');
    const printed: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    try {
      await main(['partner-secrets', '--partner', 'finish-a', '--finish'], { stateDir: cloud.stateDir });
    } finally {
      log.mockRestore();
    }
    expect(printed[0]).toMatch(/^finished the rotation of charter\/local\/partner-secret\/finish-a/);
    // AWSPREVIOUS is gone, the old version with it; AWSCURRENT is untouched.
    const { VersionIdsToStages } = await client.send(
      new DescribeSecretCommand({ SecretId: partnerSecretName('local', 'finish-a') }),
    );
    expect(Object.values(VersionIdsToStages ?? {})).toEqual([['AWSCURRENT']]);
    await afterCacheTime();
    expect(await statusSignedWith('finish-a', old!)).toBe(401);
    expect(await statusSignedWith('finish-a', current)).toBe(202);
    // Nothing left to finish.
    expect(await finishRotation(client, partnerSecretName('local', 'finish-a'))).toBeUndefined();
  });

  it('accepts a partner onboarded with npm run rotate at once, with the secret it printed', async () => {
    const printed: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    try {
      await main(['partner-secrets', '--partner', 'newco'], { stateDir: cloud.stateDir });
    } finally {
      log.mockRestore();
    }
    expect(printed[0]).toMatch(/^onboarded partner newco/);
    // No wait and no cold start: the intake's warm environments have never looked newco up.
    expect(await statusSignedWith('newco', printed[1]!)).toBe(202);
    expect(await statusSignedWith('newco', 'a guess')).toBe(401);
  });

  it('accepts a partner refused a moment ago as unknown within seconds of onboarding it', async () => {
    expect(await statusSignedWith('late-co', 'anything')).toBe(404);
    const { 'late-co': secret } = await onboardPartners(['late-co']);
    // The absence was read just now: a miss re-reads it at most every 5 s, so a flood of unknown names stays cheap.
    await new Promise((resolve) => setTimeout(resolve, 5_200));
    expect(await statusSignedWith('late-co', secret!)).toBe(202);
  }, 20_000);

  it('refuses an offboarded partner (its secret deleted) as unknown once the cache time is over', async () => {
    const { 'gone-co': secret } = await onboardPartners(['gone-co']);
    expect(await statusSignedWith('gone-co', secret!)).toBe(202);
    await client.send(
      new DeleteSecretCommand({ SecretId: partnerSecretName('local', 'gone-co'), ForceDeleteWithoutRecovery: true }),
    );
    await afterCacheTime();
    expect(await statusSignedWith('gone-co', secret!)).toBe(404);
  });
});

describe('npm run rotate -- partner-secrets --migrate: the shared map to one secret per partner', () => {
  const legacy = 'charter/local/partner-secrets';

  it("gives each partner its own secret with the map's values, keeping a rotation under way, once", async () => {
    // The map as an existing stage has it (the stack still defines it, retained): mig-b was rotated in the map, so its
    // old value is in AWSPREVIOUS.
    await client.send(
      new PutSecretValueCommand({
        SecretId: legacy,
        SecretString: JSON.stringify({ 'mig-a': 'a-secret', 'mig-b': 'b-old', 'mig-c': '' }),
      }),
    );
    await client.send(
      new PutSecretValueCommand({
        SecretId: legacy,
        SecretString: JSON.stringify({ 'mig-a': 'a-secret', 'mig-b': 'b-new', 'mig-c': '' }),
      }),
    );
    expect(await migratePartnerMap(client, 'local')).toEqual({
      'mig-a': 'migrated',
      'mig-b': 'migrated',
      'mig-c': 'not_set_up',
    });
    const stage = async (partner: string, VersionStage: string) =>
      (await client.send(new GetSecretValueCommand({ SecretId: partnerSecretName('local', partner), VersionStage })))
        .SecretString;
    expect([await stage('mig-b', 'AWSCURRENT'), await stage('mig-b', 'AWSPREVIOUS')]).toEqual(['b-new', 'b-old']);
    expect(await stage('mig-a', 'AWSCURRENT')).toBe('a-secret');
    for (const [partner, secret, status] of [
      ['mig-a', 'a-secret', 202],
      ['mig-b', 'b-new', 202],
      ['mig-b', 'b-old', 202],
      ['mig-c', 'anything', 404],
    ] as const) {
      expect({ partner, secret, status: await statusSignedWith(partner, secret) }).toEqual({ partner, secret, status });
    }
    // A second run changes nothing, even after a partner rotated on its own.
    await rotate('mig-a');
    expect(await migratePartnerMap(client, 'local')).toEqual({
      'mig-a': 'already_migrated',
      'mig-b': 'already_migrated',
      'mig-c': 'not_set_up',
    });
  });
});
