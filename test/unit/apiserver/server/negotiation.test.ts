import t from 'tap';
import {
  negotiate,
  readObjectBody,
  readPatchBody,
  readScaleBody,
} from '../../../../apiserver/src/server/negotiation.ts';
import { StatusError } from '../../../../common/apis/meta/errors.ts';

function code(fn: () => unknown): number {
  try {
    fn();
  } catch (error) {
    if (error instanceof StatusError) return error.code;
    throw error;
  }
  return 0;
}

t.test('Accept picks the first representation the endpoint can produce', async (t) => {
  const kubectlGet =
    'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
  t.same(negotiate(kubectlGet, ['Table']), { format: 'json', as: 'Table' });
  t.same(
    negotiate(kubectlGet, []),
    { format: 'json' },
    'falls back to plain JSON where tables make no sense',
  );
  t.same(negotiate('application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json', ['Table']), {
    format: 'json',
  });
  const metadataClient =
    'application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
  t.same(negotiate(metadataClient, ['PartialObjectMetadataList']), {
    format: 'json',
    as: 'PartialObjectMetadataList',
  });
  t.same(negotiate('application/yaml', []), { format: 'yaml' });
  t.same(negotiate(undefined, []), { format: 'json' });
  t.same(negotiate('*/*', []), { format: 'json' });
  t.equal(
    code(() => negotiate('application/vnd.kubernetes.protobuf', [])),
    406,
  );
  t.equal(
    code(() => negotiate('text/html', [])),
    406,
  );
});

t.test('bodies by Content-Type', async (t) => {
  t.same(readObjectBody(Buffer.from('{"a":1}'), 'application/json; charset=utf-8'), { a: 1 });
  t.same(readObjectBody(Buffer.from('a: 1\n'), 'application/yaml'), { a: 1 });
  t.equal(
    code(() => readObjectBody(Buffer.from('{'), 'application/json')),
    400,
  );
  t.equal(
    code(() => readObjectBody(Buffer.from('a: [b'), 'application/yaml')),
    400,
  );
  t.equal(
    code(() => readObjectBody(Buffer.from('x'), 'text/plain')),
    415,
  );
  t.equal(
    code(() => readObjectBody(undefined, 'application/json')),
    400,
  );
  t.same(
    readObjectBody(Buffer.from('{"kind":"Scale"}'), undefined),
    { kind: 'Scale' },
    'no Content-Type is JSON (client-go sends pre-encoded bytes without one)',
  );
  t.same(readScaleBody(Buffer.from('{"kind":"Scale"}'), ''), { kind: 'Scale' });
  t.same(readPatchBody(Buffer.from('[]'), 'application/json-patch+json'), { type: 'json', patch: [] });
  t.same(readPatchBody(Buffer.from('{}'), 'application/merge-patch+json'), { type: 'merge', patch: {} });
  t.same(readPatchBody(Buffer.from('{}'), 'application/strategic-merge-patch+json'), {
    type: 'strategic',
    patch: {},
  });
  t.equal(
    code(() => readPatchBody(Buffer.from('{}'), 'application/json')),
    415,
  );
});
