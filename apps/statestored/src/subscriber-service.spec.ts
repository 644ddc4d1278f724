import { EventEmitter } from 'node:events';
import { status, type sendUnaryData, type ServerDuplexStream, type ServerUnaryCall, type ServiceError } from '@grpc/grpc-js';
import { createLogger } from '@statestore-ha/daemon';
import {
  CURRENT_PROTOCOL_VERSION,
  SubscriberType,
  type GetProtocolVersionRequest,
  type GetProtocolVersionResponse,
  type RegisterRequest,
  type SetStatestoreDebugActionRequest,
  type SetStatestoreDebugActionResponse,
  type StatestoreMessage,
  type SubscriberMessage,
} from '@statestore-ha/proto';
import { liveSubscribers, networkDisabled, subscriberEntries } from '@statestore-ha/statestored-node';
import type { NodeRunner } from './node-runner';
import { testRunner } from './runner.spec-helper';
import { subscriberService } from './subscriber-service';

const log = createLogger('statestored', 'silent');

/** The server side of one Subscribe stream, as grpc-js hands it to the handler: events in, writes out. */
class FakeCall extends EventEmitter {
  readonly written: StatestoreMessage[] = [];
  readonly errors: Array<{ code?: number; details?: string }> = [];
  ended = false;
  constructor() {
    super();
    // grpc-js ends a server stream with a status when the handler emits 'error' on it.
    this.on('error', (e: Partial<ServiceError>) => this.errors.push({ code: e.code, details: e.details }));
  }
  write(msg: StatestoreMessage): boolean {
    this.written.push(msg);
    return true;
  }
  end(): void {
    this.ended = true;
  }
  receive(msg: SubscriberMessage): void {
    this.emit('data', msg);
  }
}

function setup(debugNetworkActionAllowed = false): { runner: NodeRunner; subscribe(): FakeCall; service: ReturnType<typeof subscriberService>; advance(ms: number): void } {
  const t = testRunner([]);
  t.runner.start();
  const service = subscriberService(t.runner, log, debugNetworkActionAllowed, 'ss-svc');
  return {
    runner: t.runner,
    service,
    subscribe: () => {
      const call = new FakeCall();
      service.subscribe(call as unknown as ServerDuplexStream<SubscriberMessage, StatestoreMessage>);
      return call;
    },
    advance: (ms) => t.clock.runUntil(t.clock.now() + ms),
  };
}

const live = (r: NodeRunner): number => liveSubscribers(r.state);
const links = (r: NodeRunner): Array<number | null> => [...subscriberEntries(r.state)].map((e) => e.link);

const register = (patch: Partial<RegisterRequest> = {}): SubscriberMessage => ({
  kind: {
    $case: 'register',
    value: {
      protocolVersion: CURRENT_PROTOCOL_VERSION,
      subscriberId: 'impalad@h:27000',
      topicRegistrations: [{ topicName: 'catalog-update', isTransient: false, populateMinSubscriberTopicVersion: false }],
      subscriberType: SubscriberType.SUBSCRIBER_TYPE_COORDINATOR,
      subscribeCatalogdChange: false,
      highestEpochSeen: 0,
      ...patch,
    },
  },
});

function unary<Req, Res>(fn: (call: ServerUnaryCall<Req, Res>, cb: sendUnaryData<Res>) => void, request: Req): { err: Partial<ServiceError> | null; value: Res | undefined } {
  let out: { err: Partial<ServiceError> | null; value: Res | undefined } | undefined;
  fn({ request } as ServerUnaryCall<Req, Res>, (err, value) => {
    out = { err: err as Partial<ServiceError> | null, value: value ?? undefined };
  });
  if (out === undefined) throw new Error('the handler did not answer');
  return out;
}

