// One pool's presence at the kubelet: a gRPC DevicePlugin server on its own unix socket in
// the kubelet's device-plugins folder, registered with the kubelet's Registration service.
// Serves first, then registers, as the kubelet dials back during Register. A watch loop
// notices a recreated kubelet.sock (kubelet restart) or a vanished plugin socket (the kubelet
// wipes them on start) and serves and registers again; the device state lives outside, in the
// inventory, so nothing is lost across restarts.

import { existsSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import {
  credentials,
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServerWritableStream,
  type sendUnaryData,
  status,
} from '@grpc/grpc-js';
import type { Logger } from '../../../common/log.ts';
import { allocate } from '../allocation/allocate.ts';
import { preferredAllocation } from '../allocation/preferred.ts';
import { describe, ERROR_CODES, type Problem } from '../errors.ts';
import type { Pool } from '../selection/pools.ts';
import { kubeletDevices } from './devices.ts';
import {
  type AllocateRequest,
  type AllocateResponse,
  API_VERSION,
  DevicePluginService,
  KUBELET_SOCKET,
  type ListAndWatchResponse,
  type PreferredAllocationRequest,
  type PreferredAllocationResponse,
  type RegisterRequest,
  RegistrationClient,
} from './proto.ts';

export interface EndpointHooks {
  registered(resourceName: string): void;
  allocated(resourceName: string, devices: number, seconds: number): void;
  failed(resourceName: string, call: string, problems: Problem[]): void;
}

export interface EndpointOptions {
  resourceName: string;
  kubeletDir: string;
  /** The pool as it is now; undefined once it has no devices left. */
  pool: () => Pool | undefined;
  logger: Logger;
  hooks: EndpointHooks;
  /** How often the sockets are checked, in ms. */
  watchIntervalMs: number;
  /** Deadline of one Register call, in ms. */
  registerTimeoutMs?: number;
}

/** `kubehpc.dev/sriov-vf` → `kubehpc-kubehpc.dev_sriov-vf.sock`. */
export function socketName(resourceName: string): string {
  return `kubehpc-${resourceName.replace(/[^A-Za-z0-9._-]/g, '_')}.sock`;
}

/** Device and inode of a file, so a socket recreated at the same path is told apart. */
export function fileIdentity(path: string): string | undefined {
  try {
    const s = statSync(path);
    return `${s.dev}:${s.ino}:${s.ctimeMs}`;
  } catch {
    return undefined;
  }
}

function grpcError(problems: Problem[]) {
  const unknown = problems.some((p) => p.code === ERROR_CODES.UNKNOWN_DEVICE);
  return {
    code: unknown ? status.NOT_FOUND : status.INVALID_ARGUMENT,
    details: problems.map(describe).join('; '),
  };
}

interface RegistrationStub {
  Register(
    request: RegisterRequest,
    options: { deadline: number },
    callback: (error: Error | null) => void,
  ): void;
  close(): void;
}

export class PoolEndpoint {
  readonly resourceName: string;
  readonly socketPath: string;
  readonly kubeletSocket: string;
  private readonly options: EndpointOptions;
  private readonly log: Logger;
  private server: Server | undefined;
  private servedIdentity: string | undefined;
  private registeredWith: string | undefined;
  private readonly streams = new Set<ServerWritableStream<unknown, ListAndWatchResponse>>();
  private timer: NodeJS.Timeout | undefined;
  private checking = false;
  /** After a failed Register, no new attempt before this time (ms); doubles up to 10 s. */
  private retryAt = 0;
  private retryDelayMs = 0;
  /** The kubelet socket the last failed Register went to; a new one is tried at once. */
  private failedWith: string | undefined;
  private stopped = false;
  /** Times this endpoint registered with a kubelet. */
  registrations = 0;

  constructor(options: EndpointOptions) {
    this.options = options;
    this.resourceName = options.resourceName;
    this.socketPath = join(options.kubeletDir, socketName(options.resourceName));
    this.kubeletSocket = join(options.kubeletDir, KUBELET_SOCKET);
    this.log = options.logger.child({ resource: options.resourceName });
  }

  /** True while serving and registered with the kubelet whose socket is there now. */
  get ready(): boolean {
    return (
      this.server !== undefined &&
      this.registeredWith !== undefined &&
      this.registeredWith === fileIdentity(this.kubeletSocket)
    );
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.check();
    this.timer = setInterval(() => void this.check(), this.options.watchIntervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.stopServing();
  }

  /** Sends the current device list to every open ListAndWatch stream. */
  notify(): void {
    const message = this.listMessage();
    for (const stream of this.streams) stream.write(message);
  }

  /** One round of the watch loop: serve if our socket is gone, register if the kubelet is new. */
  async check(): Promise<void> {
    if (this.checking || this.stopped) return;
    this.checking = true;
    try {
      if (this.server === undefined || fileIdentity(this.socketPath) !== this.servedIdentity) {
        if (this.server !== undefined)
          this.log.warn({ socket: this.socketPath }, 'plugin socket vanished; serving again');
        await this.stopServing();
        await this.serve();
        this.registeredWith = undefined;
      }
      const kubelet = fileIdentity(this.kubeletSocket);
      const due = kubelet !== this.failedWith || Date.now() >= this.retryAt;
      if (kubelet !== undefined && kubelet !== this.registeredWith && due) {
        this.failedWith = kubelet;
        if (this.registeredWith !== undefined) this.log.warn('kubelet socket recreated; registering again');
        await this.register();
        this.registeredWith = kubelet;
        this.registrations++;
        this.retryDelayMs = 0;
        this.failedWith = undefined;
        this.options.hooks.registered(this.resourceName);
        this.log.info({ registrations: this.registrations }, 'registered with the kubelet');
      }
    } catch (error) {
      this.retryDelayMs = Math.min(10_000, Math.max(this.options.watchIntervalMs, this.retryDelayMs * 2));
      this.retryAt = Date.now() + this.retryDelayMs;
      this.log.warn(
        {
          code: ERROR_CODES.REGISTRATION_FAILED,
          err: (error as Error).message,
          retryInMs: this.retryDelayMs,
        },
        'cannot serve or register with the kubelet; will retry',
      );
    } finally {
      this.checking = false;
    }
  }

  private listMessage(): ListAndWatchResponse {
    const pool = this.options.pool();
    return { devices: pool ? kubeletDevices(pool) : [] };
  }

  private currentPool(): Pool {
    return this.options.pool() ?? { resourceName: this.resourceName, devices: [] };
  }

  private async serve(): Promise<void> {
    if (existsSync(this.socketPath)) unlinkSync(this.socketPath);
    const server = new Server();
    server.addService(DevicePluginService, {
      GetDevicePluginOptions: (_call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) =>
        callback(null, { pre_start_required: false, get_preferred_allocation_available: true }),
      ListAndWatch: (stream: ServerWritableStream<unknown, ListAndWatchResponse>) => {
        this.streams.add(stream);
        const forget = () => this.streams.delete(stream);
        stream.on('cancelled', forget);
        stream.on('close', forget);
        stream.on('error', forget);
        stream.write(this.listMessage());
      },
      GetPreferredAllocation: (
        call: ServerUnaryCall<PreferredAllocationRequest, PreferredAllocationResponse>,
        callback: sendUnaryData<PreferredAllocationResponse>,
      ) => {
        const pool = this.currentPool();
        const responses: PreferredAllocationResponse['container_responses'] = [];
        for (const request of call.request.container_requests) {
          const result = preferredAllocation(pool, {
            available: request.available_deviceIDs,
            mustInclude: request.must_include_deviceIDs,
            size: request.allocation_size,
          });
          if (!result.ok) {
            this.options.hooks.failed(this.resourceName, 'GetPreferredAllocation', result.problems);
            callback(grpcError(result.problems));
            return;
          }
          responses.push({ deviceIDs: result.value });
        }
        callback(null, { container_responses: responses });
      },
      Allocate: (
        call: ServerUnaryCall<AllocateRequest, AllocateResponse>,
        callback: sendUnaryData<AllocateResponse>,
      ) => {
        const started = process.hrtime.bigint();
        const containers = call.request.container_requests.map((c) => c.devices_ids);
        const result = allocate(this.currentPool(), containers);
        if (!result.ok) {
          this.options.hooks.failed(this.resourceName, 'Allocate', result.problems);
          this.log.warn({ problems: result.problems }, 'Allocate refused');
          callback(grpcError(result.problems));
          return;
        }
        callback(null, {
          container_responses: result.value.map((r) => ({
            envs: r.envs,
            mounts: [],
            devices: r.devices,
            annotations: {},
            cdi_devices: [],
          })),
        });
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        this.options.hooks.allocated(this.resourceName, containers.flat().length, seconds);
      },
      PreStartContainer: (_call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) =>
        callback(null, {}),
    });
    await new Promise<void>((resolve, reject) =>
      server.bindAsync(`unix://${this.socketPath}`, ServerCredentials.createInsecure(), (error) =>
        error ? reject(error) : resolve(),
      ),
    );
    this.server = server;
    this.servedIdentity = fileIdentity(this.socketPath);
    this.log.info({ socket: this.socketPath }, 'serving');
  }

  private async stopServing(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const stream of this.streams) stream.end();
    this.streams.clear();
    server.forceShutdown();
    // Only remove the socket if it is still ours; a new one may belong to a new instance.
    if (this.servedIdentity !== undefined && fileIdentity(this.socketPath) === this.servedIdentity) {
      unlinkSync(this.socketPath);
    }
    this.servedIdentity = undefined;
  }

  private register(): Promise<void> {
    const client = new RegistrationClient(
      `unix://${this.kubeletSocket}`,
      credentials.createInsecure(),
    ) as unknown as RegistrationStub;
    const request: RegisterRequest = {
      version: API_VERSION,
      endpoint: socketName(this.resourceName),
      resource_name: this.resourceName,
      options: { pre_start_required: false, get_preferred_allocation_available: true },
    };
    const deadline = Date.now() + (this.options.registerTimeoutMs ?? 10_000);
    return new Promise<void>((resolve, reject) => {
      client.Register(request, { deadline }, (error: Error | null) => {
        client.close();
        if (error) reject(error);
        else resolve();
      });
    });
  }
}
