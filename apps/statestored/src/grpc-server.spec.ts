import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import { StatestoreServiceClient, StatestoreServiceService, type GetProtocolVersionResponse, type StatestoreServiceServer } from '@statestore-ha/proto';
import { startGrpcServer } from './grpc-server';

jest.setTimeout(10_000);

const service: StatestoreServiceServer = {
  getProtocolVersion: (call, cb) => cb(null, { protocolVersion: call.request.protocolVersion, statestoreId: 'ss-grpc' }),
  setStatestoreDebugAction: (_call, cb) => cb(null, {}),
  // Never ends its side: only a forced shutdown ends it.
  subscribe: () => undefined,
};

function ask(client: StatestoreServiceClient): Promise<GetProtocolVersionResponse> {
  return new Promise((resolve, reject) => client.getProtocolVersion({ protocolVersion: 1 }, (err: ServiceError | null, res?: GetProtocolVersionResponse) => (err || !res ? reject(err) : resolve(res))));
}

describe('startGrpcServer', () => {
  it('binds port 0 to a free port, serves the given services, and shuts down', async () => {
    const s = await startGrpcServer('127.0.0.1', 0, [[StatestoreServiceService, service]]);
    expect(s.port).toBeGreaterThan(0);
    const client = new StatestoreServiceClient(`127.0.0.1:${s.port}`, credentials.createInsecure());
    await expect(ask(client)).resolves.toEqual({ protocolVersion: 1, statestoreId: 'ss-grpc' });
    await s.shutdown(1000);
    await expect(ask(client)).rejects.toMatchObject({ code: status.UNAVAILABLE });
    client.close();
  });

  it('forces the shutdown after the grace period when a stream stays open', async () => {
    const s = await startGrpcServer('127.0.0.1', 0, [[StatestoreServiceService, service]]);
    const client = new StatestoreServiceClient(`127.0.0.1:${s.port}`, credentials.createInsecure());
    const stream = client.subscribe();
    const ended = new Promise<number | undefined>((resolve) => stream.on('error', (e: ServiceError) => resolve(e.code)));
    stream.write({ kind: { $case: 'unregister', value: {} } });
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await s.shutdown(300);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(2000);
    expect(await ended).toBeDefined();
    client.close();
  });

  it('rejects when the port is taken', async () => {
    const s = await startGrpcServer('127.0.0.1', 0, [[StatestoreServiceService, service]]);
    // grpc-js also logs the failed bind; keep the spec output clean.
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    await expect(startGrpcServer('127.0.0.1', s.port, [[StatestoreServiceService, service]])).rejects.toThrow();
    quiet.mockRestore();
    await s.shutdown(100);
  });
});
