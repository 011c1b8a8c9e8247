"""Schemathesis hooks for newsdesk's contract run (tools/contract.sh loads them).

NDJSON (`application/x-ndjson`, the batch ingest's body and answer) has no serializer of its
own in Schemathesis: the OpenAPI document describes such a body as an array whose items are the
lines, so a generated array is sent one JSON document a line, and an answer is read back the same
way before it is checked against the document. Text media types the API reads (`text/markdown`,
`text/html`, `application/xhtml+xml`) are sent as the text they are, like `text/plain`.
"""

import json

import schemathesis

NDJSON = ("application/x-ndjson",)


@schemathesis.serializer(*NDJSON)
def ndjson_serializer(ctx, value):
    if isinstance(value, (bytes, str)):
        data = value.encode("utf-8") if isinstance(value, str) else value
        return {"data": data}
    items = value if isinstance(value, list) else [value]
    lines = "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items)
    return {"data": lines.encode("utf-8")}


@schemathesis.deserializer(*NDJSON)
def ndjson_deserializer(ctx, response):
    text = response.content.decode("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


schemathesis.serializer.alias(["text/markdown", "text/html", "application/xhtml+xml"], "text/plain")


@schemathesis.hook
def filter_case(ctx, case):
    """A cursor comes only from a page's `next_cursor` and belongs to that page's query (it is
    signed with the server's key and the query's filters): one a generator makes up is refused
    with 400 by design (tests/articles.rs checks those). Cases carrying a made-up cursor are
    left out."""
    query = case.query or {}
    cursor = query.get("cursor")
    return not (isinstance(cursor, str) and cursor.strip())
