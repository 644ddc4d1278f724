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
import { ALWAYS_ACTIVE } from './role-view';
import { Statestore } from './statestore';
import { subscriberService } from './subscriber-service';
import { quietObserver } from './statestore.spec-helper';

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

function setup(debugNetworkActionAllowed = false): { core: Statestore; subscribe(): FakeCall; service: ReturnType<typeof subscriberService> } {
  const core = new Statestore(
    { heartbeatFrequencyMs: 1000, maxMissedHeartbeats: 10, updateFrequencyMs: 2000, priorityUpdateFrequencyMs: 100, maxSubscribers: 10, updateTimeoutMs: 10_000, maxTopicValueBytes: 1 << 20, enableCatalogdHa: false },
    ALWAYS_ACTIVE,
    quietObserver,
    log,
    () => 0,
    'ss-svc',
  );
  const service = subscriberService(core, log, debugNetworkActionAllowed);
  return {
    core,
    service,
    subscribe: () => {
      const call = new FakeCall();
      service.subscribe(call as unknown as ServerDuplexStream<SubscriberMessage, StatestoreMessage>);
      return call;
    },
  };
}

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
    expect(s.core.liveSubscribers).toBe(1);
    expect(call.written[0]?.kind).toMatchObject({ $case: 'register', value: { statestoreId: 'ss-svc', statestoreIsActive: true } });
    expect(call.errors).toEqual([]);
  });

  it('ends the stream with the rejection status of a refused registration', () => {
    const s = setup();
    const call = s.subscribe();
    call.receive(register({ subscriberId: '' }));
    expect(call.errors).toEqual([{ code: status.INVALID_ARGUMENT, details: 'subscriber_id must not be empty' }]);
    expect(s.core.liveSubscribers).toBe(0);
  });

  it('refuses anything but register as the first message with FAILED_PRECONDITION', () => {
    const s = setup();
    const call = s.subscribe();
    call.receive({ kind: { $case: 'heartbeat', value: { seq: 1, statestoreConnState: 0, highestEpochSeen: 0 } } });
    expect(call.errors).toEqual([{ code: status.FAILED_PRECONDITION, details: 'the first message of a Subscribe stream must be register, got heartbeat' }]);
    // The stream is over: a register after that is ignored.
    call.receive(register());
    expect(s.core.liveSubscribers).toBe(0);
  });

  it('refuses a second register on the same stream', () => {
    const s = setup();
    const call = s.subscribe();
    call.receive(register());
    call.receive(register({ subscriberId: 'other' }));
    expect(call.errors).toEqual([{ code: status.FAILED_PRECONDITION, details: 'this stream is already registered as impalad@h:27000; open a new stream to register again' }]);
    expect([...s.core.subscribers()].map((x) => x.subscriberId)).toEqual(['impalad@h:27000']);
  });

  it('ignores an empty message', () => {
    const s = setup();
    const call = s.subscribe();
    call.receive({});
    expect(call.errors).toEqual([]);
    call.receive(register());
    expect(s.core.liveSubscribers).toBe(1);
  });

  it('hands a publish to the core and writes its PublishResult', () => {
    const s = setup();
    const call = s.subscribe();
    call.receive(register());
    call.receive({ kind: { $case: 'publish', value: { seq: 4, topicUpdates: [{ topicName: 'catalog-update', topicEntries: [{ key: 'k', value: Buffer.from('v'), deleted: false }], isDelta: true }] } } });
    expect(call.written.at(-1)).toEqual({ kind: { $case: 'publishResult', value: { seq: 4, accepted: true, code: status.OK, message: '' } } });
    expect(s.core.topics.topic('catalog-update')?.get('k')?.deleted).toBe(false);
  });

  it('drops the registration at once on Unregister and ends the stream', () => {
    const s = setup();
    const call = s.subscribe();
    call.receive(register());
    call.receive({ kind: { $case: 'unregister', value: {} } });
    expect(s.core.liveSubscribers).toBe(0);
    expect(call.ended).toBe(true);
    // Nothing more is taken from this stream, not even as an error.
    call.receive(register());
    call.receive({ kind: { $case: 'publish', value: { seq: 1, topicUpdates: [] } } });
    expect(s.core.liveSubscribers).toBe(0);
    expect(call.errors).toEqual([]);
    expect(call.written.filter((m) => m.kind?.$case === 'publishResult')).toEqual([]);
  });

  it('keeps the registration when the stream just ends, but detaches its link', () => {
    const s = setup();
    const call = s.subscribe();
    call.receive(register());
    call.emit('end');
    expect(call.ended).toBe(true);
    expect(s.core.liveSubscribers).toBe(1);
    expect([...s.core.subscribers()][0]?.link).toBeUndefined();
    expect(s.core.sendTo('impalad@h:27000', { kind: { $case: 'heartbeat', value: { seq: 1, requestStatestoreConnState: false } } })).toBe(false);
  });

  it('a cancelled stream detaches the link the same way', () => {
    const s = setup();
    const call = s.subscribe();
    call.receive(register());
    call.emit('cancelled');
    expect(s.core.liveSubscribers).toBe(1);
    expect([...s.core.subscribers()][0]?.link).toBeUndefined();
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
    // ... and a message meant for the id goes to the new stream only.
    s.core.sendTo('impalad@h:27000', { kind: { $case: 'heartbeat', value: { seq: 9, requestStatestoreConnState: false } } });
    expect(first.written).toHaveLength(before);
    expect(second.written.at(-1)?.kind?.$case).toBe('heartbeat');
  });

  it('ignores everything while the debug network action has the network disabled', () => {
    const s = setup();
    s.core.setNetworkDisabled(true);
    const call = s.subscribe();
    call.receive(register());
    expect(s.core.liveSubscribers).toBe(0);
    expect(call.written).toEqual([]);
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
    s.core.setNetworkDisabled(true);
    expect(unary<GetProtocolVersionRequest, GetProtocolVersionResponse>(s.service.getProtocolVersion, { protocolVersion: CURRENT_PROTOCOL_VERSION }).err?.code).toBe(status.UNAVAILABLE);
  });
});

describe('subscriberService.setStatestoreDebugAction', () => {
  it('is refused with PERMISSION_DENIED unless statestored was started with the debug action allowed', () => {
    const s = setup(false);
    const out = unary<SetStatestoreDebugActionRequest, SetStatestoreDebugActionResponse>(s.service.setStatestoreDebugAction, { protocolVersion: CURRENT_PROTOCOL_VERSION, disableNetwork: true });
    expect(out.err?.code).toBe(status.PERMISSION_DENIED);
    expect(s.core.isNetworkDisabled()).toBe(false);
  });

  it('switches the network off and on when allowed', () => {
    const s = setup(true);
    expect(unary<SetStatestoreDebugActionRequest, SetStatestoreDebugActionResponse>(s.service.setStatestoreDebugAction, { protocolVersion: CURRENT_PROTOCOL_VERSION, disableNetwork: true })).toEqual({ err: null, value: {} });
    expect(s.core.isNetworkDisabled()).toBe(true);
    unary<SetStatestoreDebugActionRequest, SetStatestoreDebugActionResponse>(s.service.setStatestoreDebugAction, { protocolVersion: CURRENT_PROTOCOL_VERSION, disableNetwork: false });
    expect(s.core.isNetworkDisabled()).toBe(false);
  });
});
