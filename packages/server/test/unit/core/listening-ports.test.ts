import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listeningPorts } from '../../../src/core/listening-ports.js';

const HEADER4 =
  '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';
const HEADER6 =
  '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';
const row = (n: number, local: string, remote: string, st: string) =>
  `   ${n}: ${local} ${remote} ${st} 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0000000000000000 100 0 0 10 0`;
const ANY4 = '00000000:0000';
const ANY6 = '00000000000000000000000000000000:0000';

describe('listening ports from /proc/net/tcp and tcp6', () => {
  it('given sockets on IPv4 loopback and any address, when parsed, then both ports are listed in order', () => {
    const text = [HEADER4, row(0, '00000000:1F90', ANY4, '0A'), row(1, '0100007F:0BB8', ANY4, '0A')].join(
      '\n',
    );
    assert.deepEqual(listeningPorts(text), [3000, 8080]);
  });

  it('given other loopback addresses (127.0.0.53), when parsed, then they count as loopback', () => {
    assert.deepEqual(listeningPorts(row(0, '3500007F:0035', ANY4, '0A')), [53]);
  });

  it('given connections rather than listeners, when parsed, then only listeners count', () => {
    const text = [
      row(0, '0100007F:1F90', '0100007F:D431', '01'), // ESTABLISHED
      row(1, '0100007F:0BB9', '0100007F:D432', '06'), // TIME_WAIT
      row(2, '0100007F:0BBA', ANY4, '0A'),
    ].join('\n');
    assert.deepEqual(listeningPorts(text), [3002]);
  });

  it("given a socket on the container's own address, when parsed, then it is left out (no URL reaches it)", () => {
    // 172.17.0.2
    assert.deepEqual(listeningPorts(row(0, '020011AC:0050', ANY4, '0A')), []);
  });

  it('given IPv6 any (dual-stack), v4-mapped loopback and ::1, when parsed, then they count', () => {
    const text = [
      HEADER6,
      row(0, '00000000000000000000000000000000:1389', ANY6, '0A'), // [::]:5001
      row(1, '0000000000000000FFFF00000100007F:138A', ANY6, '0A'), // [::ffff:127.0.0.1]:5002
      row(2, '00000000000000000000000001000000:138B', ANY6, '0A'), // [::1]:5003
      row(3, '0000000000000000FFFF0000020011AC:138C', ANY6, '0A'), // [::ffff:172.17.0.2]:5004
    ].join('\n');
    assert.deepEqual(listeningPorts(text), [5001, 5002, 5003]);
  });

  it('given the same port on IPv4 and IPv6, when parsed, then it is listed once', () => {
    const text = [
      HEADER4,
      row(0, '00000000:0BB8', ANY4, '0A'),
      HEADER6,
      row(0, `${'0'.repeat(32)}:0BB8`, ANY6, '0A'),
    ].join('\n');
    assert.deepEqual(listeningPorts(text), [3000]);
  });

  it('given nothing or garbage, when parsed, then no ports and no exception', () => {
    assert.deepEqual(listeningPorts(''), []);
    assert.deepEqual(listeningPorts('hello\n 0: zz:zz 00 0A\n0: 0100007F:XYZW x 0A'), []);
  });
});
