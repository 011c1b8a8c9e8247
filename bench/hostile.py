#!/usr/bin/env python3
"""The hostile-request battery: requests an attacker (or a broken crawler) would send, one after
another, against a running newsdesk, with `/healthz` and a plain list timed after each.

    python3 bench/hostile.py --base http://127.0.0.1:18080 --token EDITOR_TOKEN [--admin ADMIN_TOKEN]

Prints one markdown row per attack: what was sent, what the server answered and how long it
took, and the time `/healthz` and `GET /v1/articles?limit=5` then took (both must stay under a
second, and the server must still be up). Standard library only.
"""
import argparse
import gzip
import http.client
import json
import socket
import threading
import time
import urllib.parse


def request(base, method, path, body=None, headers=None, timeout=120):
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
    started = time.monotonic()
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, data, time.monotonic() - started
    except Exception as err:  # the answer is part of the result
        return f"error: {type(err).__name__}", b"", time.monotonic() - started
    finally:
        conn.close()


def nested(open_tag, close_tag, depth):
    return ("<html><body><article><h1>Deep</h1>" + open_tag * depth
            + "<p>The old bridge reopened on Thursday after months of repairs.</p>"
            + close_tag * depth + "</article></body></html>")


def html_post(base, token, page):
    return request(base, "POST", "/v1/ingest?dry_run=true", page.encode(),
                   {"Authorization": f"Bearer {token}", "Content-Type": "text/html; charset=utf-8"})


def parallel(n, fn):
    results = [None] * n
    threads = [threading.Thread(target=lambda i=i: results.__setitem__(i, fn())) for i in range(n)]
    started = time.monotonic()
    for t in threads:
        t.start()
    # What a bystander sees while they run.
    time.sleep(0.2)
    bystander = request(ARGS.base, "GET", "/healthz")[2]
    for t in threads:
        t.join()
    statuses = sorted({str(r[0]) for r in results})
    return "/".join(statuses), b"", time.monotonic() - started, bystander


def unread_batch(base, token, lines):
    url = urllib.parse.urlsplit(base)
    body = b"{}\n" * lines
    sock = socket.create_connection((url.hostname, url.port))
    sock.settimeout(40)
    head = (f"POST /v1/ingest/batch HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/x-ndjson\r\nContent-Length: {len(body)}\r\n\r\n").encode()
    started = time.monotonic()
    try:
        sock.sendall(head)
        sock.sendall(body)
        outcome = "all sent"
    except (socket.timeout, OSError) as err:
        outcome = f"stopped ({type(err).__name__})"
    finally:
        sock.close()
    return outcome, b"", time.monotonic() - started


def silent_connections(base, n):
    url = urllib.parse.urlsplit(base)
    socks = [socket.create_connection((url.hostname, url.port)) for _ in range(n)]
    started = time.monotonic()
    during = request(base, "GET", "/healthz")[2]
    for s in socks:
        s.close()
    return f"{n} open", b"", time.monotonic() - started, during


def slow_head(base):
    url = urllib.parse.urlsplit(base)
    sock = socket.create_connection((url.hostname, url.port))
    sock.settimeout(120)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    started = time.monotonic()
    try:
        data = sock.recv(1)
        outcome = "closed" if not data else "answered"
    except (socket.timeout, OSError) as err:
        outcome = type(err).__name__
    sock.close()
    return outcome, b"", time.monotonic() - started


