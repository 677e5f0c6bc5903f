import { context, propagation, trace, SpanKind, SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

export type TraceExporterKind = 'none' | 'console' | 'otlp';

export interface TracingOptions {
  service: string;
  exporter: TraceExporterKind;
  /** OTLP/HTTP endpoint, e.g. http://collector:4318/v1/traces. */
  otlpEndpoint?: string;
  /** Tests pass an in-memory exporter here. */
  spanExporter?: SpanExporter;
}

const TRACER = 'tenantry';
let provider: BasicTracerProvider | undefined;

/**
 * Starts OpenTelemetry tracing for this process (once): W3C trace context across HTTP, async
 * context through AsyncLocalStorage, spans exported as configured. With exporter `none` and no
 * injected exporter nothing is installed and every span below is a no-op.
 */
export function startTracing(options: TracingOptions): void {
  if (provider) return;
  const processors: SpanProcessor[] = [];
  if (options.spanExporter) processors.push(new SimpleSpanProcessor(options.spanExporter));
  if (options.exporter === 'console') processors.push(new SimpleSpanProcessor(new ConsoleSpanExporter()));
  if (options.exporter === 'otlp')
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter(options.otlpEndpoint ? { url: options.otlpEndpoint } : {})));
  if (processors.length === 0) return;
  provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': options.service }), spanProcessors: processors });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
}

export async function stopTracing(): Promise<void> {
  await provider?.shutdown();
  provider = undefined;
  trace.disable();
  context.disable();
  propagation.disable();
}

/** Runs `work` in a child span of the active context; records errors; always ends the span. */
export async function inSpan<T>(name: string, attributes: Attributes, work: (span: Span) => Promise<T>): Promise<T> {
  return trace.getTracer(TRACER).startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Writes the active trace context into outgoing headers (traceparent). */
export function injectTraceHeaders(set: (name: string, value: string) => void): void {
  propagation.inject(context.active(), {}, { set: (_carrier, key, value) => set(key, value) });
}

/** Runs `work` inside the trace context carried by incoming headers. */
export function withIncomingTrace<T>(headers: Record<string, string | string[] | undefined>, work: () => T): T {
  const parent = propagation.extract(context.active(), headers, {
    get: (carrier, key) => {
      const value = carrier[key];
      return Array.isArray(value) ? value[0] : value;
    },
    keys: (carrier) => Object.keys(carrier),
  });
  return context.with(parent, work);
}

/** The active trace id, if a real (sampled) span is active. */
export function activeTraceId(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && trace.isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

/**
 * Express-style request span: continues the caller's trace (traceparent), stays active for
 * everything the request does, ends when the response is done.
 */
export function traceHttpRequest(
  name: string,
  headers: Record<string, string | string[] | undefined>,
  response: { once(event: 'close', listener: () => void): unknown; statusCode: number },
  next: () => void,
): void {
  withIncomingTrace(headers, () => {
    const span = trace.getTracer(TRACER).startSpan(name, { kind: SpanKind.SERVER });
    response.once('close', () => {
      span.setAttribute('http.response.status_code', response.statusCode);
      span.end();
    });
    context.with(trace.setSpan(context.active(), span), next);
  });
}

/** Adds attributes (tenant id, operation, client) to the active span, if any. */
export function annotateActiveSpan(attributes: Attributes): void {
  trace.getActiveSpan()?.setAttributes(attributes);
}
