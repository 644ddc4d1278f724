import { hostname } from 'node:os';
import { choiceFlag, portFlag, stringFlag } from './flag-spec';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Flags every daemon has (Impala: global-flags.cc and webserver.cc). */
export function daemonFlagSpecs(defaultWebserverPort: number) {
  return {
    hostname: stringFlag(
      hostname(),
      'Hostname this daemon advertises to its peers and puts in its subscriber id (Impala --hostname; defaults to the machine hostname).',
      { validate: (v) => (v.trim() === '' ? 'must not be empty: peers reach this daemon by it' : undefined) },
    ),
    webserver_port: portFlag(defaultWebserverPort, 'Port of the HTTP server for /metrics, /healthz and the debug pages (Impala --webserver_port).'),
    webserver_interface: stringFlag('', 'Address the HTTP server binds to; empty binds all interfaces (Impala --webserver_interface).'),
    log_level: choiceFlag('info', LOG_LEVELS, 'Least severe log level written (ours; Impala uses glog -v and GLOG_minloglevel).'),
    flagfile: stringFlag('', 'Reads more flags from this file, one --name=value per line, # for comments (gflags). Flags on the command line win.'),
  };
}

export type DaemonFlagSpecs = ReturnType<typeof daemonFlagSpecs>;
