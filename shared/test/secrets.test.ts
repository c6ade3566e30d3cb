import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretReader, acceptedValues, matchesAny } from '../src/secrets';

/** A Secrets Manager that holds one secret's version stages and counts the reads. */
function fakeSecretsManager(stages: { AWSCURRENT?: string; AWSPREVIOUS?: string }) {
  const state = { stages, reads: 0, failing: false };
  const client = {
    send: (command: GetSecretValueCommand) => {
      state.reads++;
      if (state.failing)
        return Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
      const value = state.stages[command.input.VersionStage as 'AWSCURRENT' | 'AWSPREVIOUS'];
      if (value === undefined) {
        return Promise.reject(Object.assign(new Error('no such version'), { name: 'ResourceNotFoundException' }));
      }
      return Promise.resolve({ SecretString: value });
    },
  } as unknown as SecretsManagerClient;
  return { client, state };
}

describe('SecretReader.check: one way to check a credential against a rotating secret', () => {
  let now = 1_000_000;
  beforeEach(() => jest.spyOn(Date, 'now').mockImplementation(() => now));
  afterEach(() => jest.restoreAllMocks());
  const equals = (candidate: string) => (accepted: Parameters<typeof acceptedValues>[0]) =>
    matchesAny(candidate, acceptedValues(accepted));

  it('accepts the current and, during a rotation, the previous value', async () => {
    const { client } = fakeSecretsManager({ AWSCURRENT: 'new', AWSPREVIOUS: 'old' });
    const reader = new SecretReader(client, 300);
    expect(await reader.check('key', equals('new'))).toBe(true);
    expect(await reader.check('key', equals('old'))).toBe(true);
    expect(await reader.check('key', equals('other'))).toBe(false);
  });

  it('reads again after a miss, so a key rotated a moment ago is accepted without waiting for the cache', async () => {
    const { client, state } = fakeSecretsManager({ AWSCURRENT: 'v1' });
    const reader = new SecretReader(client, 300);
    expect(await reader.check('key', equals('v1'))).toBe(true);
    state.stages = { AWSCURRENT: 'v2', AWSPREVIOUS: 'v1' };
    now += 6_000;
    expect(await reader.check('key', equals('v2'))).toBe(true);
  });

  it('reads again at most every 5 s per secret, however many wrong keys arrive', async () => {
    const { client, state } = fakeSecretsManager({ AWSCURRENT: 'v1' });
    const reader = new SecretReader(client, 300);
    await reader.versions('key');
    const initial = state.reads;
    for (let i = 0; i < 60; i++) {
      expect(await reader.check('key', equals(`wrong-${i}`))).toBe(false);
      now += 100;
    }
    // 60 wrong keys over 6 s: one refresh at the 5-second mark, two reads (AWSCURRENT and AWSPREVIOUS) each.
    expect(state.reads - initial).toBe(2);
  });

  it('keeps a failed read for a few seconds, so a failing Secrets Manager is not asked once per request', async () => {
    const { client, state } = fakeSecretsManager({ AWSCURRENT: 'v1' });
    state.failing = true;
    const reader = new SecretReader(client, 300);
    for (let i = 0; i < 20; i++) await expect(reader.versions('key')).rejects.toThrow('Rate exceeded');
    expect(state.reads).toBe(2);
    state.failing = false;
    now += 5_001;
    expect(await reader.versions('key')).toEqual({ current: 'v1' });
  });

  it('names a secret without an AWSCURRENT value as not configured', async () => {
    const { client } = fakeSecretsManager({});
    await expect(new SecretReader(client, 300).versions('charter/x/key')).rejects.toMatchObject({
      name: 'NotConfiguredError',
      missing: 'secret charter/x/key',
    });
  });

  it('answers undefined for a secret that does not exist (lookup), and looks again a few seconds later', async () => {
    const { client, state } = fakeSecretsManager({});
    const reader = new SecretReader(client, 300);
    expect(await reader.lookup('charter/x/partner-secret/newco')).toBeUndefined();
    expect(await reader.lookup('charter/x/partner-secret/newco')).toBeUndefined();
    expect(state.reads).toBe(2);
    state.stages = { AWSCURRENT: 'created' };
    now += 5_001;
    expect(await reader.lookup('charter/x/partner-secret/newco')).toEqual({ current: 'created' });
  });

  it('checkIfExists: a secret created a moment ago is found by the re-read a miss makes', async () => {
    const { client, state } = fakeSecretsManager({});
    const reader = new SecretReader(client, 300);
    const exists = (accepted: unknown) => accepted !== undefined;
    expect(await reader.checkIfExists('key', exists)).toBe(false);
    state.stages = { AWSCURRENT: 'created' };
    expect(await reader.checkIfExists('key', exists)).toBe(false);
    now += 6_000;
    expect(await reader.checkIfExists('key', exists)).toBe(true);
  });

  it('keeps at most 500 secrets, so a stream of made-up names cannot grow the cache without bound', async () => {
    const { client, state } = fakeSecretsManager({ AWSCURRENT: 'v' });
    const reader = new SecretReader(client, 300);
    await reader.lookup('kept-first');
    for (let i = 0; i < 500; i++) await reader.lookup(`made-up-${i}`);
    const reads = state.reads;
    await reader.lookup('made-up-499');
    expect(state.reads).toBe(reads);
    await reader.lookup('kept-first');
    expect(state.reads).toBe(reads + 2);
  });
});
