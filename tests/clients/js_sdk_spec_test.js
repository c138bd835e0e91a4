// The AWS SDK for JavaScript v3 (@aws-sdk/client-dynamodb, @aws-sdk/lib-dynamodb and
// @aws-sdk/client-dynamodb-streams, pinned in tools/aws-sdk-js) replays the spec against
// `issuetracker dynamodb`: creates the seven tables with their GSIs, waits for ACTIVE,
// enables point-in-time recovery, puts the sample items, runs the isolation queries and the
// verification steps, restores a table to a point in time, reads a stream, and checks
// results and error cases (conditional failures, validation errors, transaction
// cancellation reasons).
//
// Usage: node js_sdk_spec_test.js <issuetracker binary>. Exit 0 when every check passed,
// 77 (CTest's skip) when the SDK is not installed in tools/aws-sdk-js.
'use strict';
const fs = require('fs');
const path = require('path');
const { Endpoint, sdkRequire: loadSdk, streamRecords } = require('./endpoint.js');

const sdkRequire = loadSdk();
const ddb = sdkRequire('@aws-sdk/client-dynamodb');
const lib = sdkRequire('@aws-sdk/lib-dynamodb');
const ddbStreams = sdkRequire('@aws-sdk/client-dynamodb-streams');
const SPEC = JSON.parse(fs.readFileSync(path.join(__dirname, 'spec_data.json'), 'utf8'));
const QUERY_MS = Number(process.env.IT_CLIENT_QUERY_MS || 100);

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

async function createTables(client) {
  for (const t of SPEC.tables) {
    const attrs = { [t.hash]: 'S' };
    const keys = [{ AttributeName: t.hash, KeyType: 'HASH' }];
    if (t.range) {
      attrs[t.range] = 'S';
      keys.push({ AttributeName: t.range, KeyType: 'RANGE' });
    }
    const gsis = t.gsis.map(([name, h, r]) => {
      attrs[h] = 'S';
      const schema = [{ AttributeName: h, KeyType: 'HASH' }];
      if (r) {
        attrs[r] = 'S';
        schema.push({ AttributeName: r, KeyType: 'RANGE' });
      }
      return { IndexName: name, KeySchema: schema, Projection: { ProjectionType: 'ALL' } };
    });
    const input = {
      TableName: t.name, KeySchema: keys, BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: Object.entries(attrs).map(([n, v]) => ({ AttributeName: n, AttributeType: v })),
      Tags: [{ Key: 'Project', Value: 'IssueTrackingSaaS' }, { Key: 'Environment', Value: 'Development' }],
    };
    if (gsis.length) input.GlobalSecondaryIndexes = gsis;
    const d = (await client.send(new ddb.CreateTableCommand(input))).TableDescription;
    check(d.TableName === t.name, 'CreateTable names the table');
    check((d.GlobalSecondaryIndexes || []).length === gsis.length, 'CreateTable lists the GSIs');
  }
  for (const t of SPEC.tables) {
    const w = await ddb.waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: t.name });
    check(w.state === 'SUCCESS', 'waiter: ' + t.name);
    const d = (await client.send(new ddb.DescribeTableCommand({ TableName: t.name }))).Table;
    check(d.TableStatus === 'ACTIVE', 'table ACTIVE');
    check((d.GlobalSecondaryIndexes || []).every((g) => g.IndexStatus === 'ACTIVE'), 'GSIs ACTIVE');
  }
  const e = await errorOf(client.send(new ddb.CreateTableCommand({
    TableName: SPEC.tables[0].name, BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'company_id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'company_id', KeyType: 'HASH' }],
  })));
  check(e.name === 'ResourceInUseException', 'creating an existing table: ' + e.name);
}

async function enablePitr(client) {
  for (const t of SPEC.tables) {
    const r = await client.send(new ddb.UpdateContinuousBackupsCommand({
      TableName: t.name, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    }));
    check(r.ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus === 'ENABLED',
      'PITR enabled on ' + t.name);
  }
}

