// The deviceplugin v1beta1 gRPC definitions loaded from our .proto, and TypeScript shapes of
// the messages kubehpc sends and receives (field names kept exactly as on the wire).

import { fileURLToPath } from 'node:url';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { type GrpcObject, loadPackageDefinition, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

export const API_VERSION = 'v1beta1';
export const KUBELET_SOCKET = 'kubelet.sock';

export const PROTO_PATH = fileURLToPath(
  new URL('../../proto/deviceplugin/v1beta1/api.proto', import.meta.url),
);

const definition = loadSync(PROTO_PATH, {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  arrays: true,
  objects: true,
});
const pkg = (loadPackageDefinition(definition) as GrpcObject).v1beta1 as GrpcObject;

export const DevicePluginService = (pkg.DevicePlugin as ServiceClientConstructor)
  .service as ServiceDefinition;
export const RegistrationClient = pkg.Registration as ServiceClientConstructor;

export interface DevicePluginOptions {
  pre_start_required: boolean;
  get_preferred_allocation_available: boolean;
}

export interface Device {
  ID: string;
  health: string;
  topology: { nodes: Array<{ ID: number }> } | null;
}

export interface ListAndWatchResponse {
  devices: Device[];
}

export interface PreferredAllocationRequest {
  container_requests: Array<{
    available_deviceIDs: string[];
    must_include_deviceIDs: string[];
    allocation_size: number;
  }>;
}

export interface PreferredAllocationResponse {
  container_responses: Array<{ deviceIDs: string[] }>;
}

export interface AllocateRequest {
  container_requests: Array<{ devices_ids: string[] }>;
}

export interface AllocateResponse {
  container_responses: Array<{
    envs: Record<string, string>;
    mounts: Array<{ container_path: string; host_path: string; read_only: boolean }>;
    devices: Array<{ container_path: string; host_path: string; permissions: string }>;
    annotations: Record<string, string>;
    cdi_devices: Array<{ name: string }>;
  }>;
}

export interface RegisterRequest {
  version: string;
  endpoint: string;
  resource_name: string;
  options: DevicePluginOptions;
}
