// The AWS SDK for JavaScript v3 (@aws-sdk/client-dynamodb, @aws-sdk/lib-dynamodb and
// @aws-sdk/client-dynamodb-streams, pinned in tools/aws-sdk-js) against
// `issuetracker dynamodb`: local secondary indexes (CreateTable with KEYS_ONLY, INCLUDE and
// ALL projections, DescribeTable's view, strongly consistent Query, ItemCollectionMetrics,
// ConsumedCapacity INDEXES with LocalSecondaryIndexes), time to live (UpdateTimeToLive and
// DescribeTimeToLive with their errors, expired items still returned until deleted,
// deletion by the expirer with service stream records) and PartiQL (ExecuteStatement,
// BatchExecuteStatement, ExecuteTransaction, through both clients, and their errors).
//
// Two endpoints: one whose expirer waits an hour (--ttl-interval 3600), so that an expired
// item stays readable for the whole test, and one that expires every second.
//
// Usage: node js_sdk_lsi_ttl_partiql_test.js <issuetracker binary>. Exit 0 when every check
// passed, 77 (CTest's skip) when the SDK is not installed in tools/aws-sdk-js.
'use strict';
const { Endpoint, sdkRequire: loadSdk, streamRecords } = require('./endpoint.js');

const sdkRequire = loadSdk();
const ddb = sdkRequire('@aws-sdk/client-dynamodb');
const lib = sdkRequire('@aws-sdk/lib-dynamodb');
const ddbStreams = sdkRequire('@aws-sdk/client-dynamodb-streams');

let checks = 0;
function check(condition, what) {
  if (!condition) throw new Error('check failed: ' + what);
  checks++;
}
async function errorOf(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// JSON with every object's keys sorted, to compare answers whatever their member order.
const json = (x) => JSON.stringify(x, (k, v) => (v && typeof v === 'object' && !Array.isArray(v)
  ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v));

function clients(port, accessKeyId) {
  const config = { endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', maxAttempts: 1,
    credentials: { accessKeyId, secretAccessKey: 'secret' } };
  const client = new ddb.DynamoDBClient(config);
  return { client, doc: lib.DynamoDBDocumentClient.from(client), streams: new ddbStreams.DynamoDBStreamsClient(config) };
}

async function waitActive(client, table) {
  const w = await ddb.waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: table });
  check(w.state === 'SUCCESS', 'table ACTIVE: ' + table);
}

// ------------------------------------------------------------------- local secondary indexes

const key = (hash, range) => [{ AttributeName: hash, KeyType: 'HASH' }, { AttributeName: range, KeyType: 'RANGE' }];
const FORUM_LSIS = [
  { IndexName: 'ByDate', KeySchema: key('forum', 'date'), Projection: { ProjectionType: 'ALL' } },
  { IndexName: 'ByVotes', KeySchema: key('forum', 'votes'), Projection: { ProjectionType: 'KEYS_ONLY' } },
  { IndexName: 'ByAuthor', KeySchema: key('forum', 'author'),
    Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['title'] } },
];

