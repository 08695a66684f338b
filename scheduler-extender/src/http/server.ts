// The extender's HTTP face (fastify): POST /filter and /prioritize in the scheduler's wire
// format (and /filter-best, both in one call: single-round-trip mode), /healthz, /readyz and /metrics. Bodies are limited in size; every failure
// answers from the error catalogue and never takes the server down.

import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { Logger } from '../../../common/log.ts';
import { SCHEDULER_EXTENDER_VERBS } from '../../../common/names.ts';
import { registerOps } from '../../../common/ops.ts';
import { MODES, type Mode } from '../engine/evaluate.ts';
import type { Extender } from '../engine/extender.ts';
import type { ExtenderMetrics } from '../ops/metrics.ts';
import { ArgsError, filterError, filterResultJson, parseArgs, priorityList } from '../wire/args.ts';
import { classify, ERRORS, type ErrorCode, errorBody } from './errors.ts';

export interface ServerOptions {
  extender: Extender;
  metrics: ExtenderMetrics;
  /** True once the cache has synced: until then /readyz answers 503. */
  ready: () => boolean;
  bodyLimitBytes: number;
  /** The program's logger; none: the server logs nothing. */
  logger?: Logger;
}

export const FILTER_PATH = `/${SCHEDULER_EXTENDER_VERBS.filter}`;
export const PRIORITIZE_PATH = `/${SCHEDULER_EXTENDER_VERBS.prioritize}`;
/** Filter that also narrows to the best-scored nodes: single-round-trip mode (engine/narrow.ts). */
export const FILTER_BEST_PATH = `/${SCHEDULER_EXTENDER_VERBS.filterBest}`;

export function buildServer(options: ServerOptions): FastifyInstance {
  const { extender, metrics } = options;
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger as FastifyBaseLogger } : { logger: false }),
    bodyLimit: options.bodyLimitBytes,
    // A slow or stuck client must not hold a socket forever.
    requestTimeout: 30_000,
    // One log line per scheduler call would drown everything else; failures are logged.
    logController: new LogController({ disableRequestLogging: true }),
  });

  // The protocol is JSON only: anything else is a 415, not a string to misread.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  );

  const fail = (verb: string, code: ErrorCode, detail?: string) => {
    metrics.requests.inc({ verb, code: String(ERRORS[code].status) });
    return errorBody(code, detail);
  };

  app.setErrorHandler((error, request, reply) => {
    const e = error as { code?: string; statusCode?: number; message?: string };
    const code = classify(e);
    if (code === 'INTERNAL') request.log.error({ err: error }, 'extender request failed');
    const verb = (request.url.split('?')[0] ?? '').replace(/^\//, '');
    reply.status(ERRORS[code].status).send(fail(verb, code, code === 'INTERNAL' ? undefined : e.message));
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send(errorBody('NOT_FOUND', `${request.method} ${request.url.split('?')[0]}`));
  });

  const modeOf = (query: unknown): Mode | undefined => {
    const m = (query as { mode?: unknown } | undefined)?.mode;
    return MODES.find((x) => x === m);
  };

  type Args = ReturnType<typeof parseArgs>;
  /**
   * One extender verb: the body parsed into ExtenderArgs (a malformed one is a 400 shaped by
   * `refused`), answered by `answer`, timed and counted under the verb's name.
   */
  const verb =
    (
      name: (typeof SCHEDULER_EXTENDER_VERBS)[keyof typeof SCHEDULER_EXTENDER_VERBS],
      refused: (error: ReturnType<typeof errorBody>) => unknown,
      answer: (args: Args, request: FastifyRequest, reply: FastifyReply) => unknown,
    ) =>
    (request: FastifyRequest, reply: FastifyReply) => {
      const started = process.hrtime.bigint();
      let args: Args;
      try {
        args = parseArgs(request.body);
      } catch (error) {
        if (!(error instanceof ArgsError)) throw error;
        return reply.status(400).send(refused(fail(name, 'INVALID_ARGS', error.message)));
      }
      const answered = answer(args, request, reply);
      metrics.requestDuration.observe({ verb: name }, Number(process.hrtime.bigint() - started) / 1e9);
      metrics.requests.inc({ verb: name, code: '200' });
      return answered;
    };

  // A filter failure keeps ExtenderFilterResult's shape, so the scheduler reads its Error.
  // filter-best (single-round-trip mode) also narrows the passing nodes to the best-scored.
  const filter = (name: 'filter' | 'filter-best', narrow: boolean) =>
    verb(
      name,
      (body) => ({ ...filterError(body.Error), Code: body.Code }),
      (args, request, reply) => {
        const outcome = extender.filter(args, modeOf(request.query), narrow);
        request.log.debug(
          {
            pod: `${args.pod.metadata?.namespace}/${args.pod.metadata?.name}`,
            passed: outcome.passed.length,
            failed: outcome.failed.size,
            unresolvable: outcome.unresolvable.size,
          },
          name,
        );
        return reply
          .type('application/json; charset=utf-8')
          .send(filterResultJson(args, outcome.passed, outcome.failed, outcome.unresolvable));
      },
    );
  app.post(FILTER_PATH, filter(SCHEDULER_EXTENDER_VERBS.filter, false));
  app.post(FILTER_BEST_PATH, filter(SCHEDULER_EXTENDER_VERBS.filterBest, true));

  app.post(
    PRIORITIZE_PATH,
    verb(
      'prioritize',
      (body) => body,
      (args, _request, reply) => reply.send(priorityList(extender.prioritize(args))),
    ),
  );

  registerOps(app, {
    livez: [],
    readyz: [
      { name: 'node-cache', check: () => (options.ready() ? undefined : 'node cache not synced yet') },
    ],
    metrics: metrics.registry,
    beforeScrape: () => {
      metrics.reservationsActive.set(extender.cache.reservations.pods);
      metrics.cacheNodes.set(extender.cache.nodeCount);
    },
  });
  return app;
}
