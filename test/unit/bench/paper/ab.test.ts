// The paper bench's use of ApacheBench: how the load is split over replicas, the command line
// of one ab, and the reading of its report (texts as ab 2.3 prints them).

import t from 'tap';
import { abArgs, parseAb, portalUrl, splitLoad } from '../../../../bench/paper/ab.ts';

t.test('one address takes every connection and every remaining request', async (t) => {
  t.same(splitLoad(['10.245.0.11'], 100, 100_000), [
    { address: '10.245.0.11', concurrency: 100, requests: 100_000 },
  ]);
});

t.test('connections split as evenly as whole numbers allow, requests in proportion', async (t) => {
  const shares = splitLoad(['10.245.0.13', '10.245.0.11', '10.245.0.12'], 100, 1000);
  t.same(
    shares.map((s) => [s.address, s.concurrency, s.requests]),
    [
      ['10.245.0.11', 34, 340],
      ['10.245.0.12', 33, 330],
      ['10.245.0.13', 33, 330],
    ],
    'sorted by address, the first takes the remainder',
  );
  t.equal(
    shares.reduce((n, s) => n + s.concurrency, 0),
    100,
    'the concurrency stays the paper’s 100 in total',
  );
});

t.test('near the end, each share still asks as many requests as it has connections', async (t) => {
  const shares = splitLoad(['a', 'b'], 100, 10);
  t.same(
    shares.map((s) => [s.concurrency, s.requests]),
    [
      [50, 50],
      [50, 50],
    ],
  );
});

t.test('more addresses than connections: one connection each, the rest idle', async (t) => {
  const shares = splitLoad(['d', 'c', 'b', 'a'], 2, 1000);
  t.same(
    shares.map((s) => [s.address, s.concurrency]),
    [
      ['a', 1],
      ['b', 1],
    ],
  );
});

t.test('no address, no connection or nothing left: no share', async (t) => {
  t.same(splitLoad([], 100, 1000), []);
  t.same(splitLoad(['a'], 0, 1000), []);
  t.same(splitLoad(['a'], 100, 0), []);
  t.same(splitLoad(['a', 'a'], 10, 10), [{ address: 'a', concurrency: 10, requests: 10 }], 'duplicates once');
});

t.test('ab runs for at most the round, -t before -n so -n counts', async (t) => {
  const args = abArgs({ address: '10.245.0.11', concurrency: 34, requests: 340 }, 'http://x/', 5, 30);
  t.ok(args.indexOf('-t') < args.indexOf('-n'), '-t first: alone it would imply 50,000 requests');
  t.same(args.slice(args.indexOf('-t'), args.indexOf('-t') + 6), ['-t', '5', '-n', '340', '-c', '34']);
  t.ok(args.includes('-r'), 'a reset connection is counted, not fatal');
  t.equal(args.at(-1), 'http://x/');
});

t.test('URLs bracket IPv6 addresses', async (t) => {
  t.equal(portalUrl('10.245.0.11', 8080, '/cgi-bin/work'), 'http://10.245.0.11:8080/cgi-bin/work');
  t.equal(portalUrl('fd00::5', 8080, '/'), 'http://[fd00::5]:8080/');
});

const REPORT = `Server Software:
Server Hostname:        10.245.0.11
Server Port:            8080

Document Path:          /cgi-bin/work
Document Length:        Variable

Concurrency Level:      34
Time taken for tests:   5.002 seconds
Complete requests:      1234
Failed requests:        7
   (Connect: 0, Receive: 7, Length: 0, Exceptions: 0)
Non-2xx responses:      3
Total transferred:      64168 bytes
`;

t.test('a report: complete requests, failures plus non-2xx answers as errors', async (t) => {
  t.same(parseAb(REPORT, ''), { complete: 1234, errors: 10 });
  t.same(
    parseAb(
      REPORT.replace(/^Failed.*\n.*\n/m, 'Failed requests:        0\n').replace(/^Non-2xx.*\n/m, ''),
      '',
    ),
    {
      complete: 1234,
      errors: 0,
    },
  );
});

t.test('ab giving up: what it completed and its reason', async (t) => {
  const stderr = 'apr_socket_connect(): Connection refused (111)\nTotal of 17 requests completed\n';
  t.same(parseAb('', stderr), {
    complete: 17,
    errors: 1,
    aborted: 'apr_socket_connect(): Connection refused (111)',
  });
  t.same(parseAb('', ''), { complete: 0, errors: 1, aborted: 'ab exited without a report' });
});
