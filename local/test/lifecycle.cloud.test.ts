import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startLocalCloud } from '@charter/local/testing';

describe('starting and stopping the local cloud', () => {
  let stateDir: string;
  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'charter-lifecycle-'));
  });
  afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

  it('refuses a second cloud on the same state directory, without touching the first', async () => {
    const first = await startLocalCloud({ services: [], stateDir });
    try {
      await expect(startLocalCloud({ services: [], stateDir })).rejects.toThrow(/already running from .*stop it first/);
      // The first one still answers.
      expect((await fetch(`${first.endpoints.ses}/health-check`)).status).toBe(200);
    } finally {
      await first.stop();
    }
    const again = await startLocalCloud({ services: [], stateDir });
    await again.stop();
  });

  it('names the busy port and what wanted it', async () => {
    const blocker = createServer();
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    await new Promise<void>((resolve) => blocker.listen(base + 4, '127.0.0.1', resolve));
    try {
      await expect(startLocalCloud({ services: [], stateDir, ports: 'default', portBase: base })).rejects.toThrow(
        `Port ${base + 4} (dynamodb) is already in use`,
      );
    } finally {
      blocker.close();
    }
  });

  it('keeps objects and rotated secrets across restarts with persist, and forgets them without', async () => {
    const key = 'g/persisted.html';
    const secret = 'charter/local/scc-service-key';
    const first = await startLocalCloud({ services: ['guest-pages', 'scc'], stateDir, persist: true });
    const bucket = first.services.flatMap((s) => s.buckets).find((b) => b.name.includes('guest-site'))!.name;
    await new S3Client({ forcePathStyle: true }).send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'kept' }));
    await new SecretsManagerClient({}).send(
      new PutSecretValueCommand({ SecretId: secret, SecretString: 'rotated-value' }),
    );
    await first.stop();

    const persisted = await startLocalCloud({ services: ['guest-pages', 'scc'], stateDir, persist: true });
    const object = await new S3Client({ forcePathStyle: true }).send(
      new GetObjectCommand({ Bucket: bucket, Key: key }),
    );
    expect(await object.Body!.transformToString()).toBe('kept');
    const previous = await new SecretsManagerClient({}).send(
      new GetSecretValueCommand({ SecretId: secret, VersionStage: 'AWSCURRENT' }),
    );
    expect(previous.SecretString).toBe('rotated-value');
    await persisted.stop();

    const fresh = await startLocalCloud({ services: ['guest-pages', 'scc'], stateDir });
    await expect(
      new S3Client({ forcePathStyle: true }).send(new GetObjectCommand({ Bucket: bucket, Key: key })),
    ).rejects.toMatchObject({ name: 'NoSuchKey' });
    await fresh.stop();
  });
});
