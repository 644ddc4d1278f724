import { AddressPlan, SubnetExhaustedError } from './container-network';

describe('AddressPlan', () => {
  it('gives each name one address from .10 on, in first-asked order, the same on every ask', () => {
    const plan = new AddressPlan('10.89.3.0/24');
    expect(plan.addressOf('toxiproxy')).toBe('10.89.3.10');
    expect(plan.addressOf('statestored-1')).toBe('10.89.3.11');
    expect(plan.addressOf('toxiproxy')).toBe('10.89.3.10');
    expect(plan.addressOf('statestored-2')).toBe('10.89.3.12');
  });

  it('counts from the network address even when the CIDR names a host inside it', () => {
    expect(new AddressPlan('172.16.5.77/16').addressOf('a')).toBe('172.16.0.10');
  });

  it('carries into the next octet inside a wider subnet', () => {
    const plan = new AddressPlan('10.0.0.0/16');
    for (let i = 0; i < 246; i++) plan.addressOf(`n${i}`);
    expect(plan.addressOf('n246')).toBe('10.0.1.0');
  });

  it('never hands out the broadcast address', () => {
    const plan = new AddressPlan('10.1.1.0/28'); // 16 addresses: .10 .. .14 usable, .15 broadcast
    expect(['a', 'b', 'c', 'd', 'e'].map((n) => plan.addressOf(n))).toEqual(['10.1.1.10', '10.1.1.11', '10.1.1.12', '10.1.1.13', '10.1.1.14']);
    expect(() => plan.addressOf('f')).toThrow(SubnetExhaustedError);
  });

  it.each(['10.89.0.0', '10.89.0.0/31', 'fd00::/64', '10.89.0.300/24'])('rejects %s', (cidr) => {
    expect(() => new AddressPlan(cidr)).toThrow(RangeError);
  });
});
