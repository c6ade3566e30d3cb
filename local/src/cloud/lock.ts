import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One local cloud per state directory: a second start would wipe or share the first one's data,
 * endpoints and secrets. The lock holds the owner's pid; a lock whose process is gone is stale.
 * Returns the release.
 */
export function lockStateDir(stateDir: string): () => void {
  const lock = join(stateDir, 'lock');
  if (existsSync(lock)) {
    const [pid, owner] = readFileSync(lock, 'utf8').split(' ');
    if (isAlive(Number(pid)))
      throw new Error(
        `A local cloud (pid ${pid}${owner ? `, ${owner}` : ''}) is already running from ${stateDir}: ` +
          'stop it first (Ctrl-C in its terminal)',
      );
  }
  const token = `${process.pid} ${new Date().toISOString()}`;
  writeFileSync(lock, token);
  return () => {
    if (existsSync(lock) && readFileSync(lock, 'utf8') === token) rmSync(lock);
  };
}

/** Signal 0 tests that a process exists without touching it. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
