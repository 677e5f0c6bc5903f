import { CONTEXT_HEADER, signContextToken, type SigningKey } from '@tenantry/auth';

/**
 * A call from the gateway to a subgraph's internal endpoint (API-key verify, tenant resolve,
 * persisted-query registry): the gateway's signed context, for no one in particular, is the
 * credential those routes check. A JSON body makes it a POST. Network failures and the timeout
 * reject; the caller decides what each status means.
 */
export async function callInternal(
  url: string,
  signingKey: SigningKey,
  requestId: string,
  options: { body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Response> {
  const post = options.body !== undefined;
  return fetch(url, {
    method: post ? 'POST' : 'GET',
    headers: {
      ...(post ? { 'content-type': 'application/json' } : {}),
      [CONTEXT_HEADER]: await signContextToken(signingKey, { requestId, principal: { kind: 'anonymous' } }),
      'x-request-id': requestId,
      ...options.headers,
    },
    ...(post ? { body: JSON.stringify(options.body) } : {}),
    signal: AbortSignal.timeout(options.timeoutMs ?? 3_000),
  });
}
