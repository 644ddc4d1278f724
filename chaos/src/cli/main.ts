/**
 * `node dist/chaos/cli/main.js --suite=partition ...` (what `nx run chaos:partition|crash|nemesis`
 * runs): runs the suite, prints the table, writes the report, exits 1 when a scenario failed,
 * 2 on a usage or setup error.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { killChildProcessesSync, onProcessExit } from '../cluster';
import { sweepStaleLabs } from '../netfault';
import { formatResultTable, writeReport } from '../report';
import { runSuite } from '../suites';
import { HelpRequested, parseCliOptions } from './cli-options';

/** dist/chaos/cli/main.js -> the repository root. */
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

async function main(): Promise<number> {
  const cli = parseCliOptions(process.argv.slice(2), REPO_ROOT);
  const log = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };
  const toxiproxyMainJs = path.join(REPO_ROOT, 'dist', 'chaos', 'toxiproxy', 'main.js');
  for (const app of ['statestored', 'catalogd', 'impalad']) {
    const main = path.join(cli.suite.distDir, 'apps', app, 'main.js');
    if (!fs.existsSync(main)) throw new Error(`${main} missing: NX_DAEMON=false npx nx run-many -t build -p statestored catalogd impalad`);
  }
  // Namespaces left by an earlier run that was SIGKILLed.
  if (process.getuid?.() === 0) await sweepStaleLabs().catch(() => []);
  // However the CLI ends (SIGINT, SIGTERM, a crash), no daemon, proxy or Prometheus outlives it.
  onProcessExit(() => killChildProcessesSync());
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `chaos-${cli.suite.suite}-`));
  const s = cli.suite;
  log(`chaos ${s.suite}: runtime ${s.runtime}, faults ${s.faultKinds.join('+')}, ${s.shape.catalogds} catalogd(s) + ${s.shape.coordinators} coordinator(s) + ${s.shape.executors} executor(s), seed ${s.seed}`);
  log(`timing: ${JSON.stringify(s.timing)}${Object.keys(s.statestoredFlags).length ? `, statestored extra ${JSON.stringify(s.statestoredFlags)}` : ''}`);
  const run = await runSuite({ ...s, workDir, repoRoot: REPO_ROOT, toxiproxyMainJs: fs.existsSync(toxiproxyMainJs) ? toxiproxyMainJs : undefined, log });
  const first = run.results[0];
  if (first) {
    log('');
    log(`detection bound: ${first.bounds.formulas.detection}`);
    log(`failover bound:  ${first.bounds.formulas.failover}`);
    log(`convergence bound: ${first.bounds.formulas.convergence}`);
  }
  log('');
  log(formatResultTable(run.results));
  for (const k of run.skippedKinds) log(`${k.faultKind}: SKIPPED: ${k.reason}`);
  for (const [kind, d] of Object.entries(run.injectors)) log(`${kind}: ${d}`);
  log(`prometheus: ${run.prometheus}`);
  const dir = writeReport(run, cli.reportsDir);
  const failed = run.results.filter((r) => r.verdict === 'fail');
  log(`report: ${dir}`);
  log(`chaos ${s.suite}: ${failed.length === 0 ? 'PASS' : `FAIL (${failed.map((r) => `${r.faultKind}/${r.id}`).join(', ')})`} in ${(run.durationMs / 1000).toFixed(1)} s`);
  return failed.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof HelpRequested) {
      process.stdout.write(`${error.message}\n`);
      process.exit(0);
    }
    process.stderr.write(`chaos: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
