// Kubernetes' protobuf encoding (application/vnd.kubernetes.protobuf) for the one object
// built-in controllers exchange with us in it: autoscaling/v1 Scale, which
// kube-controller-manager's HPA (and KEDA's) reads and writes through the scale
// subresource. On the wire an object is the 4-byte magic "k8s\0" followed by a
// runtime.Unknown message whose typeMeta names the kind and whose raw bytes are the
// object's own message. Field numbers are those of the upstream generated.proto files
// (k8s.io/apimachinery/pkg/runtime, pkg/apis/meta/v1 and k8s.io/api/autoscaling/v1); only
// the fields a Scale carries are declared, and unknown fields are skipped on decode.
// Pure; a body that is not such an envelope is a 400.

import protobuf from 'protobufjs';
import { errors } from '../../../common/apis/meta/errors.ts';

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

const SCHEMA = `
syntax = "proto2";
package kubehpc.wire;
message TypeMeta { optional string apiVersion = 1; optional string kind = 2; }
message Unknown {
  optional TypeMeta typeMeta = 1;
  optional bytes raw = 2;
  optional string contentEncoding = 3;
  optional string contentType = 4;
}
message Time { optional int64 seconds = 1; optional int32 nanos = 2; }
message ObjectMeta {
  optional string name = 1;
  optional string generateName = 2;
  optional string namespace = 3;
  optional string selfLink = 4;
  optional string uid = 5;
  optional string resourceVersion = 6;
  optional int64 generation = 7;
  optional Time creationTimestamp = 8;
  map<string, string> labels = 11;
  map<string, string> annotations = 12;
}
message ScaleSpec { optional int32 replicas = 1; }
message ScaleStatus { optional int32 replicas = 1; optional string selector = 2; }
message Scale {
  optional ObjectMeta metadata = 1;
  optional ScaleSpec spec = 2;
  optional ScaleStatus status = 3;
}
`;

const root = protobuf.parse(SCHEMA, { keepCase: true }).root;
const UNKNOWN = root.lookupType('kubehpc.wire.Unknown');
const SCALE = root.lookupType('kubehpc.wire.Scale');

export interface ScaleObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: { replicas?: number };
  status?: { replicas?: number; selector?: string };
}

function toTime(iso: string | undefined): { seconds: number; nanos: number } | undefined {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : { seconds: Math.floor(ms / 1000), nanos: 0 };
}

function fromTime(time: { seconds?: number } | undefined): string | undefined {
  // The zero Time (seconds 0 or unset) is "no timestamp", as in Go.
  if (!time?.seconds) return undefined;
  return new Date(Number(time.seconds) * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** A Scale as application/vnd.kubernetes.protobuf bytes. */
export function encodeScale(scale: ScaleObject): Buffer {
  const m = scale.metadata ?? {};
  const creationTimestamp = toTime(m.creationTimestamp);
  const raw = SCALE.encode(
    SCALE.fromObject({
      // Every scalar present, empty or not, as Go's encoder writes them: byte-identical output.
      metadata: {
        name: m.name ?? '',
        generateName: '',
        namespace: m.namespace ?? '',
        selfLink: '',
        uid: m.uid ?? '',
        resourceVersion: m.resourceVersion ?? '',
        generation: 0,
        creationTimestamp: creationTimestamp ?? { seconds: 0, nanos: 0 },
      },
      spec: { replicas: scale.spec?.replicas ?? 0 },
      status: { replicas: scale.status?.replicas ?? 0, selector: scale.status?.selector ?? '' },
    }),
  ).finish();
  const envelope = UNKNOWN.encode(
    UNKNOWN.fromObject({
      typeMeta: { apiVersion: scale.apiVersion ?? 'autoscaling/v1', kind: scale.kind ?? 'Scale' },
      raw,
      contentEncoding: '',
      contentType: '',
    }),
  ).finish();
  return Buffer.concat([MAGIC, envelope]);
}

/** The Scale in an application/vnd.kubernetes.protobuf body, as the JSON object it stands for. */
export function decodeScale(body: Buffer | undefined): ScaleObject {
  if (!body || body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw errors.badRequest('the protobuf body does not start with the Kubernetes magic "k8s\\x00"');
  }
  let envelope: { typeMeta?: { apiVersion?: string; kind?: string }; raw?: Uint8Array };
  let scale: {
    metadata?: ScaleObject['metadata'] & { creationTimestamp?: { seconds?: number } };
    spec?: { replicas?: number };
    status?: { replicas?: number; selector?: string };
  };
  try {
    envelope = UNKNOWN.toObject(UNKNOWN.decode(body.subarray(MAGIC.length)), { longs: Number });
    scale = SCALE.toObject(SCALE.decode(envelope.raw ?? new Uint8Array()), { longs: Number });
  } catch (error) {
    throw errors.badRequest(`the protobuf body cannot be decoded: ${(error as Error).message}`);
  }
  const { typeMeta } = envelope;
  if (typeMeta?.apiVersion !== 'autoscaling/v1' || typeMeta.kind !== 'Scale') {
    throw errors.badRequest(
      `the protobuf body holds ${typeMeta?.apiVersion ?? '?'}/${typeMeta?.kind ?? '?'}, not autoscaling/v1 Scale`,
    );
  }
  const { creationTimestamp, ...fields } = scale.metadata ?? {};
  // Go writes empty strings for unset fields; they mean "absent" in the JSON form.
  const meta = Object.fromEntries(
    Object.entries(fields).filter(
      ([k, v]) => ['name', 'namespace', 'uid', 'resourceVersion'].includes(k) && v !== '',
    ),
  );
  const created = fromTime(creationTimestamp);
  return {
    apiVersion: typeMeta.apiVersion,
    kind: typeMeta.kind,
    metadata: { ...meta, ...(created ? { creationTimestamp: created } : {}) },
    spec: { replicas: scale.spec?.replicas ?? 0 },
    ...(scale.status
      ? { status: { replicas: scale.status.replicas ?? 0, selector: scale.status.selector ?? '' } }
      : {}),
  };
}
