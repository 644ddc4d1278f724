/** What every daemon shares at its edge: structured logs, the web server, clean shutdown. */
export { createLogger } from './logger';
export type { Logger } from './logger';
export { startWebServer, json } from './web-server';
export type { WebResponse, WebRoute, WebRoutes, WebServer } from './web-server';
export { installShutdown } from './shutdown';
export { parseFlagsOrExit } from './parse-flags-or-exit';
export type { StopStep } from './shutdown';
