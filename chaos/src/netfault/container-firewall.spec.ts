/**
 * ContainerFirewall reaches a namespace through a pid, as it does for a container's init
 * process; here the pids are processes in two NetnsLab namespaces, standing for one container
 * before and after a restart. Needs root; skipped with the reason printed otherwise.
 */
import { canUseNetns } from './netns-capability';
import { ContainerFirewall } from './container-firewall';
import { withNetnsLab } from './netns-lab';
import { runCommand } from './run-command';

jest.setTimeout(30_000);

const capability = canUseNetns();
if (!capability.ok) process.stderr.write(`container-firewall.spec skipped: ${capability.reason}\n`);
const describeIfNetns = capability.ok ? describe : describe.skip;

async function chainOf(pid: number): Promise<string> {
  return (await runCommand(['nsenter', '-t', String(pid), '-n', 'iptables', '-w', '-S', 'CHAOS-IN'])).stdout;
}

describeIfNetns(capability.ok ? 'ContainerFirewall (root)' : `ContainerFirewall (skipped: ${capability.reason})`, () => {
  it('a new incarnation adopts the drops and resets of the old one; healAll clears them', async () => {
    await withNetnsLab(async (lab) => {
      await lab.addNode('before');
      await lab.addNode('after');
      const first = lab.spawn('before', ['sleep', '30']);
      const second = lab.spawn('after', ['sleep', '30']);
      const old = await ContainerFirewall.forPid(first.pid as number);
      await old.drop('10.213.250.11');
      await old.reset('10.213.250.12');

      const fresh = await ContainerFirewall.forPid(second.pid as number);
      expect(await chainOf(second.pid as number)).not.toContain('10.213.250.11');
      await fresh.adopt(old);
      const rules = await chainOf(second.pid as number);
      expect(rules).toContain('-A CHAOS-IN -s 10.213.250.11/32 -j DROP');
      expect(rules).toMatch(/-A CHAOS-IN -s 10\.213\.250\.12\/32 -p tcp .*-j REJECT --reject-with tcp-reset/);
      expect(fresh.ruleCount).toBe(2);

      await fresh.healAll();
      expect(await chainOf(second.pid as number)).not.toContain('10.213.250.1');
    });
  });
});