async function createForum(client, name, stream = false) {
  const input = {
    TableName: name, BillingMode: 'PAY_PER_REQUEST', KeySchema: key('forum', 'subject'),
    AttributeDefinitions: [['forum', 'S'], ['subject', 'S'], ['date', 'S'], ['votes', 'N'], ['author', 'S'],
      ['title', 'S']].map(([n, t]) => ({ AttributeName: n, AttributeType: t })),
    LocalSecondaryIndexes: FORUM_LSIS,
    GlobalSecondaryIndexes: [{ IndexName: 'ByTitle', KeySchema: [{ AttributeName: 'title', KeyType: 'HASH' }],
      Projection: { ProjectionType: 'KEYS_ONLY' } }],
  };
  if (stream) input.StreamSpecification = { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' };
  const d = (await client.send(new ddb.CreateTableCommand(input))).TableDescription;
  await waitActive(client, name);
  return d;
}

async function lsiCreateAndDescribe(client) {
  const created = await createForum(client, 'Forum');
  check(json(created.LocalSecondaryIndexes.map((i) => i.IndexName)) === '["ByDate","ByVotes","ByAuthor"]',
    'CreateTable lists the LSIs');
  const d = (await client.send(new ddb.DescribeTableCommand({ TableName: 'Forum' }))).Table;
  const lsis = Object.fromEntries(d.LocalSecondaryIndexes.map((i) => [i.IndexName, i]));
  check(json(Object.keys(lsis).sort()) === '["ByAuthor","ByDate","ByVotes"]', 'DescribeTable lists the LSIs');
  check(json(lsis.ByDate.KeySchema) === json(FORUM_LSIS[0].KeySchema), 'LSI key schema');
  check(lsis.ByDate.Projection.ProjectionType === 'ALL', 'ALL projection');
  check(lsis.ByVotes.Projection.ProjectionType === 'KEYS_ONLY', 'KEYS_ONLY projection');
  check(json(lsis.ByAuthor.Projection) === json({ ProjectionType: 'INCLUDE', NonKeyAttributes: ['title'] }),
    'INCLUDE projection: ' + json(lsis.ByAuthor.Projection));
  check(lsis.ByVotes.IndexArn === d.TableArn + '/index/ByVotes', 'LSI IndexArn');
  check(Object.values(lsis).every((i) => typeof i.ItemCount === 'number' && typeof i.IndexSizeBytes === 'number'),
    'LSI sizes and counts');
  check(Object.values(lsis).every((i) => i.IndexStatus === undefined), 'LSIs have no status of their own');
  check(json(d.GlobalSecondaryIndexes.map((g) => g.IndexName)) === '["ByTitle"]', 'the GSI apart');
  let e = await errorOf(client.send(new ddb.CreateTableCommand({
    TableName: 'NoSortKey', BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'forum', AttributeType: 'S' }, { AttributeName: 'date', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'forum', KeyType: 'HASH' }], LocalSecondaryIndexes: [FORUM_LSIS[0]] })));
  check(e.name === 'ValidationException', 'LSI on a table without a sort key: ' + e.name);
  const six = [0, 1, 2, 3, 4, 5].map((i) => ({ IndexName: 'L' + i, KeySchema: key('forum', 'date'),
    Projection: { ProjectionType: 'KEYS_ONLY' } }));
  e = await errorOf(client.send(new ddb.CreateTableCommand({
    TableName: 'SixLsis', BillingMode: 'PAY_PER_REQUEST', KeySchema: key('forum', 'subject'),
    AttributeDefinitions: ['forum', 'subject', 'date'].map((n) => ({ AttributeName: n, AttributeType: 'S' })),
    LocalSecondaryIndexes: six })));
  check(e.name === 'ValidationException', 'more than five LSIs: ' + e.name);
}

