import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_STATE_DIR } from './running';
import type { GenerateSecretString, SecretWiring } from '../definitions/service';

const LETTERS_AND_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const PUNCTUATION = '!#$%&*+-=?@^_';

/** A value as Secrets Manager's GenerateSecretString would make it (length and punctuation only). */
function generateSecret(spec: GenerateSecretString | undefined): string {
  const length = Number(spec?.PasswordLength ?? 32);
  const alphabet = spec?.ExcludePunctuation ? LETTERS_AND_DIGITS : LETTERS_AND_DIGITS + PUNCTUATION;
  return Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join('');
}

/** A local value for a secret the stack defines: generated, or its SecretString with empty JSON fields filled. */
export function localSecretValue(secret: SecretWiring): string {
  if (secret.generate) return generateSecret(secret.generate);
  const text = secret.secretString ?? '';
  const parsed = parseJsonObject(text);
  if (parsed) {
    // The partner map ships with empty secrets that an operator fills per stage; locally we fill them.
    const filled = Object.entries(parsed).map(([k, v]) => [
      k,
      v === '' ? generateSecret({ PasswordLength: 40, ExcludePunctuation: true }) : v,
    ]);
    return JSON.stringify(Object.fromEntries(filled));
  }
  return text || generateSecret(undefined);
}

/** The text as a JSON object, or undefined for a plain string secret. */
function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `<stateDir>/secrets.json`: secret name -> current value. It outlives a fresh start, so the
 * local values (and the links and signatures made with them) stay the same from run to run.
 */
export const secretsFile = (stateDir = DEFAULT_STATE_DIR) => join(stateDir, 'secrets.json');

export function readSecretsFile(stateDir?: string): Record<string, string> {
  const file = secretsFile(stateDir);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
}

export function writeSecretsFile(stateDir: string | undefined, secrets: Record<string, string>): void {
  writeFileSync(secretsFile(stateDir), `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
}
