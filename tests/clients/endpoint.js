// What the JavaScript client tests share: the AWS SDK for JavaScript v3 from
// tools/aws-sdk-js (exit 77, CTest's skip, when it is not installed), and
// `issuetracker dynamodb --port 0 --print-port` in a temporary directory, stopped with
// SIGTERM and checked to exit cleanly (graceful shutdown, store closed).
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const readline = require('readline');

const SDK_DIR = path.join(__dirname, '..', '..', 'tools', 'aws-sdk-js');

function skip(reason) {
  console.log('SKIPPED: ' + reason);
  process.exit(77);
}

// require() of the SDK's packages (skips the test when the SDK is not installed).
function sdkRequire() {
  if (!fs.existsSync(path.join(SDK_DIR, 'node_modules', '@aws-sdk', 'client-dynamodb', 'package.json'))) {
    skip('the AWS SDK for JavaScript is not installed in tools/aws-sdk-js (scripts/install-deps installs it)');
  }
  return require('module').createRequire(path.join(SDK_DIR, 'package.json'));
}

class Endpoint {
  // `extraArgs`: more flags of `issuetracker dynamodb` (such as --ttl-interval).
  constructor(binary, extraArgs = []) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'issuetracker-js-test-'));
    this.log = '';
    this.process = spawn(binary, ['dynamodb', '--port', '0', '--print-port', '--threads', '2',
      '--data-dir', path.join(this.dir, 'db'), ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.process.stderr.on('data', (d) => { this.log += d; });
    this.exited = new Promise((resolve) => this.process.on('exit', (code, signal) => resolve({ code, signal })));
  }
  async port() {
    const lines = readline.createInterface({ input: this.process.stdout });
    const first = await Promise.race([
      new Promise((resolve) => lines.once('line', resolve)),
      this.exited.then(() => null),
      new Promise((resolve) => setTimeout(resolve, 30000, null).unref())]);
    if (!first || !/^\d+$/.test(first)) throw new Error('the endpoint did not start: ' + this.log);
    return Number(first);
  }
  async stop() {
    this.process.kill('SIGTERM');
    const { code } = await this.exited;
    if (code !== 0 || !this.log.includes('stopped; the store is closed')) {
      throw new Error(`unclean shutdown (exit ${code}):\n${this.log}`);
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
  kill() {
    if (this.process.exitCode === null) this.process.kill('SIGKILL');
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

// Every record of the stream `arn` (`streams`: a DynamoDBStreamsClient, `commands`: the
// @aws-sdk/client-dynamodb-streams module), shard by shard from TRIM_HORIZON, until a shard
// has no more.
async function streamRecords(streams, commands, arn, pages = 10) {
  const desc = (await streams.send(new commands.DescribeStreamCommand({ StreamArn: arn }))).StreamDescription;
  const records = [];
  for (const shard of desc.Shards) {
    let it = (await streams.send(new commands.GetShardIteratorCommand({ StreamArn: arn, ShardId: shard.ShardId,
      ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    for (let i = 0; i < pages && it; i++) {
      const r = await streams.send(new commands.GetRecordsCommand({ ShardIterator: it, Limit: 100 }));
      records.push(...r.Records);
      if (r.Records.length === 0) break;
      it = r.NextShardIterator;
    }
  }
  return records;
}

module.exports = { Endpoint, sdkRequire, skip, streamRecords };
