import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './account';
import type { Endpoints } from './ports';

export const DEFAULT_STATE_DIR = join(ROOT, '.local');

/**
 * The endpoints of the local cloud running from `stateDir`, from the endpoints.json it writes when
 * ready and removes when it stops: how a tool (dlq, rotate) finds it, or learns that none runs.
 */
export function runningEndpoints(stateDir = DEFAULT_STATE_DIR): Endpoints {
  const file = join(stateDir, 'endpoints.json');
  if (!existsSync(file))
    throw new Error(`No local cloud is running here (${file} is missing): start it with \`npm run local\`.`);
  return JSON.parse(readFileSync(file, 'utf8')) as Endpoints;
}
