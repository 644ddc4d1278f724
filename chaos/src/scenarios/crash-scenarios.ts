/**
 * The `crash` suite: process faults (SIGKILL, SIGSTOP/SIGCONT, restart), as Impala's
 * test_statestored_ha.py and test_catalogd_ha.py run them, with the history checks on top.
 */
import type { Scenario } from './scenario';

export const CRASH_SCENARIOS: readonly Scenario[] = [
  {
    id: 'kill-active',
    suite: 'crash',
    title: 'SIGKILL the active: takeover; the restarted old active comes back as standby (no flip-flop)',
    fault: 'SIGKILL active, restart',
    processFaultsOnly: true,
    expect: () => ({ takeover: 'takeover', finalActive: 'old-standby', maxPromotions: 1 }),
    async run(ctx) {
      await ctx.kill(ctx.active);
      const index = ctx.standby === 'statestored-1' ? 1 : 2;
      await ctx.waitUntil((v) => ctx.subscribers.every((s) => v.follows(s) === index), ctx.bounds.failoverMs);
      await ctx.restart(ctx.active);
    },
  },
  {
    id: 'kill-standby-restart',
    suite: 'crash',
    title: 'SIGKILL the standby for two peer timeouts, restart it: no role change',
    fault: 'SIGKILL standby, restart',
    processFaultsOnly: true,
    expect: () => ({ takeover: 'no-takeover', finalActive: 'old-active', maxPromotions: 0 }),
    async run(ctx) {
      await ctx.kill(ctx.standby);
      await ctx.sleep(2 * ctx.timing.peerTimeoutS * 1000);
      await ctx.restart(ctx.standby);
    },
  },
  {
    id: 'pause-active',
    suite: 'crash',
    title: 'SIGSTOP the active longer than the peer timeout, then SIGCONT: takeover, the paused one steps down, never two actives accepted',
    fault: 'SIGSTOP active 2x timeout',
    processFaultsOnly: true,
    expect: () => ({ takeover: 'takeover', finalActive: 'old-standby', maxPromotions: 1 }),
    async run(ctx) {
      await ctx.pause(ctx.active);
      const index = ctx.standby === 'statestored-1' ? 1 : 2;
      await ctx.waitUntil((v) => ctx.subscribers.every((s) => v.follows(s) === index), ctx.bounds.failoverMs);
      await ctx.sleep(Math.max(0, 2 * ctx.timing.peerTimeoutS * 1000 - ctx.bounds.detectionMs) + 1000);
      const resumedAt = Date.now();
      await ctx.resume(ctx.active);
      // The resumed one still believes it is active until its first answers come back.
      const steppedDown = await ctx.waitUntil((v) => v.role(ctx.active) !== undefined && v.role(ctx.active) !== 'active', ctx.bounds.convergenceMs);
      ctx.check(
        'the resumed old active stepped down',
        steppedDown,
        steppedDown ? `${ctx.active} left the active role ${Date.now() - resumedAt} ms after SIGCONT (polled every 50 ms)` : `${ctx.active} still active ${ctx.bounds.convergenceMs} ms after SIGCONT`,
      );
    },
  },
  {
    id: 'kill-active-catalogd',
    suite: 'crash',
    title: 'SIGKILL the active catalogd (catalogd HA, 2 catalogds): the standby catalogd takes over, coordinators follow; statestored roles unchanged',
    fault: 'SIGKILL active catalogd',
    processFaultsOnly: true,
    shape: { catalogds: 2, catalogdHa: true },
    expect: () => ({ takeover: 'no-takeover', finalActive: 'old-active', maxPromotions: 0 }),
    async run(ctx) {
      const catalogds = ctx.subscribers.filter((s) => s.startsWith('catalogd-'));
      const found = await ctx.waitUntil((v) => catalogds.filter((c) => v.catalogdActive(c) === true).length === 1, 10_000);
      ctx.check('one active catalogd before the fault', found, found ? '' : `not exactly one active among ${catalogds.join(', ')} after 10 s`);
      const states = await Promise.all(catalogds.map((c) => ctx.page<{ is_active: boolean; address: string }>(c, '/status')));
      const activeIdx = states.findIndex((s) => s.is_active);
      const active = catalogds[activeIdx];
      const standby = catalogds.find((_, i) => i !== activeIdx);
      const standbyAddress = states.find((_, i) => i !== activeIdx)?.address;
      if (!active || !standby || !standbyAddress) return;
      const killedAt = Date.now();
      await ctx.kill(active);
      const tookOver = await ctx.waitUntil((v) => v.catalogdActive(standby) === true, 30_000);
      ctx.check('the standby catalogd took over', tookOver, tookOver ? `${standby} active ${Date.now() - killedAt} ms after the kill (polled every 50 ms)` : `${standby} not active 30 s after the kill`);
      const coordinators = ctx.subscribers.filter((s) => s.startsWith('coordinator-'));
      for (const c of coordinators) {
        // Coordinators learn the new address from the statestore's UpdateCatalogd notification.
        let address: string | null = null;
        const deadline = Date.now() + 10_000;
        while (address !== standbyAddress && Date.now() < deadline) {
          address = (await ctx.page<{ active_catalogd_address: string | null }>(c, '/catalog')).active_catalogd_address;
          if (address !== standbyAddress) await ctx.sleep(100);
        }
        const follows = address === standbyAddress;
        ctx.check(`${c} follows the new active catalogd`, follows, follows ? `${Date.now() - killedAt} ms after the kill` : `active_catalogd_address=${String(address)}, want ${standbyAddress}`);
      }
      await ctx.restart(active);
    },
  },
];
