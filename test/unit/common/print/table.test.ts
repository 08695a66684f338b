// Server Tables rendered as kubectl renders them, as readable snapshots.

import t from 'tap';
import { humanDuration, renderTable, type Table } from '../../../../common/print/table.ts';

const now = Date.parse('2026-01-01T12:00:00Z');
const table: Table = {
  kind: 'Table',
  columnDefinitions: [
    { name: 'Name', type: 'string', format: 'name' },
    { name: 'Ready', type: 'string' },
    { name: 'Phase', type: 'string' },
    { name: 'Endpoint', type: 'string', priority: 1 },
    { name: 'Age', type: 'date' },
  ],
  rows: [
    {
      cells: ['portal', '3/3', 'Running', 'portal.climate.svc:8080', '2026-01-01T11:55:00Z'],
      object: { metadata: { namespace: 'climate' } },
    },
    {
      cells: ['solver-with-long-name', '0/2', 'Pending', null, '2025-12-30T12:00:00Z'],
      object: { metadata: { namespace: 'physics' } },
    },
  ],
};

t.test('default columns, headers upper-cased, three spaces apart, ages from dates', async (t) => {
  t.equal(
    renderTable(table, { now }),
    [
      'NAME                    READY   PHASE     AGE',
      'portal                  3/3     Running   5m',
      'solver-with-long-name   0/2     Pending   2d',
    ].join('\n'),
  );
});

t.test('wide adds priority columns, -A a NAMESPACE column, --no-headers drops the header', async (t) => {
  t.equal(
    renderTable(table, { now, wide: true, withNamespace: true, noHeaders: true }),
    [
      'climate   portal                  3/3   Running   portal.climate.svc:8080   5m',
      'physics   solver-with-long-name   0/2   Pending   <none>                    2d',
    ].join('\n'),
  );
  t.equal(renderTable({ ...table, rows: [] }, { now }), '', 'no rows, no header');
});

t.test("kubectl's human durations", async (t) => {
  const s = 1000;
  t.same(
    [45, 150, 600, 4 * 3600 + 60, 30 * 3600, 3 * 86400 + 3600, 400 * 86400, -5].map((n) =>
      humanDuration(n * s),
    ),
    ['45s', '2m30s', '10m', '4h1m', '30h', '3d1h', '400d', '<invalid>'],
  );
});
