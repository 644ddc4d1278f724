import { formatHostPort, parseHostPort } from './host-port';

describe('host:port', () => {
  it('parses hosts, IPv6 in brackets and an empty host', () => {
    expect(parseHostPort('localhost:8474')).toEqual({ host: 'localhost', port: 8474 });
    expect(parseHostPort('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(parseHostPort(':26379')).toEqual({ host: '', port: 26379 });
  });

  it('rejects what is not host:port', () => {
    expect(parseHostPort('localhost')).toBeUndefined();
    expect(parseHostPort('a:b')).toBeUndefined();
    expect(parseHostPort('h:70000')).toBeUndefined();
    expect(parseHostPort('::1:80')).toBeUndefined();
  });

  it('formats IPv6 with brackets', () => {
    expect(formatHostPort({ host: '::1', port: 5 })).toBe('[::1]:5');
    expect(formatHostPort({ host: '10.0.0.1', port: 5 })).toBe('10.0.0.1:5');
  });
});
