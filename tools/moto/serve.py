"""Starts moto's DynamoDB server (moto.server, threaded) on 127.0.0.1, on a port the system
picks, and prints the port on stdout. Exits when its standard input closes, so it never
outlives the test that started it. Uses the moto of the interpreter that runs it."""
import sys

from moto.server import ThreadedMotoServer

server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(server.get_host_and_port()[1], flush=True)
sys.stdin.read()
server.stop()
