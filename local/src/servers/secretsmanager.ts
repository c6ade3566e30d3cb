import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { secretArn } from '../definitions/intrinsics';
import { AwsError, awsJsonHandler, type Operations } from './aws-json';

/**
 * Secrets Manager's data model as far as rotation needs it: each secret has versions, and the
 * stages AWSCURRENT and AWSPREVIOUS point at them. PutSecretValue moves AWSCURRENT to the new
 * version and AWSPREVIOUS to the one that was current, exactly as AWS does.
 */
interface SecretVersion {
  id: string;
  value: string;
  stages: string[];
  createdAt: number;
}
interface Secret {
  name: string;
  arn: string;
  description?: string;
  versions: SecretVersion[];
  createdAt: number;
}

export class SecretsManagerState {
  private readonly secrets = new Map<string, Secret>();

  constructor(
    private readonly region: string,
    private readonly accountId: string,
    private readonly file?: string,
  ) {
    if (file && existsSync(file)) {
      for (const secret of JSON.parse(readFileSync(file, 'utf8')) as Secret[]) this.secrets.set(secret.name, secret);
    }
  }

  private save(): void {
    if (this.file) writeFileSync(this.file, JSON.stringify([...this.secrets.values()], null, 2));
  }

  find(secretId: unknown): Secret {
    if (typeof secretId !== 'string' || !secretId)
      throw new AwsError('InvalidParameterException', 'SecretId is required');
    const byName = this.secrets.get(secretId);
    if (byName) return byName;
    for (const secret of this.secrets.values()) {
      // A full ARN, or a partial ARN without the random suffix, names the secret too.
      if (secret.arn === secretId || (secretId.startsWith('arn:') && secret.arn.startsWith(`${secretId}-`)))
        return secret;
    }
    throw new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
  }

  has(name: string): boolean {
    return this.secrets.has(name);
  }

  current(name: string): string | undefined {
    return this.secrets.get(name)?.versions.find((v) => v.stages.includes('AWSCURRENT'))?.value;
  }

  create(input: { Name?: string; SecretString?: string; Description?: string; ClientRequestToken?: string }) {
    const name = input.Name;
    if (!name || !/^[A-Za-z0-9/_+=.@-]{1,512}$/.test(name))
      throw new AwsError('InvalidParameterException', 'Name must be 1-512 of A-Za-z0-9/_+=.@-');
    if (this.secrets.has(name))
      throw new AwsError('ResourceExistsException', `The operation failed because the secret ${name} already exists.`);
    const secret: Secret = {
      name,
      arn: secretArn({ region: this.region, accountId: this.accountId }, name),
      versions: [],
      createdAt: Date.now(),
    };
    if (input.Description) secret.description = input.Description;
    this.secrets.set(name, secret);
    let versionId: string | undefined;
    if (input.SecretString !== undefined)
      versionId = this.addVersion(secret, input.SecretString, input.ClientRequestToken);
    this.save();
    return { ARN: secret.arn, Name: name, ...(versionId ? { VersionId: versionId } : {}) };
  }

  private addVersion(secret: Secret, value: string, token?: string): string {
    const id = token ?? randomUUID();
    const existing = secret.versions.find((v) => v.id === id);
    if (existing) {
      // ClientRequestToken makes PutSecretValue idempotent; a different value under it is refused.
      if (existing.value !== value)
        throw new AwsError(
          'ResourceExistsException',
          'A version with this ClientRequestToken already exists with a different value.',
        );
      return id;
    }
    for (const version of secret.versions) {
      version.stages = version.stages.filter((s) => s !== 'AWSPREVIOUS');
      if (version.stages.includes('AWSCURRENT'))
        version.stages = [...version.stages.filter((s) => s !== 'AWSCURRENT'), 'AWSPREVIOUS'];
    }
    secret.versions.push({ id, value, stages: ['AWSCURRENT'], createdAt: Date.now() });
    // Versions without a stage are deprecated and eventually removed, as AWS does.
    secret.versions = secret.versions.filter((v) => v.stages.length > 0);
    return id;
  }

  put(input: { SecretId?: string; SecretString?: string; ClientRequestToken?: string }) {
    const secret = this.find(input.SecretId);
    if (input.SecretString === undefined) throw new AwsError('InvalidParameterException', 'SecretString is required');
    const id = this.addVersion(secret, input.SecretString, input.ClientRequestToken);
    this.save();
    return { ARN: secret.arn, Name: secret.name, VersionId: id, VersionStages: ['AWSCURRENT'] };
  }

