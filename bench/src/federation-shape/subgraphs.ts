import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { execute, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';

/**
 * The public federation gateway benchmark's shape, in memory: accounts (6 users), products
 * (9 products), inventory (extends Product; shippingEstimate @requires price and weight) and
 * reviews (11 reviews). Data and resolvers are plain objects; the gateways are what is measured.
 */
const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@requires"])';

interface UserRow {
  id: string;
  name: string;
  username: string;
  birthday: number;
}
interface ProductRow {
  upc: string;
  name: string;
  price: number;
  weight: number;
}
interface ReviewRow {
  id: string;
  authorId: string;
  upc: string;
  body: string;
}

const USERS: UserRow[] = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Edsger Dijkstra', 'Barbara Liskov', 'Donald Knuth'].map(
  (name, i) => ({ id: String(i + 1), name, username: `@${name.split(' ')[1]!.toLowerCase()}`, birthday: 1815 + i * 20 }),
);

const PRODUCTS: ProductRow[] = ['Table', 'Couch', 'Chair', 'Lamp', 'Desk', 'Shelf', 'Rug', 'Stool', 'Mirror'].map((name, i) => ({
  upc: String(i + 1),
  name,
  price: 120 + i * 137,
  weight: 4 + ((i * 7) % 23),
}));

// 11 reviews over 6 authors and 9 products: some products and authors have several, as in the original.
const REVIEW_BODY_CHARS = 650;
const REVIEW_PAIRS: [number, number][] = [
  [1, 1],
  [1, 2],
  [2, 1],
  [2, 3],
  [3, 2],
  [3, 4],
  [4, 1],
  [4, 5],
  [5, 3],
  [6, 6],
  [6, 2],
];
const REVIEWS: ReviewRow[] = REVIEW_PAIRS.map(([author, product], i) => ({
  id: String(i + 1),
  authorId: String(author),
  upc: String(product),
  body: reviewBody(i + 1),
}));

/** Review text long enough that the nested query's response is about the original's 87 KB. */
function reviewBody(n: number): string {
  const sentence = `Review ${n}: a dependable piece of furniture, assembled in an afternoon and still sturdy a year later. `;
  return sentence
    .repeat(Math.ceil(REVIEW_BODY_CHARS / sentence.length))
    .slice(0, REVIEW_BODY_CHARS)
    .trim();
}

const byId = <T, K extends keyof T>(rows: T[], key: K) => new Map(rows.map((row) => [row[key], row]));
const usersById = byId(USERS, 'id');
const productsByUpc = byId(PRODUCTS, 'upc');

export const SUBGRAPHS: { name: string; typeDefs: string; resolvers: GraphQLResolverMap<unknown> }[] = [
  {
    name: 'accounts',
    typeDefs: `${LINK}
      type Query { me: User users: [User!]! }
      type User @key(fields: "id") { id: ID! name: String username: String birthday: Int }`,
    resolvers: {
      Query: { me: () => USERS[0], users: () => USERS },
      User: { __resolveReference: (ref: { id: string }) => usersById.get(ref.id) ?? null },
    },
  },
  {
    name: 'products',
    typeDefs: `${LINK}
      type Query { topProducts(first: Int = 5): [Product!]! }
      type Product @key(fields: "upc") { upc: String! name: String price: Int weight: Int }`,
    resolvers: {
      Query: { topProducts: (_: unknown, args: { first: number }) => PRODUCTS.slice(0, args.first) },
      Product: { __resolveReference: (ref: { upc: string }) => productsByUpc.get(ref.upc) ?? null },
    },
  },
  {
    name: 'inventory',
    typeDefs: `${LINK}
      type Product @key(fields: "upc") {
        upc: String!
        price: Int @external
        weight: Int @external
        inStock: Boolean
        shippingEstimate: Int @requires(fields: "price weight")
      }`,
    resolvers: {
      Product: {
        __resolveReference: (ref: { upc: string; price?: number; weight?: number }) => ({ ...ref, inStock: Number(ref.upc) % 3 !== 0 }),
        // Free shipping above 1000, otherwise half the weight: a field that needs another subgraph's data.
        shippingEstimate: (product: { price?: number; weight?: number }) =>
          product.price === undefined || product.weight === undefined ? null : product.price > 1000 ? 0 : Math.ceil(product.weight / 2),
      },
    },
  },
  {
    name: 'reviews',
    typeDefs: `${LINK}
      type Review @key(fields: "id") { id: ID! body: String author: User product: Product }
      type User @key(fields: "id") { id: ID! reviews: [Review] }
      type Product @key(fields: "upc") { upc: String! reviews: [Review] }`,
    resolvers: {
      Review: {
        author: (review: ReviewRow) => ({ __typename: 'User', id: review.authorId }),
        product: (review: ReviewRow) => ({ __typename: 'Product', upc: review.upc }),
      },
      User: {
        __resolveReference: (ref: { id: string }) => ref,
        reviews: (user: { id: string }) => REVIEWS.filter((r) => r.authorId === user.id),
      },
      Product: {
        __resolveReference: (ref: { upc: string }) => ref,
        reviews: (product: { upc: string }) => REVIEWS.filter((r) => r.upc === product.upc),
      },
    },
  },
];

export const DATA_SIZES = { users: USERS.length, products: PRODUCTS.length, reviews: REVIEWS.length };

/** The nested query of the public benchmark: users and top products, three entity hops deep. */
export const SHAPE_QUERY = `query FederationShape {
  users { ...UserFields reviews { ...ReviewFields product { ...ProductFields reviews { ...ReviewFields author { ...UserFields reviews { ...ReviewFields product { ...ProductFields } } } } } } }
  topProducts { ...ProductFields reviews { ...ReviewFields author { ...UserFields reviews { ...ReviewFields product { ...ProductFields } } } } }
}
fragment UserFields on User { id username name }
fragment ReviewFields on Review { id body }
fragment ProductFields on Product { inStock name price shippingEstimate upc weight }`;

/**
 * A subgraph served over plain node:http: parse and validate once per distinct document,
 * execute with graphql-js, answer JSON. Deliberately thin so the gateways are what is measured.
 */
export function serveSubgraph(schema: GraphQLSchema, port: number): Promise<http.Server> {
  const documents = new Map<string, DocumentNode>();
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void answer(Buffer.concat(chunks).toString('utf8')).then((body) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
      });
    });
  });
  const answer = async (raw: string): Promise<string> => {
    try {
      const { query, variables, operationName } = JSON.parse(raw) as {
        query: string;
        variables?: Record<string, unknown>;
        operationName?: string;
      };
      let document = documents.get(query);
      if (!document) {
        document = parse(query);
        const errors = validate(schema, document);
        if (errors.length) return JSON.stringify({ errors: errors.map((e) => e.toJSON()) });
        if (documents.size < 1_000) documents.set(query, document);
      }
      return JSON.stringify(await execute({ schema, document, variableValues: variables ?? null, operationName: operationName ?? null }));
    } catch (error) {
      return JSON.stringify({ errors: [{ message: (error as Error).message }] });
    }
  };
  // Gateways keep connections open between requests; outlive their idle timeouts so none is cut mid-reuse.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

export function buildSchemas() {
  return SUBGRAPHS.map((s) => ({ ...s, schema: buildSubgraphSchema({ typeDefs: parse(s.typeDefs), resolvers: s.resolvers }) }));
}

export const portOf = (server: http.Server) => (server.address() as AddressInfo).port;
