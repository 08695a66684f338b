// -o json|yaml|name|jsonpath in kubectl's shapes.

import t from 'tap';
import { JsonPathError, jsonPath } from '../../../../common/print/jsonpath.ts';
import { formatObjects, objectName, parseOutput } from '../../../../common/print/output.ts';

const ps = (name: string, replicas: number) => ({
  apiVersion: 'apps.kubehpc.dev/v1alpha1',
  kind: 'ProjectService',
  metadata: { name, labels: { 'kubehpc.dev/project': 'climate' } },
  spec: { replicas, ports: [{ name: 'http', port: 8080 }] },
});

t.test('-o name is kind.group/name; core kinds have no group', async (t) => {
  t.equal(objectName(ps('portal', 1)), 'projectservice.apps.kubehpc.dev/portal');
  t.equal(
    objectName({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'climate' } }),
    'namespace/climate',
  );
});

t.test('several objects are a v1 List; one named object is itself', async (t) => {
  const list = JSON.parse(await formatObjects([ps('a', 1), ps('b', 2)], { kind: 'json' }, false));
  t.same([list.kind, list.apiVersion, list.items.length], ['List', 'v1', 2]);
  t.equal(JSON.parse(await formatObjects([ps('a', 1)], { kind: 'json' }, true)).metadata.name, 'a');
  t.match(
    await formatObjects([ps('a', 1)], { kind: 'yaml' }, true),
    /^apiVersion: apps.kubehpc.dev\/v1alpha1\nkind: ProjectService/,
  );
});

t.test('jsonpath: fields, indexes, wildcards, quoted keys, range', async (t) => {
  const list = { items: [ps('a', 1), ps('b', 2)] };
  t.equal(jsonPath('{.items[*].metadata.name}', list), 'a b');
  t.equal(jsonPath('{.items[-1].spec.replicas}', list), '2');
  t.equal(jsonPath("{.items[0].metadata.labels['kubehpc.dev/project']}", list), 'climate');
  t.equal(
    jsonPath('{range .items[*]}{.metadata.name}={.spec.ports[0].port}{"\\n"}{end}', list),
    'a=8080\nb=8080\n',
  );
  t.equal(jsonPath('{.items[0].spec.ports[0]}', list), '{"name":"http","port":8080}');
});

t.test('bad formats and templates are refused before any request', async (t) => {
  t.throws(() => parseOutput('xml'), /unknown output format "xml"/);
  t.throws(() => parseOutput('jsonpath={.a'), JsonPathError);
  t.throws(() => parseOutput('jsonpath={range .a}'), /range\} without \{end/);
  t.same(parseOutput('jsonpath={.a}'), { kind: 'jsonpath', template: '{.a}' });
  t.equal(parseOutput('wide'), undefined);
});
