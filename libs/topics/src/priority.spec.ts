import { isPriorityTopic } from './priority';

describe('isPriorityTopic (Statestore::IsPrioritizedTopic)', () => {
  it.each([
    ['impala-membership', true],
    ['impala-request-queue', true],
    ['cluster1-impala-membership', true], // suffix match, as Impala's ends_with
    ['cluster1-impala-request-queue', true],
    ['catalog-update', false],
    ['impala-membership-v2', false],
    ['impala-membershi', false],
    ['', false],
  ])('%j -> %j', (name, expected) => {
    expect(isPriorityTopic(name)).toBe(expected);
  });
});
