import { macAddressFor } from './addressed-container';

describe('macAddressFor', () => {
  it('is 02:42 followed by the address bytes in hex, the same every time', () => {
    expect(macAddressFor('10.89.0.12')).toBe('02:42:0a:59:00:0c');
    expect(macAddressFor('172.16.255.1')).toBe('02:42:ac:10:ff:01');
    expect(macAddressFor('10.89.0.12')).toBe(macAddressFor('10.89.0.12'));
  });

  it('refuses what is not an IPv4 address', () => {
    expect(() => macAddressFor('10.89.0')).toThrow('not an IPv4 address: 10.89.0');
    expect(() => macAddressFor('10.89.0.256')).toThrow(RangeError);
    expect(() => macAddressFor('fe80::1')).toThrow(RangeError);
  });
});
