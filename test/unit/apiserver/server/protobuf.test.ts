import t from 'tap';
import { negotiate, readScaleBody } from '../../../../apiserver/src/server/negotiation.ts';
import { decodeScale, encodeScale } from '../../../../apiserver/src/server/protobuf.ts';
import { StatusError } from '../../../../common/apis/meta/errors.ts';

// Written by k8s.io/apimachinery's protobuf serializer (v0.36.3) for the Scale below: the
// upstream encoder's output, so encoder and decoder are checked against the real thing.
const FROM_GO = Buffer.from(
  '6b3873000a170a0e6175746f7363616c696e672f763112055363616c6512750a480a06706f7274616c12001a047465616d22002a2436663163326133622d303030302d343030302d383030302d303030303030303030303031320234323800420808a5ebdcca061000120208031a25080212216170702e6b756265726e657465732e696f2f696e7374616e63653d706f7274616c1a002200',
  'hex',
);
const SCALE = {
  apiVersion: 'autoscaling/v1',
  kind: 'Scale',
  metadata: {
    name: 'portal',
    namespace: 'team',
    uid: '6f1c2a3b-0000-4000-8000-000000000001',
    resourceVersion: '42',
    creationTimestamp: '2026-01-02T03:04:05Z',
  },
  spec: { replicas: 3 },
  status: { replicas: 2, selector: 'app.kubernetes.io/instance=portal' },
};

t.test('a Scale encoded by Go decodes to its JSON form', async (t) => {
  t.same(decodeScale(FROM_GO), SCALE);
});

t.test('our encoding of a Scale is byte for byte what Go writes', async (t) => {
  t.equal(encodeScale(SCALE).toString('hex'), FROM_GO.toString('hex'));
});

t.test('bodies that are not a protobuf Scale are a 400', async (t) => {
  const bad = [
    Buffer.from('{"kind":"Scale"}'),
    Buffer.from([0x6b, 0x38, 0x73]),
    Buffer.concat([FROM_GO.subarray(0, 4), Buffer.from([0x0a, 0xff, 0xff])]),
    // A valid envelope around another kind.
    Buffer.from(FROM_GO.toString('hex').replace('055363616c65', '05506f647321'), 'hex'),
  ];
  for (const body of bad) {
    t.throws(() => decodeScale(body), StatusError);
    try {
      decodeScale(body);
    } catch (error) {
      t.equal((error as StatusError).code, 400);
    }
  }
});

t.test('protobuf is negotiated only where it is offered', async (t) => {
  const accept = 'application/vnd.kubernetes.protobuf, */*';
  t.same(negotiate(accept, [], { protobuf: true }), { format: 'protobuf' });
  t.same(negotiate(accept, []), { format: 'json' }, 'elsewhere the */* fallback is JSON');
  t.throws(() => negotiate('application/vnd.kubernetes.protobuf', []), StatusError, '406 without a fallback');
  t.same(readScaleBody(FROM_GO, 'application/vnd.kubernetes.protobuf'), SCALE);
  t.same(readScaleBody(Buffer.from(JSON.stringify(SCALE)), 'application/json'), SCALE);
});
