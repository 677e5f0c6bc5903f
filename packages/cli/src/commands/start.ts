import path from 'node:path';
import { importSigningKey, issueAccessToken } from '@tenantry/auth';
import { loadPlanCatalog, syncPlanCatalog } from '@tenantry/plans';
import { createDataSource, migratePlatform, migrateTenants } from '@tenantry/tenancy';
import { REPO_ROOT, type CliConfig } from '../config';
import { openDatabase } from '../database';
import { resolvePlatformKeys } from '../dev-keys';
import { startProcess, stopProcesses, waitForHealthy, type ManagedProcess } from '../processes';
import { DEMO_OWNER_EMAIL, DEMO_PLAN, seedDemo } from '../seed';

const DEV_TOKEN_TTL_SECONDS = 12 * 60 * 60;

/**
 * `start`: database (embedded unless DATABASE_URL), migrations, demo seed, four subgraphs and
 * the gateway as separate processes. Ctrl-C stops all of them, then the embedded database.
 */
export async function startCommand(config: CliConfig, env: NodeJS.ProcessEnv): Promise<number> {
  const say = (line: string) => process.stdout.write(`[tenantry] ${line}\n`);
  const keys = await resolvePlatformKeys(config);
  const db = await openDatabase(config, say);
  const processes: ManagedProcess[] = [];
  let stopping: Promise<void> | undefined;
  const shutdown = () => {
    stopping ??= (async () => {
      say('stopping…');
      await stopProcesses(processes);
      await db.stop();
      say('stopped');
    })();
    return stopping;
  };
  // Ctrl-C reaches the whole process group (children included), possibly more than once.
  process.on('SIGINT', () => void shutdown().then(() => process.exit(0)));
  process.on('SIGTERM', () => void shutdown().then(() => process.exit(0)));

  try {
    const dataSource = createDataSource({ url: db.url, poolSize: config.MIGRATE_CONCURRENCY + 1, applicationName: 'tenantry-start' });
    await dataSource.initialize();
    let demo;
    try {
      const applied = await migratePlatform(dataSource);
      await syncPlanCatalog(dataSource, loadPlanCatalog());
      const report = await migrateTenants(dataSource, { concurrency: config.MIGRATE_CONCURRENCY });
      say(`migrations: platform ${applied.length} applied; ${report.total} tenant(s) migrated, ${report.failed.length} failed`);
      if (report.failed.length > 0) throw new Error(`tenant migrations failed: ${report.failed.map((f) => f.tenantId).join(', ')}`);
      if (config.SEED_DEMO === 'true' && !config.production) demo = await seedDemo(dataSource);
    } finally {
      await dataSource.destroy();
    }

    const common = {
      ...env,
      NODE_ENV: config.NODE_ENV,
      LOG_LEVEL: config.LOG_LEVEL,
      DATABASE_URL: db.url,
      DATABASE_POOL_SIZE: String(config.DATABASE_POOL_SIZE),
      CONTEXT_VERIFY_KEY: keys.CONTEXT_VERIFY_KEY,
    };
    const subgraphs = [
      { name: 'tenant', port: config.TENANT_PORT, extra: { TENANT_PORT: String(config.TENANT_PORT), MASTER_KEY: keys.MASTER_KEY } },
      {
        name: 'identity',
        port: config.IDENTITY_PORT,
        extra: { IDENTITY_PORT: String(config.IDENTITY_PORT), ACCESS_TOKEN_SIGNING_KEY: keys.ACCESS_TOKEN_SIGNING_KEY },
      },
      { name: 'usage', port: config.USAGE_PORT, extra: { USAGE_PORT: String(config.USAGE_PORT) } },
      {
        name: 'audit',
        port: config.AUDIT_PORT,
        extra: { AUDIT_PORT: String(config.AUDIT_PORT), AUDIT_SIGNING_KEY: keys.AUDIT_SIGNING_KEY },
      },
    ];
    for (const s of subgraphs) {
      processes.push(
        startProcess(`${s.name} subgraph`, path.join(REPO_ROOT, 'subgraphs', s.name, 'dist', 'main.js'), { ...common, ...s.extra }),
      );
    }
    await Promise.all(subgraphs.map((s, i) => waitForHealthy(processes[i]!, `http://127.0.0.1:${s.port}/healthz`)));

    const gateway = startProcess('gateway', path.join(REPO_ROOT, 'gateway', 'dist', 'main.js'), {
      ...env,
      NODE_ENV: config.NODE_ENV,
      LOG_LEVEL: config.LOG_LEVEL,
      HOST: config.HOST,
      PORT: String(config.PORT),
      CONTEXT_SIGNING_KEY: keys.CONTEXT_SIGNING_KEY,
      TENANT_SUBGRAPH_URL: `http://127.0.0.1:${config.TENANT_PORT}/graphql`,
      IDENTITY_SUBGRAPH_URL: `http://127.0.0.1:${config.IDENTITY_PORT}/graphql`,
      USAGE_SUBGRAPH_URL: `http://127.0.0.1:${config.USAGE_PORT}/graphql`,
      AUDIT_SUBGRAPH_URL: `http://127.0.0.1:${config.AUDIT_PORT}/graphql`,
      IDENTITY_JWKS_URL: `http://127.0.0.1:${config.IDENTITY_PORT}/.well-known/jwks.json`,
      API_KEY_VERIFY_URL: `http://127.0.0.1:${config.IDENTITY_PORT}/internal/api-keys/verify`,
      PQ_REGISTRY_URL: `http://127.0.0.1:${config.TENANT_PORT}/internal/persisted-queries`,
      TENANT_RESOLVE_URL: `http://127.0.0.1:${config.TENANT_PORT}/internal/tenants/resolve`,
    });
    processes.push(gateway);
    const host = config.HOST === '0.0.0.0' ? 'localhost' : config.HOST;
    await waitForHealthy(gateway, `http://${host}:${config.PORT}/healthz`);

    say(`gateway ready: http://${host}:${config.PORT}/graphql`);
    if (!config.production) say(`Apollo Sandbox: open http://${host}:${config.PORT}/graphql in a browser`);
    if (demo) {
      const signingKey = await importSigningKey(keys.ACCESS_TOKEN_SIGNING_KEY);
      const token = await issueAccessToken(
        signingKey,
        { userId: demo.ownerId, tenantId: demo.tenantId, role: 'owner', plan: DEMO_PLAN },
        DEV_TOKEN_TTL_SECONDS,
      );
      say(`demo tenant ${demo.tenantId} ${demo.created ? 'created' : 'found'}; owner ${DEMO_OWNER_EMAIL}`);
      say('paste this into Sandbox → Headers (valid 12 h, development only):');
      process.stdout.write(`\n{"Authorization": "Bearer ${token}"}\n\n`);
      say('try: query { currentTenant { name slug usage { resource used } } members { role user { email } tenant { slug } } }');
    }
    say('press Ctrl-C to stop');

    const first = await Promise.race(processes.map((p) => p.exited.then((code) => ({ name: p.name, code }))));
    if (stopping) {
      await stopping;
      return 0;
    }
    say(`${first.name} exited (code ${first.code}); stopping the rest`);
    await shutdown();
    return 1;
  } catch (error) {
    say(`start failed: ${error instanceof Error ? error.message : String(error)}`);
    await shutdown();
    return 1;
  }
}
