import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { lazy } from './lazy';

/**
 * The DynamoDB document client every service uses, named `dynamo` where it is created (once per
 * module), made on its first use (`lazy`). Optional fields are left out of items rather than refused.
 */
export function documentClient(): DynamoDBDocumentClient {
  return lazy(() =>
    DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }),
  );
}

/** True for the refusal of a conditional write whose condition did not hold. */
export function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as Error | undefined)?.name === 'ConditionalCheckFailedException'
  );
}

/**
 * Runs a conditional write: true when it was applied, false when its condition did not hold
 * (another writer got there first). Every other failure is thrown.
 */
export async function conditionally(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