async function putSample(doc) {
  for (const [table, items] of Object.entries(SPEC.items)) {
    for (const item of items) await doc.send(new lib.PutCommand({ TableName: table, Item: item }));
  }
  // More COMPANY002 issues through BatchWriteItem, 25 at a time, to page over.
  const bulk = [];
  for (let i = 2; i < 62; i++) {
    const id = 'ISS-' + String(i).padStart(3, '0');
    bulk.push({
      company_issue_id: 'COMPANY002#ISSUE#' + id, company_id: 'COMPANY002', issue_id: id,
      title: 'Bulk issue ' + i, status: i % 2 ? 'Open' : 'Closed', priority: ['Low', 'Medium', 'High'][i % 3],
      assigned_user: 'mike@devcorp.com', assigned_team: 'TEAM-002',
      created_date: '2024-02-' + String((i % 28) + 1).padStart(2, '0'), story_points: i,
    });
  }
  for (let i = 0; i < bulk.length; i += 25) {
    const r = await doc.send(new lib.BatchWriteCommand({
      RequestItems: { 'IssueTracker-Issues-Pooled': bulk.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
    }));
    check(Object.keys(r.UnprocessedItems || {}).length === 0, 'BatchWrite processed everything');
  }
}

async function timedQuery(doc, input) {
  const start = process.hrtime.bigint();
  const r = await doc.send(new lib.QueryCommand(input));
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  check(ms < QUERY_MS, `query answered in under ${QUERY_MS} ms (${ms.toFixed(1)} ms)`);
  return r.Items;
}

async function isolationQueries(client, doc) {
  const issues = 'IssueTracker-Issues-Pooled';
  let items = await timedQuery(doc, { TableName: issues, IndexName: 'CompanyStatusIndex',
    KeyConditionExpression: 'company_id = :c', ExpressionAttributeValues: { ':c': 'COMPANY001' } });
  check(items.length === 1 && items[0].issue_id === 'ISS-001', 'Test 1: COMPANY001\'s one issue');
  check(JSON.stringify(items[0].labels) === '["performance","login","urgent"]', 'lists come back as lists');
  check(items[0].estimated_hours === 8, 'numbers come back as numbers');
  items = await timedQuery(doc, { TableName: 'IssueTracker-Teams-Pooled', IndexName: 'CompanyIndex',
    KeyConditionExpression: 'company_id = :c', ExpressionAttributeValues: { ':c': 'COMPANY002' } });
  check(items.length === 1 && items[0].team_name === 'Frontend Experience', 'Test 2: COMPANY002\'s team');
  items = await timedQuery(doc, { TableName: issues, IndexName: 'AssigneeIndex',
    KeyConditionExpression: 'company_id = :c AND assigned_user = :u',
    ExpressionAttributeValues: { ':c': 'COMPANY001', ':u': 'john@techstart.com' } });
  check(items.length === 1 && items[0].company_id === 'COMPANY001', 'Test 3: John\'s issue only');
  items = await timedQuery(doc, { TableName: issues, IndexName: 'PriorityIndex',
    KeyConditionExpression: 'company_id = :c AND priority = :p',
    ExpressionAttributeValues: { ':c': 'COMPANY001', ':p': 'High' } });
  check(items.length === 1 && items[0].issue_id === 'ISS-001', 'Test 4: the High issue');
  items = await timedQuery(doc, { TableName: 'IssueTracker-Comments-Pooled', IndexName: 'IssueIndex',
    KeyConditionExpression: 'company_issue_id = :i', ExpressionAttributeValues: { ':i': 'COMPANY001#ISSUE#ISS-001' } });
  check(items.length === 1 && items[0].comment_id === 'CMT-001', 'Test 5: the issue\'s comment');
  // Filters, projections and pagination (the SDK's paginator over pages of 7).
  const seen = [];
  for await (const page of ddb.paginateQuery({ client, pageSize: 7 }, {
    TableName: issues, IndexName: 'CompanyStatusIndex', KeyConditionExpression: 'company_id = :c',
    FilterExpression: 'story_points > :p', ProjectionExpression: 'issue_id, #s',
    ExpressionAttributeNames: { '#s': 'status' },
    ExpressionAttributeValues: { ':c': { S: 'COMPANY002' }, ':p': { N: '30' } },
  })) {
    check(page.Items.length <= 7, 'page size');
    seen.push(...page.Items);
  }
  check(seen.length === 31, 'paginated, filtered query: ' + seen.length);
  check(seen.every((i) => Object.keys(i).sort().join() === 'issue_id,status'), 'projection keeps two attributes');
  const statuses = seen.map((i) => i.status.S);
  check(JSON.stringify(statuses) === JSON.stringify([...statuses].sort()), 'GSI range order');
}

async function verificationSteps(client, doc) {
  const names = (await client.send(new ddb.ListTablesCommand({}))).TableNames;
  check(JSON.stringify([...names].sort()) === JSON.stringify(SPEC.tables.map((t) => t.name).sort()),
    'Test 1: the seven tables');
  for (const t of SPEC.tables.filter((x) => x.name in SPEC.items && x.name.endsWith('-Pooled'))) {
    const items = (await doc.send(new lib.ScanCommand({ TableName: t.name }))).Items;
    check(items.length > 0 && items.every((i) => 'company_id' in i), 'Test 2: company data in ' + t.name);
    check(items.every((i) => /^COMPANY00\d#[A-Z]+#/.test(i[t.hash])), 'Test 2: keys follow COMPANYXXX#TYPE#ID');
  }
  for (const t of SPEC.tables) {
    const d = (await client.send(new ddb.DescribeTableCommand({ TableName: t.name }))).Table;
    const got = (d.GlobalSecondaryIndexes || []).map((g) => g.IndexName).sort();
    check(JSON.stringify(got) === JSON.stringify(t.gsis.map((g) => g[0]).sort()), 'Test 3: the GSIs of ' + t.name);
    const pitr = (await client.send(new ddb.DescribeContinuousBackupsCommand({ TableName: t.name })))
      .ContinuousBackupsDescription.PointInTimeRecoveryDescription;
    check(pitr.PointInTimeRecoveryStatus === 'ENABLED', 'Test 6: PITR on ' + t.name);
    check(pitr.EarliestRestorableDateTime instanceof Date, 'EarliestRestorableDateTime is a date');
    const tags = (await client.send(new ddb.ListTagsOfResourceCommand({ ResourceArn: d.TableArn }))).Tags;
    check(tags.some((x) => x.Key === 'Project' && x.Value === 'IssueTrackingSaaS'), 'tags of ' + t.name);
  }
  const high = (await doc.send(new lib.QueryCommand({ TableName: 'IssueTracker-Issues-Pooled', IndexName: 'PriorityIndex',
    KeyConditionExpression: 'company_id = :c AND priority = :p',
    ExpressionAttributeValues: { ':c': 'COMPANY002', ':p': 'High' } }))).Items;
  check(high.length === 20 && high.every((i) => i.priority === 'High'), 'Test 5: high priority');
  const count = await doc.send(new lib.QueryCommand({ TableName: 'IssueTracker-Issues-Pooled',
    IndexName: 'CompanyStatusIndex', KeyConditionExpression: 'company_id = :c', Select: 'COUNT',
    FilterExpression: 'assigned_user = :u', ExpressionAttributeValues: { ':c': 'COMPANY002', ':u': 'mike@devcorp.com' } }));
  check(count.Count === 61 && count.Items === undefined, 'Test 5: filter by assignee, counted: ' + JSON.stringify(count));
  const team = (await doc.send(new lib.GetCommand({ TableName: 'IssueTracker-Teams-Pooled',
    Key: { company_team_id: 'COMPANY001#TEAM#TEAM-001' }, ConsistentRead: true }))).Item;
  check(JSON.stringify(team.members) === '["john@techstart.com","sarah@techstart.com"]', 'Test 5: team members');
  const both = await doc.send(new lib.BatchGetCommand({ RequestItems: { 'IssueTracker-CompanyManagement': {
    Keys: [{ company_id: 'COMPANY001' }, { company_id: 'COMPANY002' }, { company_id: 'COMPANY404' }] } } }));
  check(both.Responses['IssueTracker-CompanyManagement'].length === 2, 'BatchGet finds the two companies');
}

async function errorCases(client, doc) {
  const issues = 'IssueTracker-Issues-Pooled';
  let e = await errorOf(doc.send(new lib.PutCommand({ TableName: issues,
    Item: { company_issue_id: 'COMPANY001#ISSUE#ISS-001', company_id: 'COMPANY001' },
    ConditionExpression: 'attribute_not_exists(company_issue_id)' })));
  check(e.name === 'ConditionalCheckFailedException', 'conditional put fails: ' + e.name);
  check(e.$metadata.httpStatusCode === 400, 'HTTP 400');
  check(/^[A-Z0-9]{52}$/.test(e.$metadata.requestId), 'x-amzn-RequestId');
  e = await errorOf(doc.send(new lib.PutCommand({ TableName: issues,
    Item: { company_issue_id: 'COMPANY001#ISSUE#ISS-001', company_id: 'COMPANY001' },
    ConditionExpression: 'attribute_not_exists(company_issue_id)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' })));
  check(e.name === 'ConditionalCheckFailedException' && e.Item && e.Item.title.S === 'User login page loading slowly',
    'the item that failed the condition comes back');
  e = await errorOf(doc.send(new lib.UpdateCommand({ TableName: issues,
    Key: { company_issue_id: 'COMPANY001#ISSUE#ISS-001' }, UpdateExpression: 'SET #s = :s',
    ConditionExpression: '#s = :expected', ExpressionAttributeNames: { '#s': 'status' },
    ExpressionAttributeValues: { ':s': 'Closed', ':expected': 'In Review' } })));
  check(e.name === 'ConditionalCheckFailedException', 'conditional update fails');
  e = await errorOf(doc.send(new lib.QueryCommand({ TableName: issues, IndexName: 'CompanyStatusIndex',
    KeyConditionExpression: 'title = :t', ExpressionAttributeValues: { ':t': 'x' } })));
  check(e.name === 'ValidationException', 'key condition on a non-key attribute');
  e = await errorOf(client.send(new ddb.PutItemCommand({ TableName: issues, Item: { company_issue_id: { S: '' } } })));
  check(e.name === 'ValidationException' && /empty string/.test(e.message), 'empty key string: ' + e.message);
  e = await errorOf(client.send(new ddb.PutItemCommand({ TableName: issues, Item: { company_issue_id: { N: '1' } } })));
  check(e.name === 'ValidationException' && /mismatch/i.test(e.message), 'key of the wrong type: ' + e.message);
  e = await errorOf(doc.send(new lib.UpdateCommand({ TableName: issues, Key: { company_issue_id: 'COMPANY001#ISSUE#ISS-001' },
    UpdateExpression: 'SET #s = :s', ExpressionAttributeValues: { ':s': 'Closed' } })));
  check(e.name === 'ValidationException' && /#s/.test(e.message), 'undefined attribute name: ' + e.message);
  e = await errorOf(client.send(new ddb.DescribeTableCommand({ TableName: 'IssueTracker-Nope' })));
  check(e.name === 'ResourceNotFoundException', 'missing table');
  const txPut = { Put: { TableName: issues, Item: { company_issue_id: { S: 'COMPANY001#ISSUE#ISS-999' },
    company_id: { S: 'COMPANY001' } } } };
  e = await errorOf(client.send(new ddb.TransactWriteItemsCommand({ TransactItems: [txPut,
    { ConditionCheck: { TableName: 'IssueTracker-CompanyManagement', Key: { company_id: { S: 'COMPANY001' } },
      ConditionExpression: 'subscription_status = :s', ExpressionAttributeValues: { ':s': { S: 'suspended' } },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } }] })));
  check(e.name === 'TransactionCanceledException', 'transaction cancelled: ' + e.name);
  const reasons = e.CancellationReasons.map((r) => r.Code);
  check(JSON.stringify(reasons) === '["None","ConditionalCheckFailed"]', 'cancellation reasons ' + reasons);
  check(e.CancellationReasons[1].Item.company_name.S === 'TechStart Solutions', 'the failing item in the reason');
  check(/ConditionalCheckFailed/.test(e.message), 'the message lists the reasons: ' + e.message);
  const none = await doc.send(new lib.GetCommand({ TableName: issues, Key: { company_issue_id: 'COMPANY001#ISSUE#ISS-999' } }));
  check(none.Item === undefined, 'a cancelled transaction writes nothing');
  const r = await doc.send(new lib.TransactWriteCommand({ TransactItems: [
    { Update: { TableName: 'IssueTracker-CompanyManagement', Key: { company_id: 'COMPANY002' },
      UpdateExpression: 'ADD api_calls_used :one', ExpressionAttributeValues: { ':one': 1 } } },
    { ConditionCheck: { TableName: 'IssueTracker-Teams-Pooled', Key: { company_team_id: 'COMPANY002#TEAM#TEAM-002' },
      ConditionExpression: 'attribute_exists(team_lead)' } }] }));
  check(r.$metadata.httpStatusCode === 200, 'a transaction commits');
  const got = await doc.send(new lib.TransactGetCommand({ TransactItems: [
    { Get: { TableName: 'IssueTracker-CompanyManagement', Key: { company_id: 'COMPANY002' } } }] }));
  check(got.Responses[0].Item.api_calls_used === 3457, 'TransactGet reads the committed write');
}

async function restoreToPointInTime(client, doc) {
  await sleep(1100);
  const restoreAt = new Date();
  await sleep(1100);
  const issues = 'IssueTracker-Issues-Pooled';
  await doc.send(new lib.DeleteCommand({ TableName: issues, Key: { company_issue_id: 'COMPANY001#ISSUE#ISS-001' } }));
  await doc.send(new lib.UpdateCommand({ TableName: issues, Key: { company_issue_id: 'COMPANY002#ISSUE#ISS-001' },
    UpdateExpression: 'SET #s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': 'Closed' } }));
  const target = 'IssueTracker-Issues-Restored';
  const r = await client.send(new ddb.RestoreTableToPointInTimeCommand({
    SourceTableName: issues, TargetTableName: target, RestoreDateTime: restoreAt }));
  check(r.TableDescription.TableName === target, 'restore started');
  const w = await ddb.waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { TableName: target });
  check(w.state === 'SUCCESS', 'restored table ACTIVE');
  const old = (await doc.send(new lib.GetCommand({ TableName: target,
    Key: { company_issue_id: 'COMPANY001#ISSUE#ISS-001' }, ConsistentRead: true }))).Item;
  check(old && old.title === 'User login page loading slowly', 'deleted issue restored');
  const other = (await doc.send(new lib.GetCommand({ TableName: target, Key: { company_issue_id: 'COMPANY002#ISSUE#ISS-001' } }))).Item;
  check(other.status === 'In Progress', 'updated issue as it was');
  const count = (await doc.send(new lib.ScanCommand({ TableName: target, Select: 'COUNT' }))).Count;
  check(count === 62, 'restored table holds the 62 issues: ' + count);
  const e = await errorOf(client.send(new ddb.RestoreTableToPointInTimeCommand({
    SourceTableName: issues, TargetTableName: target, UseLatestRestorableTime: true })));
  check(e.name === 'TableAlreadyExistsException', 'restore onto an existing table: ' + e.name);
}

async function readStream(client, doc, streams) {
  const table = 'IssueTracker-Comments-Pooled';
  const d = await client.send(new ddb.UpdateTableCommand({ TableName: table,
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } }));
  const arn = d.TableDescription.LatestStreamArn;
  await ddb.waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: table });
  const key = { company_comment_id: 'COMPANY002#COMMENT#CMT-002', created_date: '2024-01-13T10:00:00Z' };
  await doc.send(new lib.PutCommand({ TableName: table, Item: { ...key, company_id: 'COMPANY002',
    company_issue_id: 'COMPANY002#ISSUE#ISS-001', author_email: 'lisa@devcorp.com', content: 'Approved.' } }));
  await doc.send(new lib.UpdateCommand({ TableName: table, Key: key, UpdateExpression: 'SET content = :c',
    ExpressionAttributeValues: { ':c': 'Approved, shipping.' } }));
  await doc.send(new lib.DeleteCommand({ TableName: table, Key: key }));
  const listed = (await streams.send(new ddbStreams.ListStreamsCommand({ TableName: table }))).Streams;
  check(listed.length === 1 && listed[0].StreamArn === arn, 'ListStreams finds the stream');
  const desc = (await streams.send(new ddbStreams.DescribeStreamCommand({ StreamArn: arn }))).StreamDescription;
  check(desc.StreamStatus === 'ENABLED' && desc.StreamViewType === 'NEW_AND_OLD_IMAGES', 'DescribeStream');
  const records = await streamRecords(streams, ddbStreams, arn);
  const events = records.map((r) => r.eventName);
  check(JSON.stringify(events) === '["INSERT","MODIFY","REMOVE"]', 'stream events ' + events);
  check(records[1].dynamodb.OldImage.content.S === 'Approved.', 'old image');
  check(records[1].dynamodb.NewImage.content.S === 'Approved, shipping.', 'new image');
  check(records.every((r) => r.eventSource === 'aws:dynamodb' && r.dynamodb.SequenceNumber), 'records');
  check(records[0].dynamodb.ApproximateCreationDateTime instanceof Date, 'ApproximateCreationDateTime');
  const e = await errorOf(streams.send(new ddbStreams.GetShardIteratorCommand({ StreamArn: arn,
    ShardId: 'shardId-nope', ShardIteratorType: 'TRIM_HORIZON' })));
  check(e.name === 'ResourceNotFoundException', 'unknown shard: ' + e.name);
}

async function main() {
  if (process.argv.length !== 3) {
    console.error('usage: node js_sdk_spec_test.js <issuetracker binary>');
    process.exit(2);
  }
  const endpoint = new Endpoint(process.argv[2]);
  try {
    const port = await endpoint.port();
    const config = { endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', maxAttempts: 1,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } };
    const client = new ddb.DynamoDBClient(config);
    const doc = lib.DynamoDBDocumentClient.from(client);
    const streams = new ddbStreams.DynamoDBStreamsClient(config);
    await createTables(client);
    await enablePitr(client);
    await putSample(doc);
    await isolationQueries(client, doc);
    await verificationSteps(client, doc);
    await errorCases(client, doc);
    await restoreToPointInTime(client, doc);
    await readStream(client, doc, streams);
    client.destroy();
    streams.destroy();
  } catch (e) {
    console.error(endpoint.log);
    endpoint.kill();
    throw e;
  }
  await endpoint.stop();
  const version = sdkRequire('@aws-sdk/client-dynamodb/package.json').version;
  console.log(`AWS SDK for JavaScript ${version} replayed the spec against issuetracker dynamodb: ${checks} checks passed`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
