#!/usr/bin/env python3
"""Splits the WCXB dev pages into a fitting half and a checking half, by site.

The rule (fixed; do not tune it): a page belongs to the fitting half when the first hex digit of
SHA-256 of its URL's host (lower-cased, a leading "www." removed) is 0-7, else to the checking half.
Every page of one site lands in the same half, so a rule fitted to a site cannot lift the checking
half through that site's other pages.

    python3 tools/wcxb_halves.py [--devset ../shared/devset] [--out DIR]

writes DIR/wcxb-fit.ids and DIR/wcxb-check.ids (one page id a line; default DIR: target/wcxb) and
prints the counts. WCXB is CC-BY-4.0 (Murrough Foley); the ids name its pages, nothing else is copied.
"""
import argparse
import hashlib
import json
from pathlib import Path
from urllib.parse import urlsplit


def site(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def half(url: str) -> str:
    digit = hashlib.sha256(site(url).encode("utf-8")).hexdigest()[0]
    return "fit" if digit in "01234567" else "check"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--devset", default=str(Path(__file__).resolve().parent.parent.parent / "shared" / "devset"))
    ap.add_argument("--out", default="target/wcxb")
    args = ap.parse_args()
    truth = json.loads((Path(args.devset) / "wcxb" / "ground-truth.json").read_text(encoding="utf-8"))
    halves = {"fit": [], "check": []}
    for page_id in sorted(truth):
        halves[half(truth[page_id].get("url") or "")].append(page_id)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, ids in halves.items():
        (out / f"wcxb-{name}.ids").write_text("".join(f"{i}\n" for i in ids), encoding="utf-8")
        sites = {site(truth[i].get("url") or "") for i in ids}
        print(f"{name}: {len(ids)} pages from {len(sites)} sites -> {out / f'wcxb-{name}.ids'}")


if __name__ == "__main__":
    main()
