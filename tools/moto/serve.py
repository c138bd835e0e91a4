"""Starts moto's DynamoDB server on 127.0.0.1, on the port given as the only argument or else
on one the system picks, and prints the port on stdout. Exits when its standard input
closes, so it never outlives the test that started it. Uses the moto of the interpreter
that runs it.

Requests are served one at a time. moto serves each request on its own thread without
isolating one from another, and its TransactWriteItems is not atomic against concurrent
requests: it snapshots the tables it touches before it starts and, when a condition fails,
puts the snapshots back, undoing every write other requests committed meanwhile (a
disabled user's failed write re-enabled the user). One lock around the whole application
makes moto serializable, as DynamoDB's transactions are; connections stay kept alive, each
on its own thread, so clients see no difference but the order."""
import logging
import sys
import threading

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server

logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
_app = DomainDispatcherApplication(create_backend_app)
_lock = threading.Lock()


def serialized(environ, start_response):
    # The body is produced inside the lock too: a WSGI application may compute it lazily.
    with _lock:
        body = _app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()


server = make_server("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 0, serialized,
                     threaded=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
print(server.server_address[1], flush=True)
sys.stdin.read()
server.shutdown()
