import { renderIptablesRestore, renderNftScript } from './drop-rules';

describe('drop rules', () => {
  const rules = [
    { fromAddress: '10.213.5.10', probability: 1 },
    { fromAddress: '10.213.5.11', probability: 0.25 },
  ];

  it('renders an iptables-restore table that flushes and refills only our chain', () => {
    expect(renderIptablesRestore(rules)).toBe(
      [
        '*filter',
        ':CHAOS-IN - [0:0]',
        '-A CHAOS-IN -s 10.213.5.10/32 -j DROP',
        '-A CHAOS-IN -s 10.213.5.11/32 -m statistic --mode random --probability 0.2500 -j DROP',
        'COMMIT',
        '',
      ].join('\n'),
    );
    expect(renderIptablesRestore([])).toBe('*filter\n:CHAOS-IN - [0:0]\nCOMMIT\n');
  });

  it('renders an nft script that recreates our table in one transaction', () => {
    const script = renderNftScript(rules);
    expect(script.indexOf('delete table inet chaos')).toBeLessThan(script.indexOf('table inet chaos {'));
    expect(script).toContain('    ip saddr 10.213.5.10 drop\n');
    expect(script).toContain('    ip saddr 10.213.5.11 numgen random mod 10000 < 2500 drop\n');
  });

  it('renders a reset rule as REJECT with tcp-reset that lets RSTs through', () => {
    const rule = { fromAddress: '10.213.5.12', probability: 1, action: 'reset' as const };
    const reset = [rule];
    expect(renderIptablesRestore(reset)).toContain('-A CHAOS-IN -s 10.213.5.12/32 -p tcp -m tcp ! --tcp-flags RST RST -j REJECT --reject-with tcp-reset\n');
    expect(renderNftScript(reset)).toContain('    ip saddr 10.213.5.12 tcp flags & rst == 0 reject with tcp reset\n');
    expect(() => renderIptablesRestore([{ ...rule, probability: 0.5 }])).toThrow(/every packet/);
  });

  it('rejects probabilities outside (0, 1]', () => {
    expect(() => renderIptablesRestore([{ fromAddress: '10.213.5.10', probability: 0 }])).toThrow(RangeError);
    expect(() => renderNftScript([{ fromAddress: '10.213.5.10', probability: 1.5 }])).toThrow(RangeError);
  });
});