async function lsiWrites(client, doc) {
  let r = await doc.send(new lib.PutCommand({ TableName: 'Forum',
    Item: { forum: 'db', subject: 's0', date: '2024-09', votes: 3, author: 'ann', title: 't0', body: 'b0' },
    ReturnItemCollectionMetrics: 'SIZE', ReturnConsumedCapacity: 'INDEXES' }));
  check(json(r.ItemCollectionMetrics) === json({ ItemCollectionKey: { forum: 'db' }, SizeEstimateRangeGB: [0, 1] }),
    'ItemCollectionMetrics: ' + json(r.ItemCollectionMetrics));
  const c = r.ConsumedCapacity;
  const one = { CapacityUnits: 1, WriteCapacityUnits: 1 };
  check(json(c.LocalSecondaryIndexes) === json({ ByAuthor: one, ByDate: one, ByVotes: one }),
    'ConsumedCapacity.LocalSecondaryIndexes: ' + json(c));
  check(json(c.GlobalSecondaryIndexes) === json({ ByTitle: one }), 'ConsumedCapacity.GlobalSecondaryIndexes');
  check(c.Table.CapacityUnits === 1 && c.CapacityUnits === 5 && c.TableName === 'Forum', 'units: ' + json(c));
  r = await doc.send(new lib.PutCommand({ TableName: 'Forum',
    Item: { forum: 'db', subject: 's1', date: '2024-08', votes: 9, title: 't1' } }));
  check(r.ItemCollectionMetrics === undefined && r.ConsumedCapacity === undefined, 'nothing unless asked for');
  const items = [];
  for (let i = 2; i < 8; i++) {
    const item = { forum: 'db', subject: 's' + i, date: '2024-0' + (8 - i), votes: (i * 7) % 5, title: 't' + i,
      body: 'b' + i };
    if (i % 2) item.author = i % 3 ? 'bob' : 'cid';
    items.push({ PutRequest: { Item: item } });
  }
  items.push({ PutRequest: { Item: { forum: 'misc', subject: 'y', date: '2024-01' } } });
  r = await doc.send(new lib.BatchWriteCommand({ RequestItems: { Forum: items }, ReturnItemCollectionMetrics: 'SIZE' }));
  const keys = r.ItemCollectionMetrics.Forum.map((m) => m.ItemCollectionKey.forum).sort();
  check(json(keys) === '["db","misc"]', 'BatchWriteItem: a metric per collection: ' + json(keys));
  r = await doc.send(new lib.UpdateCommand({ TableName: 'Forum', Key: { forum: 'db', subject: 's1' },
    UpdateExpression: 'SET author = :a', ExpressionAttributeValues: { ':a': 'dan' },
    ReturnItemCollectionMetrics: 'SIZE', ReturnConsumedCapacity: 'INDEXES' }));
  check(r.ItemCollectionMetrics.ItemCollectionKey.forum === 'db', 'UpdateItem metrics');
  // A new ByAuthor entry, a rewritten ByDate entry (ALL projects it); KEYS_ONLY ones unchanged.
  check(json(Object.keys(r.ConsumedCapacity.LocalSecondaryIndexes).sort()) === '["ByAuthor","ByDate"]' &&
    r.ConsumedCapacity.GlobalSecondaryIndexes === undefined,
  'only the indexes whose entries changed: ' + json(r.ConsumedCapacity));
  r = await doc.send(new lib.TransactWriteCommand({ TransactItems: [
    { Delete: { TableName: 'Forum', Key: { forum: 'misc', subject: 'y' } } }],
  ReturnItemCollectionMetrics: 'SIZE', ReturnConsumedCapacity: 'INDEXES' }));
  check(json(r.ItemCollectionMetrics.Forum.map((m) => m.ItemCollectionKey)) === '[{"forum":"misc"}]',
    'TransactWriteItems metrics: ' + json(r.ItemCollectionMetrics));
  check(r.ConsumedCapacity[0].LocalSecondaryIndexes.ByDate.CapacityUnits === 2, 'transactional writes cost twice');
  r = await doc.send(new lib.DeleteCommand({ TableName: 'Forum', Key: { forum: 'misc', subject: 'none' },
    ReturnItemCollectionMetrics: 'SIZE' }));
  check(r.ItemCollectionMetrics === undefined || r.ItemCollectionMetrics.ItemCollectionKey.forum === 'misc',
    'DeleteItem of a missing item');
}

