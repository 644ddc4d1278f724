import { Server, ServerCredentials, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';

/** Large catalog objects travel as topic values; the limit on one value is checked separately. */
export const MAX_MESSAGE_BYTES = 512 * 1024 * 1024;

export interface RunningGrpcServer {
  readonly port: number;
  shutdown(graceMs: number): Promise<void>;
}

/**
 * A grpc-js server on host:port with the services given. Keepalive pings from clients are allowed
 * often: subscribers use them to notice a dead TCP link that no app message would reveal.
 */
export async function startGrpcServer(
  host: string,
  port: number,
  services: ReadonlyArray<[ServiceDefinition, UntypedServiceImplementation]>,
): Promise<RunningGrpcServer> {
  const server = new Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': 1000,
    'grpc.keepalive_time_ms': 10_000,
    'grpc.keepalive_timeout_ms': 5_000,
  });
  for (const [def, impl] of services) server.addService(def, impl);
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    port: bound,
    shutdown: (graceMs) =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}
