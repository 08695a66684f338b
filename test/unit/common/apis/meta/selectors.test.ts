import t from 'tap';
import { StatusError } from '../../../../../common/apis/meta/errors.ts';
import {
  matchesFields,
  parseFieldSelector,
  parseLabelSelector,
} from '../../../../../common/apis/meta/selectors.ts';

const labels = { app: 'portal', tier: 'web', 'kubehpc.dev/project': 'climate' };

t.test('label selectors in kube-apiserver syntax', async (t) => {
  const cases: Array<[string, boolean]> = [
    ['', true],
    ['app=portal', true],
    ['app==portal', true],
    ['app!=portal', false],
    ['app=other', false],
    ['tier in (web,db)', true],
    ['tier notin (web)', false],
    ['missing notin (x)', true],
    ['app', true],
    ['!app', false],
    ['!missing', true],
    ['kubehpc.dev/project=climate,tier=web', true],
    ['kubehpc.dev/project=climate,tier=db', false],
  ];
  for (const [selector, expected] of cases) t.equal(parseLabelSelector(selector)(labels), expected, selector);
  t.equal(parseLabelSelector('app')(undefined), false, 'objects without labels');
  for (const bad of ['app=(x', 'a b', '=x', 'tier in (a b)', 'app=,']) {
    t.throws(() => parseLabelSelector(bad), StatusError, `rejects ${JSON.stringify(bad)}`);
  }
});

t.test('field selectors accept only supported fields', async (t) => {
  const reqs = parseFieldSelector('metadata.name=portal,spec.image!=x', ['metadata.name', 'spec.image']);
  const value = (f: string) => ({ 'metadata.name': 'portal', 'spec.image': 'nginx' })[f];
  t.equal(matchesFields(reqs, value), true);
  t.equal(matchesFields(parseFieldSelector('metadata.name==other', ['metadata.name']), value), false);
  t.throws(() => parseFieldSelector('spec.replicas=3', ['metadata.name']), StatusError);
  t.throws(() => parseFieldSelector('nonsense', ['metadata.name']), StatusError);
});
