export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: {
    data?: T | null;
    errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  };
}

export interface RequestOptions {
  token?: string;
  variables?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** POSTs one GraphQL operation over real HTTP. */
export async function graphql<T = Record<string, unknown>>(
  url: string,
  query: string,
  options: RequestOptions = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables: options.variables ?? {} }),
  });
  const body = (await response.json()) as GraphQLResponse<T>['body'];
  return { status: response.status, headers: response.headers, body };
}

/** The codes of a response's errors, in order. */
export function errorCodes(response: GraphQLResponse<unknown>): unknown[] {
  return (response.body.errors ?? []).map((e) => e.extensions?.code);
}
