"""Drives bittensor 11.3.0's btauth/1 (`bittensor.http_auth`) against Plexus's, for the interop tests.

  btauth_driver.py client PORT AXON_HOTKEY   sign requests with http_auth.sign and POST them to the
                                             Plexus axon at 127.0.0.1:PORT; print one JSON line of
                                             {case: [status, body]}
  btauth_driver.py server PORT               serve /Double on 127.0.0.1:PORT, verifying every
                                             request with http_auth.verify; print the server's
                                             hotkey as JSON once listening, then serve until killed
"""

import http.server
import json
import sys
import time
import urllib.error
import urllib.request

from bittensor import http_auth
from bittensor_core import Keypair


def post(port, path, body, headers):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=body,
        method="POST",
        headers={"content-type": "application/json", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return [response.status, json.loads(response.read())]
    except urllib.error.HTTPError as e:
        return [e.code, json.loads(e.read() or b"null")]


def non_finite(port, validator, axon_hotkey):
    """Floats Python's json writes and reads but JSON has not: sent, answered, read back, as reprs."""
    body = json.dumps({"values": [float("nan"), float("inf"), -float("inf"), 1.5], "first": None}).encode()
    headers = http_auth.sign(validator, method="POST", path="/Scores", body=body, receiver_ss58=axon_hotkey)
    status, answer = post(port, "/Scores", body, headers)
    return [status, [repr(v) for v in answer["values"]], repr(answer["first"])]


def client_cases(port: int, axon_hotkey: str):
    validator = Keypair.create_from_uri("//Validator")
    other = Keypair.create_from_uri("//OtherMiner").ss58_address
    body = json.dumps({"input": 21, "label": "it's \"quoted\"", "tags": ["a", "b"], "output": None}).encode()

    def signed(receiver=axon_hotkey, path="/Double", nonce_ns=None):
        return http_auth.sign(
            validator, method="POST", path=path, body=body, receiver_ss58=receiver, nonce_ns=nonce_ns
        )

    replayed = signed()
    results = {
        "ok": post(port, "/Double", body, replayed),
        "replayed": post(port, "/Double", body, replayed),
        "wrong_receiver": post(port, "/Double", body, signed(receiver=other)),
        "tampered": post(port, "/Double", body.replace(b"21", b"22"), signed()),
        "stale": post(port, "/Double", body, signed(nonce_ns=time.time_ns() - 30_000_000_000)),
        "unknown": post(port, "/Unserved", body, signed(path="/Unserved")),
        "non_finite": non_finite(port, validator, axon_hotkey),
    }
    print(json.dumps(results), flush=True)


def serve(port: int):
    me = Keypair.create_from_uri("//PythonMiner")
    store = http_auth.InMemoryNonceStore()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            try:
                caller = http_auth.verify(
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                    method="POST",
                    path=self.path,
                    self_hotkey_ss58=me.ss58_address,
                    nonce_store=store,
                )
            except http_auth.AuthError as e:
                return self.answer(401, {"message": f"{type(e).__name__}: {e}"})
            if self.path == "/Scores":
                scores = json.loads(body)
                scores["first"] = scores["values"][0] if scores["values"] else None
                return self.answer(200, scores)
            if self.path != "/Double":
                return self.answer(404, {"message": f"no route {self.path}"})
            synapse = json.loads(body)
            synapse["output"] = synapse["input"] * 2
            synapse["caller"] = caller.hotkey_ss58
            return self.answer(200, synapse)

        def answer(self, status, payload):
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print(json.dumps({"hotkey": me.ss58_address}), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    if sys.argv[1] == "client":
        client_cases(int(sys.argv[2]), sys.argv[3])
    else:
        serve(int(sys.argv[2]))
