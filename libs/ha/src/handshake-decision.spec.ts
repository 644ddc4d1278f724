import { receiverIsActive, type HandshakeParty } from './handshake-decision';

const party = (statestoreId: string, address: string, forceActive = false, isActive = false): HandshakeParty => ({
  statestoreId,
  address,
  forceActive,
  isActive,
});

describe('handshake decision (receiver side)', () => {
  it('lower id wins between two undecided nodes; lower address with address priority', () => {
    const a = party('id-a', 'z:24020');
    const b = party('id-b', 'y:24021');
    expect(receiverIsActive(a, b, false)).toBe(true);
    expect(receiverIsActive(b, a, false)).toBe(false);
    expect(receiverIsActive(a, b, true)).toBe(false);
    expect(receiverIsActive(b, a, true)).toBe(true);
  });

  it('an already active receiver stays active, so a restarted old active comes back standby', () => {
    expect(receiverIsActive(party('id-z', 'z:1', false, true), party('id-a', 'a:1'), false)).toBe(true);
  });

  it('a force-active peer demotes even an active receiver (manual failover)', () => {
    expect(receiverIsActive(party('id-a', 'a:1', false, true), party('id-z', 'z:1', true), false)).toBe(false);
  });

  it('a force-active receiver wins against a plain peer; two force-active fall back to priority', () => {
    expect(receiverIsActive(party('id-z', 'z:1', true), party('id-a', 'a:1'), false)).toBe(true);
    expect(receiverIsActive(party('id-z', 'z:1', true), party('id-a', 'a:1', true), false)).toBe(false);
  });

  it('both sides of a simultaneous handshake agree on exactly one active', () => {
    const ids = ['id-a', 'id-b'];
    for (const fa of [false, true]) {
      for (const fb of [false, true]) {
        for (const byAddr of [false, true]) {
          const a = party(ids[0] ?? '', 'a:1', fa);
          const b = party(ids[1] ?? '', 'b:1', fb);
          expect(receiverIsActive(a, b, byAddr)).toBe(!receiverIsActive(b, a, byAddr));
        }
      }
    }
  });
});
