"""Small submissions written for these tests, one behaviour each, all from one client whose
policy is set by a few constants (so each zip differs only in what the test is about)."""

from __future__ import annotations

import zipfile
from pathlib import Path

CLIENT = r"""
import csv, json, os, re, sys, time, urllib.error, urllib.request
POLICY = json.loads(os.environ.get("POLICY_OVERRIDE") or "{}") or __POLICY__
QUEUES = ["billing", "technical", "account", "shipping", "general"]
WORDS = {"billing": ["invoice", "refund", "charged"], "technical": ["error", "crash", "bug"],
         "account": ["password", "login"], "shipping": ["package", "delivery", "tracking"]}
CACHE = {}
MODEL = ["route-mini"]

def rule(text):
    low = text.lower()
    for queue, words in WORDS.items():
        if any(w in low for w in words):
            return QUEUES.index(queue) + 1
    return 5

def redact(text):
    text = re.sub(r"\S+@\S+", "[email]", text)
    return re.sub(r"[\d(][\d ()+-]{7,}\d", "[number]", text)

def ask(text, model):
    body = json.dumps({"model": model, "max_tokens": 50, "messages": [
        {"role": "system", "content": "Route the ticket; answer in json."},
        {"role": "user", "content": text}]}).encode()
    request = urllib.request.Request(os.environ["GRADE_MODEL_API_BASE_URL"] + "/chat/completions",
        data=body, headers={"Authorization": "Bearer " + os.environ["GRADE_MODEL_API_KEY"],
                            "Content-Type": "application/json"})
    timeout = POLICY["timeout"]
    with urllib.request.urlopen(request, **({"timeout": timeout} if timeout else {})) as answer:
        return json.loads(json.loads(answer.read())["choices"][0]["message"]["content"])["queue"]

def route(text):
    if POLICY.get("rules_only"):
        return rule(text)
    text = redact(text) if POLICY["redact"] else text
    if POLICY["cache"] and text in CACHE:
        return CACHE[text]
    pause = POLICY["pause"]
    for attempt in range(POLICY["attempts"]):
        try:
            queue = QUEUES.index(ask(text, MODEL[0])) + 1
            CACHE[text] = queue
            return queue
        except urllib.error.HTTPError as err:
            if err.code == 404:
                MODEL[0] = "route-standard"
            wait = err.headers.get("Retry-After") if POLICY["retry_after"] else None
            time.sleep(float(wait) if wait else pause)
        except Exception:
            time.sleep(pause)
        pause *= POLICY["growth"]
    return rule(text)

def predict(source, target):
    with open(source, newline="") as stream:
        rows = list(csv.DictReader(stream))
    with open(target, "w", newline="") as stream:
        out = csv.writer(stream)
        out.writerow(["ticket_id", "prediction"])
        for row in rows:
            out.writerow([row["ticket_id"], route(row["text"])])

def serve(port):
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class Handler(BaseHTTPRequestHandler):
        def reply(self, status, body):
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_GET(self):
            self.reply(200, {"ok": True})

        def do_POST(self):
            try:
                records = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                texts = [r["text"] for r in records]
            except Exception:
                return self.reply(400, {"error": "send a JSON list of records with text"})
            self.reply(200, {"predictions": [route(t) for t in texts]})

    HTTPServer(("127.0.0.1", int(port)), Handler).serve_forever()

if __name__ == "__main__":
    if len(sys.argv) > 4:  # the contract's {model_api} {model_api_key}, as the environment's
        assert sys.argv[-2:] == [os.environ["GRADE_MODEL_API_BASE_URL"],
                                 os.environ["GRADE_MODEL_API_KEY"]], sys.argv
    if sys.argv[1] == "serve":
        serve(sys.argv[2])
    elif sys.argv[1] == "train":
        os.makedirs(sys.argv[3], exist_ok=True)
        open(os.path.join(sys.argv[3], "model.txt"), "w").write("rules")
    else:
        predict(sys.argv[2], sys.argv[3])
"""
CAREFUL = {
    "timeout": 2.0,
    "retry_after": True,
    "pause": 0.3,
    "growth": 2.0,
    "attempts": 5,
    "cache": True,
    "redact": True,
}
POLICIES = {
    "rules": {"rules_only": True},
    "careful": CAREFUL,
    "storm": {**CAREFUL, "retry_after": False, "pause": 0.0, "growth": 1.0, "attempts": 60},
    "no_timeout": {**CAREFUL, "timeout": None},
    "early": {**CAREFUL, "retry_after": False, "pause": 0.2, "growth": 1.0, "attempts": 30},
    "leaky": {**CAREFUL, "redact": False},
}


PREDICT = "python client.py predict {input} {output}"
WITH_PLACEHOLDERS = "python client.py predict {input} {output} {model_api} {model_api_key}"
SERVE = "python client.py serve {port}"


def assessment(challenge: str, predict: str = PREDICT, serve: str | None = None) -> str:
    served = f'serve = "{serve}"\n' if serve else ""
    return f"""[submission]
challenge = "{challenge}"

[commands]
train = "python client.py train {{data}} {{artifacts}}"
predict = "{predict}"
{served}
[estimate]
metric = "accuracy"
value = 0.8
method = "checked by hand on 20 tickets"
"""


def write_zip(path: Path, policy: str, challenge: str, contract: str | None = None) -> Path:
    """A zip of the client with one policy, its contract and a one-line write-up."""
    source = CLIENT.replace("__POLICY__", repr(POLICIES[policy]))
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("client.py", source)
        archive.writestr("assessment.toml", contract or assessment(challenge))
        archive.writestr("README.md", f"# Router\n\nA {policy} client of the model API.\n")
    return path