def main():
    global ARGS
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", default="http://127.0.0.1:18080")
    ap.add_argument("--token", required=True, help="an editor token")
    ap.add_argument("--reader", help="a reader token, for /metrics")
    ARGS = ap.parse_args()
    base, token = ARGS.base, ARGS.token
    auth = {"Authorization": f"Bearer {token}"}

    attacks = [
        ("30,000 nested `<span>` (dry-run HTML)", lambda: html_post(base, token, nested("<span>", "</span>", 30_000))),
        ("100,000 nested `<div>`", lambda: html_post(base, token, nested("<div>", "</div>", 100_000))),
        ("`<b><div>x</b>` × 300,000 (3.9 MB)", lambda: html_post(base, token, "<b><div>x</b>" * 300_000)),
        ("`<nav><p>x` × 400,000 (3.6 MB, unclosed)", lambda: html_post(base, token, "<nav><p>x" * 400_000)),
        ("`<p>word</p>` × 500,000 (5.5 MB, wide)", lambda: html_post(base, token, "<p>word</p>" * 500_000)),
        # The fuzzer's (html_nesting) find: lists nested as deep as is kept, each with a sentence.
        ("(sentence + `<ul>`) × 32,768 (1.9 MB, text deep down)", lambda: html_post(base, token,
            "<html><body>" + "The bridge reopened on Thursday after months of repairs. <ul>" * 32_768)),
        ("`<ul>` × 131,072 (512 KB, lists only)", lambda: html_post(base, token, "<html><body>" + "<ul>" * 131_072)),
        ("the same deep page in a JSON envelope", lambda: request(base, "POST", "/v1/ingest?dry_run=true",
            json.dumps({"html": nested("<span>", "</span>", 30_000)}).encode(),
            {**auth, "Content-Type": "application/json"})),
        ("4 pages of 3.9 MB at once (bystander: /healthz during)", lambda: parallel(4, lambda: html_post(base, token, "<b><div>x</b>" * 300_000))),
        ("`q=` of 160 × `a*`", lambda: request(base, "GET", "/v1/articles?q=" + urllib.parse.quote(" ".join(["a*"] * 160)))),
        ("4 × `q=` of 80 × `ab*` at once", lambda: parallel(4, lambda: request(base, "GET", "/v1/articles?q=" + urllib.parse.quote(" ".join(["ab*"] * 80))))),
        ("batch of 2 M `{}` lines, answers never read", lambda: unread_batch(base, token, 2_000_000)),
        ("200 silent connections (bystander: /healthz during)", lambda: silent_connections(base, 200)),
        ("request head never finished", lambda: slow_head(base)),
        ("gzip bomb: 40 MB of `a` in the body", lambda: request(base, "POST", "/v1/ingest?dry_run=true",
            gzip.compress(b"a" * (40 * 1024 * 1024)), {**auth, "Content-Type": "text/plain", "Content-Encoding": "gzip"})),
        ("200 writes with invented tokens", lambda: max(
            (request(base, "POST", "/v1/ingest", b"x", {"Authorization": f"Bearer nd_fake_{i}", "Content-Type": "text/plain"})
             for i in range(200)), key=lambda r: str(r[0]))),
        ("100 requests with invented methods", lambda: (lambda rs: (sorted({str(r[0]) for r in rs})[0], b"", sum(r[2] for r in rs)))(
            [request(base, f"QQ{i}", "/healthz") for i in range(100)])),
    ]
    print("| attack | answer | time | /healthz after | list after |")
    print("| --- | --- | --- | --- | --- |")
    for name, attack in attacks:
        result = attack()
        status, _, took = result[:3]
        extra = f" (during: {result[3] * 1000:.0f} ms)" if len(result) > 3 else ""
        health = request(base, "GET", "/healthz", timeout=10)
        listing = request(base, "GET", "/v1/articles?limit=5", timeout=10)
        print(f"| {name} | {status}{extra} | {took:.2f} s | {health[0]} in {health[2] * 1000:.0f} ms "
              f"| {listing[0]} in {listing[2] * 1000:.0f} ms |", flush=True)
    if ARGS.reader:
        status, body, _ = request(base, "GET", "/metrics", headers={"Authorization": f"Bearer {ARGS.reader}"})
        series = [line for line in body.decode().splitlines() if line.startswith("newsdesk_http_requests_total{")]
        methods = sorted({line.split('method="')[1].split('"')[0] for line in series})
        print(f"\n/metrics: {status}, {len(series)} request series, methods {methods}")


if __name__ == "__main__":
    main()
