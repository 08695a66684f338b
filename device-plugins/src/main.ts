// kubehpc SR-IOV device plugin: flags → config → running plugin. Exit codes: 0 after a clean
// stop, 2 for bad flags or config (every problem printed with the entry at fault), 1 when
// the plugin fails at runtime.

import { readFileSync } from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node';
import { type Flags, readFlags } from '../../common/flags.ts';
import { createLogger, LOG_LEVELS, type LogLevel } from '../../common/log.ts';
import { describe, ERROR_CODES, type Problem, problem } from './errors.ts';
import { parseConfig } from './selection/config.ts';

const USAGE = `usage: device-plugins/src/main.ts [flags]
  --config <file>             pools and selectors (YAML or JSON)   [/etc/kubehpc/device-plugin/config.yaml]
  --sysfs-root <dir>          where sysfs is mounted                [/sys]
  --kubelet-dir <dir>         kubelet device-plugins folder         [/var/lib/kubelet/device-plugins]
  --node-name <name>          this node (default: $NODE_NAME)
  --metrics-port <port>       /livez, /readyz, /healthz, /metrics port, 0 = any [9410]
  --metrics-host <addr>       address the ops server listens on     [0.0.0.0]
  --poll-interval <ms>        sysfs and socket check period         [500]
  --kubeconfig <file>         for the topology publisher (default: $KUBECONFIG, ~/.kube/config, then in-cluster, as kubectl)
  --no-topology               do not publish NodeResourceTopology
  --topology-policy <p>       kubelet topology manager policy        [single-numa-node]
  --topology-scope <s>        kubelet topology manager scope         [container]
  --topology-resync <s>       rewrite the topology at least this often [60]
  --log-level <level>         ${LOG_LEVELS.join(', ')} [info]`;

function fail(problems: Problem[], code: number): never {
  for (const p of problems) process.stderr.write(`${describe(p)}\n`);
  process.exit(code);
}

function positiveInteger(flag: string, text: string, min: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    fail([problem(ERROR_CODES.BAD_FLAG, `must be an integer ≥ ${min}, got "${text}"`, `--${flag}`)], 2);
  }
  return value;
}

const STRING_FLAGS = [
  'config',
  'sysfs-root',
  'kubelet-dir',
  'node-name',
  'metrics-port',
  'metrics-host',
  'poll-interval',
  'kubeconfig',
  'topology-policy',
  'topology-scope',
  'topology-resync',
  'log-level',
] as const;
let parsed: Flags;
try {
  parsed = readFlags(process.argv.slice(2), STRING_FLAGS, ['no-topology']);
} catch (error) {
  fail([problem(ERROR_CODES.BAD_FLAG, `${(error as Error).message}\n${USAGE}`)], 2);
}
const DEFAULTS: Record<(typeof STRING_FLAGS)[number], string | undefined> = {
  config: '/etc/kubehpc/device-plugin/config.yaml',
  'sysfs-root': '/sys',
  'kubelet-dir': '/var/lib/kubelet/device-plugins',
  'node-name': undefined,
  'metrics-port': '9410',
  'metrics-host': '0.0.0.0',
  'poll-interval': '500',
  kubeconfig: undefined,
  'topology-policy': 'single-numa-node',
  'topology-scope': 'container',
  'topology-resync': '60',
  'log-level': 'info',
};
const flagValues = Object.fromEntries(
  STRING_FLAGS.map((name) => [name, parsed.string(name) ?? DEFAULTS[name]]),
) as Record<(typeof STRING_FLAGS)[number], string>;
const flags = { ...flagValues, help: parsed.help, 'no-topology': parsed.boolean('no-topology') };
if (flags.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

const nodeName = flags['node-name'] ?? process.env.NODE_NAME;
if (!nodeName) fail([problem(ERROR_CODES.BAD_FLAG, 'no node name: pass --node-name or set NODE_NAME')], 2);
if (!['none', 'best-effort', 'restricted', 'single-numa-node'].includes(flags['topology-policy'])) {
  fail(
    [problem(ERROR_CODES.BAD_FLAG, `unknown policy "${flags['topology-policy']}"`, '--topology-policy')],
    2,
  );
}
if (!['container', 'pod'].includes(flags['topology-scope'])) {
  fail([problem(ERROR_CODES.BAD_FLAG, `unknown scope "${flags['topology-scope']}"`, '--topology-scope')], 2);
}

const pollIntervalMs = positiveInteger('poll-interval', flags['poll-interval'], 10);
const metricsPort = positiveInteger('metrics-port', flags['metrics-port'], 0);
const resyncMs = positiveInteger('topology-resync', flags['topology-resync'], 1) * 1000;

let configText: string;
try {
  configText = readFileSync(flags.config, 'utf8');
} catch (error) {
  fail([problem(ERROR_CODES.CONFIG_UNREADABLE, (error as Error).message, flags.config)], 2);
}
const config = parseConfig(configText);
if (!config.ok) {
  fail(
    config.problems.map((p) => ({ ...p, path: `${flags.config}: ${p.path ?? '(document)'}` })),
    2,
  );
}

if (!(LOG_LEVELS as readonly string[]).includes(flags['log-level'])) {
  fail([problem(ERROR_CODES.BAD_FLAG, `must be one of ${LOG_LEVELS.join(', ')}`, '--log-level')], 2);
}
const logger = createLogger({
  component: 'kubehpc-device-plugin',
  level: flags['log-level'] as LogLevel,
  stream: 'stderr',
}).child({ node: nodeName });
let kubeConfig: KubeConfig | undefined;
if (!flags['no-topology']) {
  // kubectl's rules (common/kube), handed to client-node for the topology publisher.
  try {
    // Loaded only now: client-node, gRPC and the kubelet's protobuf cost seconds of start-up that
    // a usage error or a bad config file should not pay.
    const { loadClientNodeConfig } = await import('../../common/kube/clientnode.ts');
    kubeConfig = loadClientNodeConfig({ kubeconfig: flags.kubeconfig });
  } catch (error) {
    fail([problem(ERROR_CODES.BAD_FLAG, (error as Error).message, '--kubeconfig')], 2);
  }
}

try {
  const { startPlugin } = await import('./plugin.ts');
  const plugin = await startPlugin({
    config: config.value,
    sysfsRoot: flags['sysfs-root'],
    kubeletDir: flags['kubelet-dir'],
    nodeName,
    pollIntervalMs,
    metrics: { host: flags['metrics-host'], port: metricsPort },
    ...(kubeConfig
      ? {
          topology: {
            kubeConfig,
            policy: { policy: flags['topology-policy'], scope: flags['topology-scope'] },
            resyncMs,
          },
        }
      : {}),
    logger,
  });
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'stopping');
    await plugin.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
} catch (error) {
  logger.error({ err: (error as Error).message }, 'device plugin failed to start');
  process.exit(1);
}
