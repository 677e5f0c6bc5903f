import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

/** Child process: @apollo/gateway exactly as its documentation starts it, defaults everywhere. Arguments: supergraph path, port. */
async function main(): Promise<void> {
  const [supergraphPath, port] = process.argv.slice(2);
  const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: readFileSync(supergraphPath!, 'utf8') }) });
  await startStandaloneServer(server, { listen: { port: Number(port), host: '127.0.0.1' } });
  process.on('SIGTERM', () => {
    void server.stop().then(() => process.exit(0));
  });
}

void main();
