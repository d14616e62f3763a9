"""`python serve_http.py MODEL_DIR PORT`: the router behind the standard library's HTTP server."""
import json
import os
import pickle
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from ticket_routing import route


class RouterHandler(BaseHTTPRequestHandler):
    local = None

    def _reply(self, status, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/health":
            self._reply(200, {"status": "ok"})
        else:
            self._reply(404, {"error": "not found"})

    def do_POST(self):
        if self.path != "/predict":
            self._reply(404, {"error": "not found"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        try:
            tickets = json.loads(self.rfile.read(length) or b"null")
        except ValueError:
            self._reply(400, {"error": "the body is not JSON"})
            return
        if not isinstance(tickets, list) or not tickets or not all(
            isinstance(t, dict) and isinstance(t.get("body"), str) for t in tickets
        ):
            self._reply(400, {"error": "expected a list of tickets with a body"})
            return
        self._reply(200, route(self.local, tickets))


if __name__ == "__main__":
    model_dir, port = sys.argv[1], int(sys.argv[2])
    with open(os.path.join(model_dir, "local.pkl"), "rb") as f:
        RouterHandler.local = pickle.load(f)
    ThreadingHTTPServer(("127.0.0.1", port), RouterHandler).serve_forever()
