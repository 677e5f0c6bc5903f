import { z } from 'zod';

/** Variable schemas shared by several processes; each process picks the ones it needs. */
export const nodeEnv = z.enum(['development', 'production', 'test']).default('development');
export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

export const postgresUrl = z.string().refine((v) => /^postgres(ql)?:\/\//.test(v), 'must be a postgres:// or postgresql:// URL');

export const redisUrl = z.string().refine((v) => /^rediss?:\/\//.test(v), 'must be a redis:// or rediss:// URL');

export const httpUrl = z.string().url('must be an http(s) URL');

export const poolSize = z.coerce.number().int().min(1).max(200).default(10);

/** A JSON Web Key given inline as JSON; the key material itself is checked where it is imported. */
export const jwkJson = z.string().refine((v) => {
  try {
    const parsed: unknown = JSON.parse(v);
    return typeof parsed === 'object' && parsed !== null && 'kty' in parsed;
  } catch {
    return false;
  }
}, 'must be a JSON Web Key as JSON (generate with `npm run cli -- keys`)');

/** A JSON array of public JSON Web Keys (e.g. retired keys whose signatures must still verify). */
export const jwkArrayJson = z
  .string()
  .default('[]')
  .refine((v) => {
    try {
      const parsed: unknown = JSON.parse(v);
      return Array.isArray(parsed) && parsed.every((k) => typeof k === 'object' && k !== null && 'kty' in k);
    } catch {
      return false;
    }
  }, 'must be a JSON array of public JWKs');

/** 32 random bytes, base64: the platform's master key for encrypting secrets at rest. */
export const masterKey = z.string().refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded');

/** What every subgraph process reads; each adds its own port (and keys, where it signs). */
export const subgraphShape = {
  NODE_ENV: nodeEnv,
  LOG_LEVEL: logLevel,
  DATABASE_URL: postgresUrl,
  DATABASE_POOL_SIZE: poolSize,
  /** Interface to listen on; 0.0.0.0 in containers. */
  HOST: z.string().default('127.0.0.1'),
  /** The gateway's public context key (JWK): subgraphs verify every request with it. */
  CONTEXT_VERIFY_KEY: jwkJson,
  OTEL_TRACES_EXPORTER: z.enum(['none', 'console', 'otlp']).default('none'),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl.optional(),
};

/** Tracing: where spans go (none by default) and the OTLP/HTTP endpoint when `otlp`. */
export const tracingShape = {
  OTEL_TRACES_EXPORTER: z.enum(['none', 'console', 'otlp']).default('none'),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl.optional(),
};