async function lsiQueries(client, doc) {
  let r = await doc.send(new lib.QueryCommand({ TableName: 'Forum', IndexName: 'ByDate', ConsistentRead: true,
    KeyConditionExpression: 'forum = :f', ExpressionAttributeValues: { ':f': 'db' }, ReturnConsumedCapacity: 'INDEXES' }));
  check(json(r.Items.map((i) => i.subject)) === '["s7","s6","s5","s4","s3","s2","s1","s0"]',
    'consistent Query in the LSI\'s order: ' + json(r.Items.map((i) => i.subject)));
  check(r.Items[0].body === 'b7', 'ALL projection');
  check(json(r.ConsumedCapacity.LocalSecondaryIndexes) === json({ ByDate: { CapacityUnits: 1, ReadCapacityUnits: 1 } }),
    'a strongly consistent read of the LSI: ' + json(r.ConsumedCapacity));
  check(r.ConsumedCapacity.GlobalSecondaryIndexes === undefined, 'no GSI units');
  r = await doc.send(new lib.QueryCommand({ TableName: 'Forum', IndexName: 'ByVotes',
    KeyConditionExpression: 'forum = :f AND votes >= :v', ExpressionAttributeValues: { ':f': 'db', ':v': 2 } }));
  check(r.Items.every((i) => json(Object.keys(i).sort()) === '["forum","subject","votes"]'), 'KEYS_ONLY projection');
  const votes = r.Items.map((i) => i.votes);
  check(votes.length > 0 && json(votes) === json([...votes].sort((a, b) => a - b)) && votes[0] >= 2,
    'number sort key order: ' + json(votes));
  r = await doc.send(new lib.QueryCommand({ TableName: 'Forum', IndexName: 'ByVotes', Select: 'ALL_ATTRIBUTES',
    KeyConditionExpression: 'forum = :f', ExpressionAttributeValues: { ':f': 'db' } }));
  check(r.Items.some((i) => i.body !== undefined), 'ALL_ATTRIBUTES through a KEYS_ONLY LSI');
  r = await doc.send(new lib.QueryCommand({ TableName: 'Forum', IndexName: 'ByAuthor',
    KeyConditionExpression: 'forum = :f', ExpressionAttributeValues: { ':f': 'db' } }));
  check(json(r.Items.map((i) => i.author)) === '["ann","bob","bob","cid","dan"]', 'INCLUDE, sparse');
  check(r.Items.every((i) => json(Object.keys(i).sort()) === '["author","forum","subject","title"]'),
    'INCLUDE projection: ' + json(r.Items));
  const seen = [];
  let firstKey;
  for await (const page of lib.paginateQuery({ client: doc, pageSize: 3 }, { TableName: 'Forum', IndexName: 'ByDate',
    ConsistentRead: true, KeyConditionExpression: 'forum = :f', ExpressionAttributeValues: { ':f': 'db' } })) {
    firstKey = firstKey || page.LastEvaluatedKey;
    seen.push(...page.Items.map((i) => i.subject));
  }
  check(seen.length === 8 && json(Object.keys(firstKey).sort()) === '["date","forum","subject"]',
    'paged LSI Query with the LSI\'s and the table\'s keys: ' + json(firstKey));
  const e = await errorOf(doc.send(new lib.QueryCommand({ TableName: 'Forum', IndexName: 'ByTitle', ConsistentRead: true,
    KeyConditionExpression: 'title = :t', ExpressionAttributeValues: { ':t': 't1' } })));
  check(e.name === 'ValidationException' && /global secondary indexes/.test(e.message),
    'consistent reads stay refused on a GSI: ' + e.message);
}

// ------------------------------------------------------------------------------ time to live

