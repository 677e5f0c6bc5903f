import { buildSchemas, serveSubgraph } from './subgraphs';

/** Child process: the four in-memory subgraphs, on the ports given as arguments (accounts products inventory reviews). */
async function main(): Promise<void> {
  const ports = process.argv.slice(2).map(Number);
  const schemas = buildSchemas();
  const servers = await Promise.all(schemas.map((s, i) => serveSubgraph(s.schema, ports[i]!)));
  process.on('SIGTERM', () => {
    for (const server of servers) server.closeAllConnections();
    process.exit(0);
  });
}

void main();
