import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';

/**
 * The CloudFormation short forms (!Ref, !GetAtt, !Sub, ...) as Serverless Framework reads them,
 * so a serverless.yml parses here into exactly the object Serverless would build.
 */
const INTRINSICS = [
  'And',
  'Base64',
  'Cidr',
  'Condition',
  'Equals',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'If',
  'ImportValue',
  'Join',
  'Not',
  'Or',
  'Ref',
  'Select',
  'Split',
  'Sub',
];

function intrinsicTypes(name: string): yaml.Type[] {
  const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
  const construct = (data: unknown) => {
    if (name === 'GetAtt' && typeof data === 'string') {
      const [resource, ...attribute] = data.split('.');
      return { [key]: [resource, attribute.join('.')] };
    }
    return { [key]: data };
  };
  return (['scalar', 'sequence', 'mapping'] as const).map((kind) => new yaml.Type(`!${name}`, { kind, construct }));
}

export const CLOUDFORMATION_SCHEMA = yaml.DEFAULT_SCHEMA.extend(INTRINSICS.flatMap(intrinsicTypes));

export function parseYaml(text: string, filename?: string): unknown {
  return yaml.load(text, { schema: CLOUDFORMATION_SCHEMA, ...(filename ? { filename } : {}) });
}

export const readYaml = (path: string): unknown => parseYaml(readFileSync(path, 'utf8'), path);
