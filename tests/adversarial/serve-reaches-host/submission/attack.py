"""Try the host's services, then serve (badly: every request is a 500)."""
import os
import socket
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

host, port = os.environ.get("GRADE_TEST_LISTENER", "172.17.0.1:47001").rsplit(":", 1)
for address in [(host, int(port)), ("172.17.0.1", 22), ("1.1.1.1", 443)]:
    try:
        socket.create_connection(address, timeout=2).close()
        print("FAIL: reached", address, flush=True)
    except OSError as err:
        print("blocked", address, type(err).__name__, flush=True)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()

    def do_POST(self):
        self.send_response(500)
        self.end_headers()


HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
