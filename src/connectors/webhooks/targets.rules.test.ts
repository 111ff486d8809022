import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkTargetUrl, firstRefused, redactUrl, refusalOf } from './targets.rules.ts';

test('addresses inside the hub’s networks are refused, each with its reason; public ones pass', () => {
  const cases: Array<[string, string | null]> = [
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['::ffff:192.168.1.1', 'private'],
    ['169.254.169.254', 'metadata'],
    ['169.254.170.2', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['169.254.1.1', 'link_local'],
    ['fe80::1', 'link_local'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['fc00::1', 'unique_local'],
    ['fd12:3456::1', 'unique_local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['64:ff9b::a00:1', 'reserved'],
    ['2002:a00:1::', 'reserved'],
    ['not-an-address', 'reserved'],
    ['93.184.215.14', null],
    ['172.32.0.1', null],
    ['100.128.0.1', null],
    ['2606:4700::1111', null],
  ];
  for (const [address, reason] of cases) assert.equal(refusalOf(address), reason, address);
  assert.deepEqual(firstRefused(['93.184.215.14', '10.0.0.5']), { address: '10.0.0.5', reason: 'private' });
  assert.equal(firstRefused(['93.184.215.14']), null);
});

test('target URLs: https on a public host; literal addresses in any notation are read as the address they are', () => {
  const strict = { allowHttp: false, allowPrivate: false };
  assert.equal(checkTargetUrl('https://hooks.example.com/in', strict).ok, true);
  assert.equal(checkTargetUrl('https://93.184.215.14/in', strict).ok, true);
  const refused = (url: string, options = strict) => {
    const checked = checkTargetUrl(url, options);
    assert.equal(checked.ok, false, url);
    return checked.ok ? '' : checked.message;
  };
  assert.match(refused('http://hooks.example.com/in'), /https/);
  assert.match(refused('ftp://hooks.example.com/in', { allowHttp: true, allowPrivate: false }), /http and https/);
  assert.match(refused('not a url'), /absolute URL/);
  assert.match(refused('https://user:pw@hooks.example.com/'), /credentials/);
  assert.match(refused('https://hooks.example.com/#x'), /fragment/);
  assert.match(refused('https://127.0.0.1/'), /loopback/);
  assert.match(refused('https://0x7f000001/'), /127\.0\.0\.1 is a loopback/);
  assert.match(refused('https://2130706433/'), /loopback/);
  assert.match(refused('https://[::1]:8443/'), /loopback/);
  assert.match(refused('https://[::ffff:169.254.169.254]/'), /metadata/);
  assert.match(refused('https://localhost/'), /this machine/);
  assert.match(refused('https://api.localhost./'), /this machine/);
  assert.match(refused('https://metadata.google.internal/computeMetadata/v1/'), /metadata/);
  // The allowance for tests and development lets loopback and http through, nothing else.
  const dev = { allowHttp: true, allowPrivate: true };
  assert.equal(checkTargetUrl('http://127.0.0.1:4000/hook', dev).ok, true);
  assert.match(refused('https://user:pw@127.0.0.1/', dev), /credentials/);
});

test('health shows a URL without its query, which may carry a token', () => {
  assert.equal(redactUrl('https://hooks.example.com/in?token=abc'), 'https://hooks.example.com/in?…');
  assert.equal(redactUrl('https://hooks.example.com/in'), 'https://hooks.example.com/in');
});
