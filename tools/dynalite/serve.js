// Starts dynalite in memory on 127.0.0.1, on a port the system picks, and prints the port
// on stdout. Tables change state at once (no CREATING/DELETING delay). Exits when its
// standard input closes, so it never outlives the test that started it.
const dynalite = require('dynalite');

const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(server.address().port + '\n');
});
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
