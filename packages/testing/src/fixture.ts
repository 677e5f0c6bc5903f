import { createTestDatabase, type TestDatabase } from './database';
import { startStack, type Stack } from './stack';

type Hook = (fn: () => Promise<void>) => void;

export interface StackFixture {
  /** The file's own database (fresh, platform migrated, plan catalog synced). */
  readonly db: TestDatabase;
  /** The four subgraphs and the gateway, over real HTTP, on `db`. */
  readonly stack: Stack;
}

/**
 * The set-up most integration test files share: a fresh database and a running stack for the
 * whole file, started before its first test and stopped (then the database dropped) after its
 * last. Call it at the top of a `describe`; read `db` and `stack` inside tests and hooks only.
 * `env` is passed to startStack (a function is called when the stack starts).
 */
export function useStack(env: Record<string, string> | (() => Record<string, string>) = {}): StackFixture {
  // Jest's hooks are globals of the test environment; this module is also loaded outside it.
  const { beforeAll, afterAll } = globalThis as unknown as { beforeAll: Hook; afterAll: Hook };
  let db: TestDatabase | undefined;
  let stack: Stack | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    stack = await startStack(db.url, typeof env === 'function' ? env() : env);
  });
  afterAll(async () => {
    await stack?.stop();
    await db?.drop();
  });
  const started = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`useStack: ${name} exists only inside tests and hooks, once beforeAll has run`);
    return value;
  };
  return {
    get db() {
      return started(db, 'db');
    },
    get stack() {
      return started(stack, 'stack');
    },
  };
}
