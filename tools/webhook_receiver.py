#!/usr/bin/env python3
"""A webhook receiver for trying newsdesk's webhooks by hand (the README's walkthrough).

    WEBHOOK_SECRET=whsec_… python3 tools/webhook_receiver.py 9000

Listens on 127.0.0.1:PORT, prints each delivery's headers and body, checks its Standard
Webhooks signature with the secret in WEBHOOK_SECRET (when set), and answers 204.
Standard library only.
"""

import base64
import hashlib
import hmac
import os
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


def expected_signature(secret: str, msg_id: str, timestamp: str, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = msg_id.encode() + b"." + timestamp.encode() + b"." + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("content-length", "0"))
        body = self.rfile.read(length)
        msg_id = self.headers.get("webhook-id", "")
        timestamp = self.headers.get("webhook-timestamp", "")
        print(f"webhook-id: {msg_id}  webhook-timestamp: {timestamp}")
        print(body.decode("utf-8", "replace")[:2000])
        secret = os.environ.get("WEBHOOK_SECRET")
        if secret:
            wanted = expected_signature(secret, msg_id, timestamp, body)
            sent = self.headers.get("webhook-signature", "").split()
            verdict = "valid" if any(hmac.compare_digest(s, wanted) for s in sent) else "INVALID"
            print(f"signature: {verdict}")
        sys.stdout.flush()
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 9000
    HTTPServer(("127.0.0.1", port), Handler).serve_forever()
