import { SubscriberRecord } from './subscriber-record';
import { Topic } from './topic';

describe('SubscriberRecord', () => {
  it('splits subscriptions by schedule, starting each at last_version 0', () => {
    const r = new SubscriberRecord('impalad@h1:27000', false);
    r.subscribe({ topicName: 'impala-membership', isTransient: true, populateMinSubscriberTopicVersion: false }, new Topic('impala-membership'));
    r.subscribe({ topicName: 'catalog-update', isTransient: true, populateMinSubscriberTopicVersion: true, filterPrefix: '1:' }, new Topic('catalog-update'));
    r.subscribe({ topicName: 'impala-request-queue', isTransient: true, populateMinSubscriberTopicVersion: false }, new Topic('impala-request-queue'));
    expect(r.topics.size).toBe(3);
    expect(r.numPriorityTopics).toBe(2);
    expect(r.priority.map((t) => t.subscription.topicName)).toEqual(['impala-membership', 'impala-request-queue']);
    expect(r.nonPriority.map((t) => t.subscription.topicName)).toEqual(['catalog-update']);
    expect(r.topics.get('catalog-update')).toMatchObject({ lastVersion: 0, prioritized: false, subscription: { filterPrefix: '1:' } });
  });

  it('keeps the first registration of a topic listed twice', () => {
    const r = new SubscriberRecord('s', false);
    const t = new Topic('catalog-update');
    r.subscribe({ topicName: 'catalog-update', isTransient: false, populateMinSubscriberTopicVersion: false }, t);
    r.subscribe({ topicName: 'catalog-update', isTransient: true, populateMinSubscriberTopicVersion: true }, t);
    expect(r.nonPriority).toHaveLength(1);
    expect(r.topics.get('catalog-update')?.subscription.isTransient).toBe(false);
  });

  it('counts transient entries over all topics', () => {
    const r = new SubscriberRecord('s', false);
    r.subscribe({ topicName: 'a', isTransient: true, populateMinSubscriberTopicVersion: false }, new Topic('a'));
    r.subscribe({ topicName: 'b', isTransient: true, populateMinSubscriberTopicVersion: false }, new Topic('b'));
    r.topics.get('a')?.transientEntries.set('k1', 1).set('k2', 2);
    r.topics.get('b')?.transientEntries.set('k3', 1);
    expect(r.numTransientEntries).toBe(3);
  });

  it('copies the subscription, so the caller mutating its object changes nothing', () => {
    const r = new SubscriberRecord('s', false);
    const sub = { topicName: 'a', isTransient: true, populateMinSubscriberTopicVersion: false, filterPrefix: 'x' };
    r.subscribe(sub, new Topic('a'));
    sub.filterPrefix = 'y';
    expect(r.topics.get('a')?.subscription.filterPrefix).toBe('x');
  });
});
