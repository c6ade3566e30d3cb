/** A message as aws-ses-v2-local keeps it (GET /store); `at` is when it was accepted, in seconds. */
export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  at: number;
}

/** Every message the local SES at `sesEndpoint` has accepted, in the order it accepted them. */
export async function mailbox(sesEndpoint: string): Promise<StoredEmail[]> {
  const response = await fetch(`${sesEndpoint}/store`);
  return ((await response.json()) as { emails: StoredEmail[] }).emails;
}