async function ttlSettings(client, doc) {
  await client.send(new ddb.CreateTableCommand({ TableName: 'Sessions', BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] }));
  await waitActive(client, 'Sessions');
  const describe = async () => (await client.send(new ddb.DescribeTimeToLiveCommand({ TableName: 'Sessions' })))
    .TimeToLiveDescription;
  const update = (Enabled, AttributeName) => client.send(new ddb.UpdateTimeToLiveCommand({ TableName: 'Sessions',
    TimeToLiveSpecification: { Enabled, AttributeName } }));
  check(json(await describe()) === '{"TimeToLiveStatus":"DISABLED"}', 'TTL disabled at first');
  const r = await update(true, 'expires');
  check(json(r.TimeToLiveSpecification) === json({ Enabled: true, AttributeName: 'expires' }), 'UpdateTimeToLive answer');
  check(json(await describe()) === json({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expires' }), 'TTL enabled');
  let e = await errorOf(update(true, 'expires'));
  check(e.name === 'ValidationException' && e.message === 'TimeToLive is already enabled', 'enabling twice: ' + e.message);
  e = await errorOf(update(false, 'other'));
  check(e.name === 'ValidationException' && /different AttributeName/.test(e.message), 'another attribute: ' + e.message);
  e = await errorOf(client.send(new ddb.DescribeTimeToLiveCommand({ TableName: 'Missing' })));
  check(e.name === 'ResourceNotFoundException', 'DescribeTimeToLive of a missing table');
  // Expired an hour ago but not deleted (this endpoint's expirer waits an hour): returned.
  const now = Math.floor(Date.now() / 1000);
  await doc.send(new lib.PutCommand({ TableName: 'Sessions', Item: { id: 'old', expires: now - 3600 } }));
  await doc.send(new lib.PutCommand({ TableName: 'Sessions', Item: { id: 'new', expires: now + 3600 } }));
  const old = await doc.send(new lib.GetCommand({ TableName: 'Sessions', Key: { id: 'old' }, ConsistentRead: true }));
  check(old.Item && old.Item.expires === now - 3600, 'an expired item is still returned by GetItem');
  const all = await doc.send(new lib.ScanCommand({ TableName: 'Sessions' }));
  check(json(all.Items.map((i) => i.id).sort()) === '["new","old"]', 'and by Scan');
  // Disabled and enabled again at once (compatibility.md C45).
  await update(false, 'expires');
  check(json(await describe()) === '{"TimeToLiveStatus":"DISABLED"}', 'TTL disabled');
  e = await errorOf(update(false, 'expires'));
  check(e.name === 'ValidationException' && e.message === 'TimeToLive is already disabled', 'disabling twice');
  await update(true, 'valid_until');
  check(json(await describe()) === json({ TimeToLiveStatus: 'ENABLED', AttributeName: 'valid_until' }), 're-enabled at once');
}

async function ttlExpiry(binary) {
  const endpoint = new Endpoint(binary, ['--ttl-interval', '1']);
  try {
    const { client, doc, streams } = clients(await endpoint.port(), 'AKIDJSTTL');
    const desc = await createForum(client, 'Expiring', true);
    await client.send(new ddb.UpdateTimeToLiveCommand({ TableName: 'Expiring',
      TimeToLiveSpecification: { Enabled: true, AttributeName: 'expires' } }));
    const now = Math.floor(Date.now() / 1000);
    const rows = { gone1: now - 60, gone2: now - 1, 'kept-future': now + 3600,
      'kept-ancient': now - 6 * 366 * 86400, 'kept-text': String(now - 60) };
    let month = 1;
    for (const [subject, expires] of Object.entries(rows)) {
      await doc.send(new lib.PutCommand({ TableName: 'Expiring',
        Item: { forum: 'f', subject, date: '2024-0' + month++, expires } }));
    }
    const subjects = async (index) => (await doc.send(new lib.QueryCommand({ TableName: 'Expiring', IndexName: index,
      ConsistentRead: true, KeyConditionExpression: 'forum = :f', ExpressionAttributeValues: { ':f': 'f' } })))
      .Items.map((i) => i.subject).sort();
    const deadline = Date.now() + 15000;
    while ((await subjects()).some((s) => s.startsWith('gone')) && Date.now() < deadline) await sleep(100);
    const kept = '["kept-ancient","kept-future","kept-text"]';
    check(json(await subjects()) === kept, 'the expired items are deleted: ' + json(await subjects()));
    check(json(await subjects('ByDate')) === kept, 'with their LSI entries');
    const records = await streamRecords(streams, ddbStreams, desc.LatestStreamArn);
    const removes = records.filter((r) => r.eventName === 'REMOVE');
    check(json(removes.map((r) => r.dynamodb.Keys.subject.S).sort()) === '["gone1","gone2"]',
      'one REMOVE record per expired item');
    check(removes.every((r) => r.userIdentity && r.userIdentity.Type === 'Service' &&
      r.userIdentity.PrincipalId === 'dynamodb.amazonaws.com'), 'REMOVE records by the service: ' +
      json(removes.map((r) => r.userIdentity)));
    check(records.filter((r) => r.eventName === 'INSERT').every((r) => r.userIdentity === undefined),
      'the user\'s writes carry no userIdentity');
    client.destroy();
    streams.destroy();
  } catch (e) {
    console.error(endpoint.log);
    endpoint.kill();
    throw e;
  }
  await endpoint.stop();
}

// ------------------------------------------------------------------------------------ PartiQL

async function partiql(client, doc) {
  await client.send(new ddb.CreateTableCommand({ TableName: 'Pql', BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'n', AttributeType: 'N' }],
    KeySchema: key('pk', 'n') }));
  await waitActive(client, 'Pql');
  const exec = (Statement, Parameters, extra = {}) =>
    doc.send(new lib.ExecuteStatementCommand({ Statement, Parameters, ...extra }));
  for (let i = 0; i < 8; i++) {
    await exec('INSERT INTO "Pql" VALUE {\'pk\': ?, \'n\': ?, \'kind\': ?, \'doc\': ?}',
      ['p', i, i % 2 ? 'odd' : 'even', { x: i * 10 }]);
  }
  let e = await errorOf(exec("INSERT INTO Pql VALUE {'pk': 'p', 'n': 3}"));
  check(e.name === 'DuplicateItemException' && e.message === 'Duplicate primary key exists in table',
    'INSERT of an existing key: ' + e.name);
  let r = await exec('SELECT * FROM Pql WHERE pk = ? AND n >= ? AND kind = ?', ['p', 2, 'odd'], { ConsistentRead: true });
  check(json(r.Items.map((i) => i.n)) === '[3,5,7]', 'SELECT on keys with a filter: ' + json(r.Items));
  r = await client.send(new ddb.ExecuteStatementCommand({
    Statement: "SELECT n, doc.x FROM Pql WHERE pk = 'p' AND n BETWEEN 1 AND 2" }));
  check(json(r.Items) === json([{ n: { N: '1' }, doc: { M: { x: { N: '10' } } } },
    { n: { N: '2' }, doc: { M: { x: { N: '20' } } } }]),
    'projection (low-level client): ' + json(r.Items));
  r = await exec("SELECT * FROM Pql WHERE kind = 'even' AND doc.x > 10");
  check(json(r.Items.map((i) => i.n).sort()) === '[2,4,6]', 'no key: a scan with the filter');
  const seen = [];
  let NextToken;
  let pages = 0;
  do {
    r = await exec("SELECT n FROM Pql WHERE pk = 'p'", undefined, { Limit: 3, NextToken });
    seen.push(...r.Items.map((i) => i.n));
    NextToken = r.NextToken;
  } while (NextToken && ++pages < 6);
  check(json(seen) === '[0,1,2,3,4,5,6,7]' && pages >= 2, 'NextToken paging: ' + json(seen));

  r = await exec('UPDATE Pql SET kind = ? SET c = 5 REMOVE doc WHERE pk = \'p\' AND n = 1 RETURNING ALL NEW *', ['first']);
  check(json(r.Items) === json([{ pk: 'p', n: 1, kind: 'first', c: 5 }]), 'UPDATE SET/REMOVE: ' + json(r.Items));
  e = await errorOf(exec("UPDATE Pql SET c = 1 WHERE pk = 'p' AND n = 99"));
  check(e.name === 'ConditionalCheckFailedException', 'UPDATE of a missing item: ' + e.name);
  e = await errorOf(exec("DELETE FROM Pql WHERE pk = 'p' AND n = 1 AND kind = 'other'"));
  check(e.name === 'ConditionalCheckFailedException', 'DELETE whose condition fails');
  r = await exec("DELETE FROM Pql WHERE pk = 'p' AND n = 1 RETURNING ALL OLD *");
  check(r.Items[0].c === 5, 'DELETE RETURNING ALL OLD');
  e = await errorOf(exec('SELEKT * FROM Pql'));
  check(e.name === 'ValidationException' && e.message.startsWith("Statement wasn't well formed, can't be processed"),
    'a malformed statement: ' + e.message);
  e = await errorOf(exec('SELECT * FROM Pql WHERE pk = ?'));
  check(e.name === 'ValidationException' && /Number of parameters/.test(e.message), 'a missing parameter: ' + e.message);
  e = await errorOf(exec("SELECT * FROM Missing WHERE pk = 'a'"));
  check(e.name === 'ResourceNotFoundException', 'a missing table: ' + e.name);

  r = await doc.send(new lib.BatchExecuteStatementCommand({ Statements: [
    { Statement: "INSERT INTO Pql VALUE {'pk': 'b', 'n': 1}" },
    { Statement: "INSERT INTO Pql VALUE {'pk': 'p', 'n': 0}" },
    { Statement: "UPDATE Pql SET v = ? WHERE pk = 'p' AND n = 2", Parameters: [42] }] }));
  check(json(r.Responses.map((x) => x.Error && x.Error.Code)) === '[null,"DuplicateItem",null]',
    'BatchExecuteStatement writes: ' + json(r.Responses));
  r = await doc.send(new lib.BatchExecuteStatementCommand({ Statements: [
    { Statement: "SELECT * FROM Pql WHERE pk = 'b' AND n = 1" },
    { Statement: 'SELECT v FROM Pql WHERE pk = ? AND n = ?', Parameters: ['p', 2], ConsistentRead: true }] }));
  check(r.Responses[0].Item.pk === 'b' && json(r.Responses[1].Item) === '{"v":42}', 'batch reads: ' + json(r.Responses));

  e = await errorOf(doc.send(new lib.ExecuteTransactionCommand({ TransactStatements: [
    { Statement: "INSERT INTO Pql VALUE {'pk': 't', 'n': 1}" },
    { Statement: "UPDATE Pql SET v = 7 WHERE pk = 'p' AND n = 3" },
    { Statement: "INSERT INTO Pql VALUE {'pk': 'p', 'n': 4}" }] })));
  check(e.name === 'TransactionCanceledException', 'a cancelled transaction: ' + e.name);
  check(json(e.CancellationReasons.map((x) => x.Code)) === '["None","None","DuplicateItem"]',
    'cancellation reasons: ' + json(e.CancellationReasons));
  r = await exec("SELECT * FROM Pql WHERE pk = 't' AND n = 1");
  check(r.Items.length === 0, 'a cancelled transaction writes nothing');
  await doc.send(new lib.ExecuteTransactionCommand({ TransactStatements: [
    { Statement: "INSERT INTO Pql VALUE {'pk': 't', 'n': 1}" },
    { Statement: "UPDATE Pql SET v = ? WHERE pk = 'p' AND n = 3", Parameters: [7] }],
  ClientRequestToken: 'js-partiql-1' }));
  r = await doc.send(new lib.ExecuteTransactionCommand({ TransactStatements: [
    { Statement: "SELECT * FROM Pql WHERE pk = 't' AND n = 1" },
    { Statement: "SELECT v FROM Pql WHERE pk = 'p' AND n = 3" }] }));
  check(r.Responses[0].Item.pk === 't' && r.Responses[1].Item.v === 7, 'a committed transaction: ' + json(r.Responses));
}

async function main() {
  if (process.argv.length !== 3) {
    console.error('usage: node js_sdk_lsi_ttl_partiql_test.js <issuetracker binary>');
    process.exit(2);
  }
  const endpoint = new Endpoint(process.argv[2], ['--ttl-interval', '3600']);
  try {
    const { client, doc, streams } = clients(await endpoint.port(), 'AKIDEXAMPLE');
    await lsiCreateAndDescribe(client);
    await lsiWrites(client, doc);
    await lsiQueries(client, doc);
    await ttlSettings(client, doc);
    await partiql(client, doc);
    client.destroy();
    streams.destroy();
  } catch (e) {
    console.error(endpoint.log);
    endpoint.kill();
    throw e;
  }
  await endpoint.stop();
  await ttlExpiry(process.argv[2]);
  const version = sdkRequire('@aws-sdk/client-dynamodb/package.json').version;
  console.log(`AWS SDK for JavaScript ${version}: local secondary indexes, time to live and PartiQL against ` +
    `issuetracker dynamodb: ${checks} checks passed`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
