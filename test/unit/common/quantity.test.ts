import t from 'tap';
import { formatBytes, isQuantity, parseQuantity, QuantityError } from '../../../common/quantity.ts';

t.test('parses every suffix family of the Kubernetes quantity grammar', async (t) => {
  t.equal(parseQuantity('4Gi'), 4 * 2 ** 30);
  t.equal(parseQuantity('1536Gi'), 1536 * 2 ** 30);
  t.equal(parseQuantity('500m'), 0.5);
  t.equal(parseQuantity('2'), 2);
  t.equal(parseQuantity('1.5k'), 1500);
  t.equal(parseQuantity('3M'), 3e6);
  t.equal(parseQuantity('1e3'), 1000);
  t.equal(parseQuantity('2E-2'), 0.02);
  t.equal(parseQuantity('.5Ki'), 512);
  t.equal(parseQuantity('100n'), 1e-7);
});

t.test('rejects what is not a quantity, naming the input', async (t) => {
  for (const bad of ['', 'Gi', '4 Gi', '4gi', '1.2.3', '5GB', ' 4Gi', '0x10', 'ten']) {
    t.notOk(isQuantity(bad), `isQuantity(${JSON.stringify(bad)})`);
    t.throws(() => parseQuantity(bad), QuantityError, `parseQuantity(${JSON.stringify(bad)})`);
  }
  try {
    parseQuantity('5GB');
  } catch (error) {
    t.match((error as Error).message, /"5GB"/);
  }
});

t.test('formats byte counts with the largest exact binary suffix', async (t) => {
  t.equal(formatBytes(256 * 2 ** 30), '256Gi');
  t.equal(formatBytes(1536 * 2 ** 30), '1536Gi');
  t.equal(formatBytes(2 ** 40), '1Ti');
  t.equal(formatBytes(1000), '1000');
  t.equal(formatBytes(3 * 2 ** 20 + 1), String(3 * 2 ** 20 + 1));
});
