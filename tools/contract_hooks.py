"""Schemathesis hooks for newsdesk's contract run (tools/contract.sh loads them).

NDJSON (`application/x-ndjson`, the batch ingest's body and answer) has no serializer of its
own in Schemathesis: the OpenAPI document describes such a body as an array whose items are the
lines, so a generated array is sent one JSON document a line, and an answer is read back the same
way before it is checked against the document. Text media types the API reads (`text/markdown`,
`text/html`, `application/xhtml+xml`) are sent as the text they are, like `text/plain`.
"""

import json

import jsonschema_rs
import schemathesis
from schemathesis.core.parameters import ParameterLocation

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
    if isinstance(cursor, str) and cursor.strip():
        return False
    return not _valid_on_the_wire(case, query)


def _valid_on_the_wire(case, query):
    """A negative case whose query, as it reaches the server, is valid after all. Two ways this
    happens with Schemathesis 4.32.5:

    - A value a query string cannot hold as its type: a boolean (`tag=false` is the string
      "false", a valid tag), a null, an object (urlencoded as its keys, often nothing: `limit=`),
      or a number whose digits are a valid string (`entity=-1.5e-115`). Schemathesis checks the
      answer against the typed value it never sent (upstream schemathesis/schemathesis#4600,
      which fixed the numeric parameters only).
    - A string meant to break a Unicode property pattern (`[\\p{L}\\p{N}]`): Schemathesis
      generates it from an approximation of `\\p{L}` that holds Latin letters only
      (schemathesis/core/jsonschema/patterns.py), so a string of CJK or Devanagari letters comes
      labelled "violates pattern" while it matches the real pattern.

    The real validator (jsonschema_rs, full Unicode classes) judges every query parameter as the
    text that is sent; when all of them are valid, the case tests nothing negative on the wire
    and is left out. Cases with a value that is invalid as sent stay."""
    meta = case.meta
    if meta is None or not meta.is_negative_at(ParameterLocation.QUERY):
        return False
    parameters = case.operation.get_parameter_set(ParameterLocation.QUERY)
    for name, value in query.items():
        items = value if isinstance(value, list) else [value]
        if any(item is None or isinstance(item, (bool, dict, list)) for item in items):
            return True
    # A missing required parameter is negative whatever the others hold.
    for parameter in parameters:
        if getattr(parameter, "is_required", False) and parameter.name not in query:
            return False
    for name, value in query.items():
        items = value if isinstance(value, list) else [value]
        if not _sent_as_valid(parameters.get(name), [str(item) for item in items]):
            return False
    return True


def _sent_as_valid(parameter, texts):
    """Whether the texts sent for `parameter` (one, or one per item of an array) are valid for
    its schema as the document states it. Not `parameter.validation_schema`: there Schemathesis
    has already replaced `\\p{L}` and `\\p{N}` by its Latin-only classes. A text also counts as
    valid when the number it spells is (`limit=20` reaches the server as text)."""
    try:
        schema = parameter.definition["schema"]
        validator = jsonschema_rs.validator_for(schema)
    except Exception:
        return False
    if schema.get("type") == "array":
        return validator.is_valid(list(texts))
    return len(texts) == 1 and any(validator.is_valid(value) for value in _readings(texts[0]))


def _readings(text):
    """The values a query text can stand for: itself, and the number it spells, if any."""
    yield text
    for number in (int, float):
        try:
            yield number(text)
        except ValueError:
            pass
