import { TopicStore } from '@statestore-ha/topics';
test('tombstone reaches filtered subscriber', () => {
  const s = new TopicStore();
  s.addSubscriber('cat', [{ topicName: 'catalog-update', isTransient: false, populateMinSubscriberTopicVersion: false }]);
  s.addSubscriber('b', [{ topicName: 'catalog-update', isTransient: true, populateMinSubscriberTopicVersion: true, filterPrefix: '1:' }]);
  const e = (k: string, d = false) => ({ key: k, value: new Uint8Array(d ? 0 : 1), deleted: d });
  s.applySubscriberWrites('cat', [{ topicName: 'catalog-update', entries: [e('1:CATALOG'), e('1:TABLE:x')], isDelta: true }]);
  let u = s.buildUpdate('b', false, true);
  s.acknowledge('b', u.map((d) => ({ topicName: d.topicName, toVersion: d.toVersion ?? 0 })));
  s.applySubscriberWrites('cat', [{ topicName: 'catalog-update', entries: [e('1:CATALOG'), e('1:TABLE:x', true)], isDelta: true }]);
  u = s.buildUpdate('b', false, false);
  console.log(JSON.stringify(u));
});
