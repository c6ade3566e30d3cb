/** Writes events/schemas/<DetailType>.v1.json from the zod schemas (`npm run schemas`). */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { detailTypes, jsonSchemaFileName, jsonSchemaText } from '../src';

const dir = join(__dirname, '..', 'schemas');
mkdirSync(dir, { recursive: true });
for (const detailType of detailTypes) {
  writeFileSync(join(dir, jsonSchemaFileName(detailType)), jsonSchemaText(detailType));
  console.log(`wrote events/schemas/${jsonSchemaFileName(detailType)}`);
}