describe('subscriberService.subscribe', () => {
  it('registers on the first message and writes the RegisterResponse to the stream', () => {
    const s = setup();
    const call = s.subscribe();
    call.receive(register());
    expect(live(s.runner)).toBe(1);
    expect(call.written[0]?.kind).toMatchObject({ $case: 'register', value: { statestoreId: 'ss1-id', statestoreIsActive: true, registrationId: 'reg-1' } });
    expect(call.errors).toEqual([]);
  });

  it('ends the stream with the rejection status of a refused registration', () => {
    const s = setup();
    const call = s.subscribe();
    call.receive(register({ subscriberId: '' }));
    expect(call.errors).toEqual([{ code: status.INVALID_ARGUMENT, details: 'subscriber_id must not be empty' }]);
    expect(live(s.runner)).toBe(0);
  });

  it('refuses anything but register as the first message with FAILED_PRECONDITION', () => {
    const s = setup();
    const call = s.subscribe();
    call.receive({ kind: { $case: 'heartbeat', value: { seq: 1, statestoreConnState: 0, highestEpochSeen: 0 } } });
    expect(call.errors).toEqual([{ code: status.FAILED_PRECONDITION, details: 'the first message of a Subscribe stream must be register, got heartbeat' }]);
    // The stream is over: a register after that is ignored.
    call.receive(register());
    expect(live(s.runner)).toBe(0);
  });

  it('refuses a second register on the same stream', () => {
    const s = setup();
    const call = s.subscribe();
    call.receive(register());
    call.receive(register({ subscriberId: 'other' }));
    expect(call.errors).toEqual([{ code: status.FAILED_PRECONDITION, details: 'this stream is already registered as impalad@h:27000; open a new stream to register again' }]);
    expect([...subscriberEntries(s.runner.state)].map((x) => x.subscriberId)).toEqual(['impalad@h:27000']);
  });

  it('ignores an empty message', () => {
    const s = setup();
    const call = s.subscribe();
    call.receive({});
    expect(call.errors).toEqual([]);
    call.receive(register());
    expect(live(s.runner)).toBe(1);
  });

  it('hands a publish to the node and writes its PublishResult', () => {
    const s = setup();
    const call = s.subscribe();
    call.receive(register());
    call.receive({ kind: { $case: 'publish', value: { seq: 4, topicUpdates: [{ topicName: 'catalog-update', topicEntries: [{ key: 'k', value: Buffer.from('v'), deleted: false }], isDelta: true }] } } });
    expect(call.written.at(-1)).toEqual({ kind: { $case: 'publishResult', value: { seq: 4, accepted: true, code: status.OK, message: '' } } });
    expect(s.runner.state.topics.topic('catalog-update')?.get('k')?.deleted).toBe(false);
  });

  it('drops the registration at once on Unregister and ends the stream', () => {
    const s = setup();
    const call = s.subscribe();
    call.receive(register());
    call.receive({ kind: { $case: 'unregister', value: {} } });
    expect(live(s.runner)).toBe(0);
    expect(call.ended).toBe(true);
    // Nothing more is taken from this stream, not even as an error.
    call.receive(register());
    call.receive({ kind: { $case: 'publish', value: { seq: 1, topicUpdates: [] } } });
    expect(live(s.runner)).toBe(0);
    expect(call.errors).toEqual([]);
    expect(call.written.filter((m) => m.kind?.$case === 'publishResult')).toEqual([]);
  });

  it('keeps the registration when the stream just ends, but detaches its link', () => {
    const s = setup();
    const call = s.subscribe();
    call.receive(register());
    call.emit('end');
    expect(call.ended).toBe(true);
    expect(live(s.runner)).toBe(1);
    expect(links(s.runner)).toEqual([null]);
    // Nothing goes to the ended stream: its heartbeats count as missed instead.
    const before = call.written.length;
    s.advance(3000);
    expect(call.written).toHaveLength(before);
    expect([...subscriberEntries(s.runner.state)][0]?.heartbeat.detector.missed).toBeGreaterThan(0);
  });

  it('a cancelled stream detaches the link the same way', () => {
    const s = setup();
    const call = s.subscribe();
    call.receive(register());
    call.emit('cancelled');
    expect(live(s.runner)).toBe(1);
    expect(links(s.runner)).toEqual([null]);
  });

  it('does not write to a stream it closed', () => {
    const s = setup();
    const first = s.subscribe();
    first.receive(register());
    // The same id registers on a new stream: the old one is closed ABORTED ...
    const second = s.subscribe();
    second.receive(register());
    expect(first.errors.map((e) => e.code)).toEqual([status.ABORTED]);
    const before = first.written.length;
    // ... and what the node sends the id goes to the new stream only.
    s.advance(3000);
    expect(first.written).toHaveLength(before);
    expect(second.written.some((m) => m.kind?.$case === 'heartbeat')).toBe(true);
  });

  it('refuses registrations with UNAVAILABLE, and ignores everything else, while the debug network action has the network disabled', () => {
    const s = setup();
    const call = s.subscribe();
    call.receive(register());
    s.runner.setNetworkDisabled(true);
    call.receive({ kind: { $case: 'publish', value: { seq: 2, topicUpdates: [] } } });
    expect(call.written.filter((m) => m.kind?.$case === 'publishResult')).toEqual([]);
    const other = s.subscribe();
    other.receive(register({ subscriberId: 'other' }));
    expect(other.errors).toEqual([{ code: status.UNAVAILABLE, details: 'statestore network is disabled by the DISABLE_STATESTORE_NETWORK debug action' }]);
    expect(live(s.runner)).toBe(1);
  });
});

