import { parseDaemonLogLine } from './daemon-log';

describe('parseDaemonLogLine', () => {
  it('reads a statestored role change with its epoch as a bigint', () => {
    const line = '{"level":30,"time":"2026-11-25T15:17:20.316Z","daemon":"statestored","pid":7,"from":"standby","to":"active","epoch":"1795619840315001","reason":"takeover","failoverMs":2254,"msg":"role changed"}';
    expect(parseDaemonLogLine('statestored-2', line)).toEqual({
      kind: 'roleChange',
      t: Date.parse('2026-11-25T15:17:20.316Z'),
      daemon: 'statestored-2',
      pid: 7,
      from: 'standby',
      to: 'active',
      epoch: 1795619840315001n,
      reason: 'takeover',
      failoverMs: 2254,
    });
  });

  it('reads a subscriber follow; the first one has no from', () => {
    const line = '{"level":30,"time":"2026-11-25T15:17:10.463Z","daemon":"catalogd","pid":9,"to":1,"epoch":1795619828966002,"failover":false,"msg":"following statestored"}';
    expect(parseDaemonLogLine('catalogd-1', line)).toMatchObject({ kind: 'follow', from: null, to: 1, epoch: 1795619828966002n, failover: false });
  });

  it('reads a follow of nobody (no to) as null, not as a statestore', () => {
    const line = '{"level":30,"time":"2026-11-25T15:46:08.718Z","daemon":"catalogd","pid":9,"from":2,"epoch":1795621562280001,"failover":false,"msg":"following statestored"}';
    expect(parseDaemonLogLine('catalogd-1', line)).toMatchObject({ kind: 'follow', from: 2, to: null });
  });

  it('ignores other messages and lines that are not JSON', () => {
    expect(parseDaemonLogLine('x', '{"time":"2026-11-25T15:17:10.463Z","msg":"subscriber registered"}')).toBeUndefined();
    expect(parseDaemonLogLine('x', 'node: warning')).toBeUndefined();
  });
});