  get(input: { SecretId?: string; VersionId?: string; VersionStage?: string }) {
    const secret = this.find(input.SecretId);
    const stage = input.VersionStage ?? (input.VersionId ? undefined : 'AWSCURRENT');
    const version = secret.versions.find(
      (v) => (input.VersionId ? v.id === input.VersionId : true) && (stage ? v.stages.includes(stage) : true),
    );
    if (!version) {
      throw new AwsError(
        'ResourceNotFoundException',
        `Secrets Manager can't find the specified secret value for ${
          input.VersionId ? `VersionId: ${input.VersionId}` : `staging label: ${stage}`
        }`,
      );
    }
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.id,
      SecretString: version.value,
      VersionStages: version.stages,
      CreatedDate: version.createdAt / 1000,
    };
  }

  describe(input: { SecretId?: string }) {
    const secret = this.find(input.SecretId);
    return {
      ARN: secret.arn,
      Name: secret.name,
      ...(secret.description ? { Description: secret.description } : {}),
      CreatedDate: secret.createdAt / 1000,
      VersionIdsToStages: Object.fromEntries(secret.versions.map((v) => [v.id, v.stages])),
    };
  }

  /**
   * UpdateSecretVersionStage as AWS does it: a label moves to MoveToVersionId (a label another version holds needs
   * RemoveFromVersionId naming that version), or only leaves RemoveFromVersionId; moving AWSCURRENT moves AWSPREVIOUS
   * to the version that was current; AWSCURRENT itself cannot just be removed. A version left without a label is
   * deprecated and goes, as in AWS (where it goes eventually).
   */
  updateVersionStage(input: {
    SecretId?: string;
    VersionStage?: string;
    MoveToVersionId?: string;
    RemoveFromVersionId?: string;
  }) {
    const secret = this.find(input.SecretId);
    const stage = input.VersionStage;
    if (!stage) throw new AwsError('InvalidParameterException', 'VersionStage is required');
    const byId = (id: string | undefined, what: string) => {
      const version = secret.versions.find((v) => v.id === id);
      if (!version)
        throw new AwsError('ResourceNotFoundException', `${what} ${id ?? ''} is not a version of the secret`);
      return version;
    };
    const holder = secret.versions.find((v) => v.stages.includes(stage));
    if (input.RemoveFromVersionId !== undefined) {
      const from = byId(input.RemoveFromVersionId, 'RemoveFromVersionId');
      if (from !== holder)
        throw new AwsError('InvalidParameterException', `Version ${from.id} does not have the staging label ${stage}`);
    }
    if (input.MoveToVersionId === undefined) {
      if (input.RemoveFromVersionId === undefined)
        throw new AwsError('InvalidParameterException', 'Name MoveToVersionId, RemoveFromVersionId or both');
      if (stage === 'AWSCURRENT')
        throw new AwsError('InvalidParameterException', 'You can only move AWSCURRENT to another version');
      holder!.stages = holder!.stages.filter((s) => s !== stage);
    } else {
      const to = byId(input.MoveToVersionId, 'MoveToVersionId');
      if (holder && holder !== to) {
        if (input.RemoveFromVersionId === undefined)
          throw new AwsError(
            'InvalidParameterException',
            `The staging label ${stage} is attached to version ${holder.id}: name it in RemoveFromVersionId`,
          );
        holder.stages = holder.stages.filter((s) => s !== stage);
        if (stage === 'AWSCURRENT') {
          for (const v of secret.versions) v.stages = v.stages.filter((s) => s !== 'AWSPREVIOUS');
          holder.stages.push('AWSPREVIOUS');
        }
      }
      if (!to.stages.includes(stage)) to.stages.push(stage);
    }
    secret.versions = secret.versions.filter((v) => v.stages.length > 0);
    this.save();
    return { ARN: secret.arn, Name: secret.name };
  }

  /** ListSecrets names a secret's versions SecretVersionsToStages (DescribeSecret: VersionIdsToStages). */
  list() {
    return {
      SecretList: [...this.secrets.values()].map((secret) => {
        const { VersionIdsToStages, ...entry } = this.describe({ SecretId: secret.name });
        const lastChanged = Math.max(secret.createdAt, ...secret.versions.map((v) => v.createdAt));
        return { ...entry, LastChangedDate: lastChanged / 1000, SecretVersionsToStages: VersionIdsToStages };
      }),
    };
  }

  delete(input: { SecretId?: string }) {
    const secret = this.find(input.SecretId);
    this.secrets.delete(secret.name);
    this.save();
    return { ARN: secret.arn, Name: secret.name, DeletionDate: Date.now() / 1000 };
  }
}

export function secretsManagerHandler(state: SecretsManagerState) {
  const operations: Operations = {
    CreateSecret: (input) => state.create(input),
    PutSecretValue: (input) => state.put(input),
    GetSecretValue: (input) => state.get(input),
    DescribeSecret: (input) => state.describe(input),
    ListSecrets: () => state.list(),
    DeleteSecret: (input) => state.delete(input),
    UpdateSecretVersionStage: (input) => state.updateVersionStage(input),
  };
  return awsJsonHandler('secretsmanager', operations, '1.1');
}