describe('subscriberService.getProtocolVersion', () => {
  it('answers its version and statestore id', () => {
    const s = setup();
    expect(unary<GetProtocolVersionRequest, GetProtocolVersionResponse>(s.service.getProtocolVersion, { protocolVersion: CURRENT_PROTOCOL_VERSION })).toEqual({
      err: null,
      value: { protocolVersion: CURRENT_PROTOCOL_VERSION, statestoreId: 'ss-svc' },
    });
  });

  it('refuses an older version with FAILED_PRECONDITION, and everything with the network disabled with UNAVAILABLE', () => {
    const s = setup();
    expect(unary<GetProtocolVersionRequest, GetProtocolVersionResponse>(s.service.getProtocolVersion, { protocolVersion: CURRENT_PROTOCOL_VERSION - 1 }).err?.code).toBe(status.FAILED_PRECONDITION);
    s.runner.setNetworkDisabled(true);
    expect(unary<GetProtocolVersionRequest, GetProtocolVersionResponse>(s.service.getProtocolVersion, { protocolVersion: CURRENT_PROTOCOL_VERSION }).err?.code).toBe(status.UNAVAILABLE);
  });
});

describe('subscriberService.setStatestoreDebugAction', () => {
  it('is refused with PERMISSION_DENIED unless statestored was started with the debug action allowed', () => {
    const s = setup(false);
    const out = unary<SetStatestoreDebugActionRequest, SetStatestoreDebugActionResponse>(s.service.setStatestoreDebugAction, { protocolVersion: CURRENT_PROTOCOL_VERSION, disableNetwork: true });
    expect(out.err?.code).toBe(status.PERMISSION_DENIED);
    expect(networkDisabled(s.runner.state)).toBe(false);
  });

  it('switches the network off and on when allowed', () => {
    const s = setup(true);
    expect(unary<SetStatestoreDebugActionRequest, SetStatestoreDebugActionResponse>(s.service.setStatestoreDebugAction, { protocolVersion: CURRENT_PROTOCOL_VERSION, disableNetwork: true })).toEqual({ err: null, value: {} });
    expect(networkDisabled(s.runner.state)).toBe(true);
    unary<SetStatestoreDebugActionRequest, SetStatestoreDebugActionResponse>(s.service.setStatestoreDebugAction, { protocolVersion: CURRENT_PROTOCOL_VERSION, disableNetwork: false });
    expect(networkDisabled(s.runner.state)).toBe(false);
  });
});
