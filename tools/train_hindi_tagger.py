#!/usr/bin/env python3
"""Train newsdesk's Hindi sequence tagger (persons, places, organizations) on the fitting part of
the HiNER dev half, and write the model the extractor loads (`data/tagger/hindi.bin`).

The model: a greedy left-to-right averaged perceptron over BIO tags (O, B/I-PER, B/I-LOC,
B/I-ORG). Features of a word: the word (folded as `src/normalize/entities/fold.rs` folds), its
first and last one to four letters, the two words before and after it and their endings, the
project's own word classes of the word and its neighbours (Hindi title cues, organization and
place words, function words, the Hindi common-word filter, words of Devanagari gazetteer names:
the lists under `data/`), Latin / digit / length shape, punctuation before it, and the tags
chosen for the two words before. Words and affixes are hashed with 32-bit FNV-1a and combined
with the feature's template into its key (`feat`); the Rust side
(`src/normalize/entities/tagger.rs`) computes the same keys. A word of the Hindi common-word
filter is always O and is not scored (the filter's words were never inside a name here).

Spans get a confidence: the mean, over their words, of the margin between the best and the
second-best allowed tag. Cuts are chosen on held-out documents of the fitting part (a quarter
of its blocks of eight documents; the checking part is never read), each as the lowest cut at
which the spans of its group kept there reach precision 0.90. The groups:
- "seen": a word of the span was inside a name in at least half of its occurrences in the
  training documents; one cut.
- "unread": no word of the span was in the training documents at all (a village, a foreign
  person), and not every word is a word of general Hindi text
  (data/tagger/hindi_general_words.tsv, from wordfreq; tools/gen_hindi_general_words.py); one cut
  a type, since on held-out documents these places are mostly right and these persons and
  organizations mostly not. TAGGER_UNREAD_CUTS=one gives them one cut; TAGGER_NEW_SPANS=drop
  drops them.
- "outside": the rest, spans of words read in training mostly outside names ("राज्य सरकार") or
  of words of general text only ("संक्रमित मरीज"): the tagger's riskiest guesses, dropped
  (TAGGER_NEW_SPANS=cut gives them and the unread spans one cut of their own).
The model written is then trained on the whole fitting part with the same epochs
(TAGGER_MODEL=held-out writes the model trained without the held-out documents instead, to score
the whole extractor on them: the "held" line of examples/ner_eval.rs).

Data: HiNER (Murthy et al., LREC 2022; cfiltnlp/HiNER, validation split, CC BY-SA 4.0), the
developers' half in ../shared/devset/ner/hiner-dev.conll. Fitting part: documents whose number n
has (n // 8) % 2 == 0, the rule of examples/ner_eval.rs. The model is derived from HiNER and
carries its licence (CC BY-SA 4.0; data/tagger/README.md).

    python3 tools/train_hindi_tagger.py [../shared/devset/ner/hiner-dev.conll]

Standard library only (wordfreq only to regenerate the general words); deterministic (no randomness: documents in file order, one fixed
shuffle-free pass order per epoch).
"""
import collections
import os
import struct
import sys
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "data", "tagger", "hindi.bin")
EPOCHS = int(os.environ.get("TAGGER_EPOCHS", "5"))
PRECISION_TARGET = 0.90
# Features seen fewer times than this in training are left out of the model file.
MIN_FEATURE_COUNT = int(os.environ.get("TAGGER_MIN_COUNT", "1"))
MAGIC = b"NDHTAG01"
NEW_SPANS = os.environ.get("TAGGER_NEW_SPANS", "unread")
UNREAD_CUTS = os.environ.get("TAGGER_UNREAD_CUTS", "type")
NAME_SHARE = float(os.environ.get("TAGGER_NAME_SHARE", "0.5"))
SELFTEST = os.path.join(ROOT, "data", "tagger", "selftest.tsv")

TAGS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG"]
TYPE_OF = {"PERSON": "PER", "LOCATION": "LOC", "ORGANIZATION": "ORG"}
NT = len(TAGS)

# Word classes (bits), as tagger.rs reads them from the model file.
C_TITLE = 1
C_ORG = 2
C_PLACE_SUFFIX = 4
C_PLACE_AFTER = 8
C_PLACE_ORG = 16
C_COMMON = 32
C_FUNCTION = 64
C_GAZ_WORD = 128
C_GAZ_NAME = 256
C_POSSESSOR = 512
C_PARTICLE = 1024
# Not features: the word was inside a labelled name in at least NAME_SHARE of its occurrences in
# the training documents; the word was read in the training documents, mostly outside names.
C_SEEN_IN_NAME = 2048
C_SEEN_OUTSIDE = 4096
# Not a feature: a word of general Hindi text (data/tagger/hindi_general_words.tsv, wordfreq).
C_GENERAL = 8192
NOT_FEATURES = C_SEEN_IN_NAME | C_SEEN_OUTSIDE | C_GENERAL
GENERAL_WORDS = os.path.join(ROOT, "data", "tagger", "hindi_general_words.tsv")

# Feature templates.
T_BIAS, T_W, T_P1, T_P2, T_P3, T_S1, T_S2, T_S3, T_S4 = range(1, 10)
T_PW, T_NW, T_PW2, T_NW2, T_PS2, T_PS3, T_NS2, T_NS3 = range(10, 18)
T_CW, T_CPW, T_CNW, T_CPW2, T_CNW2, T_SHAPE, T_PT, T_PT2, T_PTW, T_BREAK, T_WNW, T_PWW = range(18, 30)

FNV_OFFSET = 0x811C9DC5
FNV_PRIME = 0x01000193


def fnv1a(data: bytes) -> int:
    h = FNV_OFFSET
    for b in data:
        h = ((h ^ b) * FNV_PRIME) & 0xFFFFFFFF
    return h


MIX = 0x9E3779B1


def feat(template: int, *values: int) -> int:
    """A feature's key: the template byte through one FNV-1a step, then each value (an FNV-1a
    hash of a word or affix, a class, a tag) mixed in with a multiply and a shift (one step per
    value, not per byte: tagger.rs computes ~30 keys a word)."""
    h = ((FNV_OFFSET ^ template) * FNV_PRIME) & 0xFFFFFFFF
    for v in values:
        h = ((h ^ (v & 0xFFFFFFFF)) * MIX) & 0xFFFFFFFF
        h ^= h >> 16
    return h or 1


FOLD = {
    "ई": "इ", "ऊ": "उ", "\u0940": "\u093f", "\u0942": "\u0941", "\u0901": "\u0902",
    "\u0958": "\u0915", "\u0959": "\u0916", "\u095a": "\u0917", "\u095b": "\u091c",
    "\u095c": "\u0921", "\u095d": "\u0922", "\u095e": "\u092b", "\u095f": "\u092f",
}
DROP = set("\u093c\u200b\u200c\u200d\u2060\ufeff")


def fold(s: str) -> str:
    return "".join(FOLD.get(c, c) for c in s if c not in DROP)


def is_word_char(c: str) -> bool:
    """src/normalize/entities/text.rs `is_word_char`."""
    if ord(c) < 0x80:
        return c.isalnum()
    if "\u0900" <= c <= "\u0dff" and c not in "\u0964\u0965":
        return True
    return c.isalnum() or c in "\u200c\u200d"


SENTENCE_END = set(".?!।:;\"“”(\n|")


def is_devanagari(w: str) -> bool:
    for c in w:
        if c.isascii() and c.isalpha():
            return False
        if "\u0900" <= c <= "\u097f" and c not in "\u0964\u0965":
            return True
        if c.isalpha():
            return False
    return False


def shape(w: str) -> int:
    """Latin / digits / Devanagari, and a length bucket (tagger.rs `shape`)."""
    latin = any(c.isascii() and c.isalpha() for c in w)
    digit = any(c.isdigit() for c in w)
    alldigit = all(c.isdigit() for c in w)
    n = len(w)
    bucket = 0 if n <= 2 else 1 if n <= 4 else 2 if n <= 7 else 3
    return (int(latin) | int(digit) << 1 | int(alldigit) << 2) << 2 | bucket


def rows(path):
    for line in open(path, encoding="utf-8"):
        if not line.strip() or line.startswith("#"):
            continue
        yield [c.strip() for c in line.rstrip("\n").split("\t")]


def words_of(phrase: str):
    out, cur = [], []
    for c in unicodedata.normalize("NFC", phrase):
        if is_word_char(c):
            cur.append(c)
        elif cur:
            out.append("".join(cur))
            cur = []
    if cur:
        out.append("".join(cur))
    return [fold(w) for w in out]


def word_classes():
    """Folded word -> class bits, from the project's lists."""
    d = os.path.join(ROOT, "data", "entities")
    classes = collections.defaultdict(int)

    def add(file, bit, col=-1, only=None, first=False):
        for r in rows(os.path.join(d, file)):
            if r[0] != "hi" or (only and only(r)):
                continue
            ws = words_of(r[col])
            for w in ws[:1] if first else ws:
                classes[w] |= bit

    add("title_cues.tsv", C_TITLE)
    add("organization_words.tsv", C_ORG)
    add("place_words.tsv", C_PLACE_SUFFIX, col=1, only=lambda r: r[2] != "suffix")
    add("place_words.tsv", C_PLACE_AFTER, col=1, only=lambda r: r[2] != "after")
    add("place_organization_words.tsv", C_PLACE_ORG)
    add("hindi_common_words.tsv", C_COMMON)
    add("function_words.tsv", C_FUNCTION)
    add("boundaries.tsv", C_FUNCTION)
    add("speech_frames.tsv", C_FUNCTION, first=True)
    add("possessor_cues.tsv", C_POSSESSOR)
    add("name_particles.tsv", C_PARTICLE)
    names = [r[3] for r in rows(os.path.join(ROOT, "data", "gazetteer.tsv")) if len(r) == 4]
    names += [r[2] for r in rows(os.path.join(ROOT, "data", "place_variants.tsv")) if len(r) == 3]
    if os.environ.get("TAGGER_GENERAL", "1") == "1":
        for line in open(GENERAL_WORDS, encoding="utf-8"):
            if not line.startswith("#") and line.strip():
                for w in words_of(line.strip()):
                    classes[w] |= C_GENERAL
    for name in names:
        if not is_devanagari(name):
            continue
        ws = words_of(name)
        for w in ws:
            classes[w] |= C_GAZ_WORD
        if len(ws) == 1:
            classes[ws[0]] |= C_GAZ_NAME
    return classes


def read_docs(path):
    """(doc number, sentences of (token, tag)) as examples/ner_eval.rs reads them."""
    docs, sent = [], []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("-DOCSTART-"):
            if sent and docs:
                docs[-1][1].append(sent)
            sent = []
            rest = line[len("-DOCSTART-"):].strip()
            docs.append((int(rest) if rest.isdigit() else len(docs), []))
        elif not line.strip():
            if sent and docs:
                docs[-1][1].append(sent)
            sent = []
        else:
            if "\t" in line:
                tok, _, tag = line.rpartition("\t")
            elif " " in line:
                tok, _, tag = line.rpartition(" ")
            else:
                tok, tag = line, "O"
            sent.append((tok, tag.strip()))
    if sent and docs:
        docs[-1][1].append(sent)
    return docs


def pieces(sent):
    """A CoNLL sentence as the extractor's tokenizer sees it: word runs with the tag of their
    token (I- after the first run of a name token) and whether punctuation precedes them; split
    into sentences where the tokenizer starts one."""
    out, cur = [], []
    gap = ""
    for tok, tag in sent:
        tok = unicodedata.normalize("NFC", tok)
        gap += " "
        run, first = [], True
        for c in tok + " ":
            if is_word_char(c) and c != " ":
                run.append(c)
                continue
            if run:
                if tag == "O":
                    t = "O"
                else:
                    kind = TYPE_OF.get(tag[2:], None)
                    t = "O" if kind is None else ("B-" if tag.startswith("B-") and first else "I-") + kind
                brk = any(not ch.isspace() for ch in gap)
                if cur and any(ch in SENTENCE_END for ch in gap):
                    out.append(cur)
                    cur = []
                cur.append(("".join(run), t, brk))
                run, first, gap = [], False, ""
            if c != " ":
                gap += c
    if cur:
        out.append(cur)
    # A name cut by a sentence break starts again with B-.
    for s in out:
        if s[0][1].startswith("I-"):
            s[0] = (s[0][0], "B-" + s[0][1][2:], s[0][2])
    return out


class Sentence:
    """Per-word hashes and classes, computed once (tagger.rs `Prepared`)."""

    def __init__(self, words, breaks, classes):
        self.n = len(words)
        self.f = [fold(w) for w in words]
        self.h = [fnv1a(w.encode()) for w in self.f]
        self.cls = [classes.get(w, 0) for w in self.f]
        self.brk = breaks
        self.pre = []
        self.suf = []
        self.shape = [shape(w) for w in self.f]
        for w in self.f:
            self.pre.append([fnv1a(w[:k].encode()) for k in (1, 2, 3)])
            self.suf.append([fnv1a(w[-k:].encode()) for k in (1, 2, 3, 4)])

    def static_features(self, i):
        n = self.n
        h = lambda k: self.h[k] if 0 <= k < n else (1 if k < 0 else 2)
        c = lambda k: self.cls[k] & ~NOT_FEATURES if 0 <= k < n else 0x8000
        sf = lambda k, j: self.suf[k][j] if 0 <= k < n else 0
        return [
            feat(T_BIAS),
            feat(T_W, self.h[i]),
            feat(T_P1, self.pre[i][0]),
            feat(T_P2, self.pre[i][1]),
            feat(T_P3, self.pre[i][2]),
            feat(T_S1, self.suf[i][0]),
            feat(T_S2, self.suf[i][1]),
            feat(T_S3, self.suf[i][2]),
            feat(T_S4, self.suf[i][3]),
            feat(T_PW, h(i - 1)),
            feat(T_NW, h(i + 1)),
            feat(T_PW2, h(i - 2)),
            feat(T_NW2, h(i + 2)),
            feat(T_PS2, sf(i - 1, 1)),
            feat(T_PS3, sf(i - 1, 2)),
            feat(T_NS2, sf(i + 1, 1)),
            feat(T_NS3, sf(i + 1, 2)),
            feat(T_CW, c(i)),
            feat(T_CPW, c(i - 1)),
            feat(T_CNW, c(i + 1)),
            feat(T_CPW2, c(i - 2)),
            feat(T_CNW2, c(i + 2)),
            feat(T_SHAPE, self.shape[i]),
            feat(T_BREAK, 2 if i == 0 else int(self.brk[i])),
            feat(T_WNW, self.h[i], h(i + 1)),
            feat(T_PWW, h(i - 1), self.h[i]),
        ]


def tag_features(i, sent, prev, prev2):
    return [feat(T_PT, prev), feat(T_PT2, prev, prev2), feat(T_PTW, prev, sent.h[i])]


def allowed(prev):
    """Tags allowed after `prev`: O, any B-, and I-X after B-X or I-X."""
    out = [0, 1, 3, 5]
    if prev in (1, 2):
        out.append(2)
    elif prev in (3, 4):
        out.append(4)
    elif prev in (5, 6):
        out.append(6)
    return out


class Perceptron:
    def __init__(self):
        self.w = {}
        self.total = {}
        self.stamp = {}
        self.count = collections.Counter()
        self.t = 0

    def scores(self, feats):
        s = [0.0] * NT
        for f in feats:
            row = self.w.get(f)
            if row is not None:
                for k in range(NT):
                    s[k] += row[k]
        return s

    def update(self, feats, truth, guess):
        self.t += 1
        if truth == guess:
            return
        for f in feats:
            row = self.w.get(f)
            if row is None:
                row = self.w[f] = [0.0] * NT
                self.total[f] = [0.0] * NT
                self.stamp[f] = [0] * NT
            tot, st = self.total[f], self.stamp[f]
            for k, d in ((truth, 1.0), (guess, -1.0)):
                tot[k] += (self.t - st[k]) * row[k]
                st[k] = self.t
                row[k] += d

    def averaged(self):
        out = {}
        for f, row in self.w.items():
            tot, st = self.total[f], self.stamp[f]
            out[f] = [(tot[k] + (self.t - st[k]) * row[k]) / self.t for k in range(NT)]
        return out


def train(sentences, classes):
    """sentences: lists of (word, tag, break). Returns (averaged weights, feature counts)."""
    model = Perceptron()
    prepared = [(Sentence([w for w, _, _ in s], [b for _, _, b in s], classes), [TAGS.index(t) for _, t, _ in s]) for s in sentences]
    for _epoch in range(EPOCHS):
        for sent, gold in prepared:
            prev, prev2 = 0, 0
            for i in range(sent.n):
                if sent.cls[i] & C_COMMON:
                    prev2, prev = prev, 0
                    continue
                feats = sent.static_features(i) + tag_features(i, sent, prev, prev2)
                if _epoch == 0:
                    for f in feats:
                        model.count[f] += 1
                s = model.scores(feats)
                guess = max(allowed(prev), key=lambda k: s[k])
                truth = gold[i]
                model.update(feats, truth, guess)
                prev2, prev = prev, guess
    return model.averaged(), model.count


def quantize(avg, count):
    kept = {f: r for f, r in avg.items() if count[f] >= MIN_FEATURE_COUNT}
    top = max((abs(x) for r in kept.values() for x in r), default=1.0)
    scale = max(1, min(1000, int(32767 // top)))
    q = {}
    for f, r in kept.items():
        row = [int(round(x * scale)) for x in r]
        if any(row):
            q[f] = row
    return q, scale


def decode(q, sent):
    """Greedy tags and per-word margins with the quantized model (tagger.rs `decode`)."""
    tags, margins = [], []
    prev, prev2 = 0, 0
    for i in range(sent.n):
        if sent.cls[i] & C_COMMON:
            tags.append(0)
            margins.append(0)
            prev2, prev = prev, 0
            continue
        s = [0] * NT
        for f in sent.static_features(i) + tag_features(i, sent, prev, prev2):
            row = q.get(f)
            if row is not None:
                for k in range(NT):
                    s[k] += row[k]
        al = allowed(prev)
        best = max(al, key=lambda k: (s[k], -k))
        second = max((s[k] for k in al if k != best), default=s[best])
        tags.append(best)
        margins.append(s[best] - second)
        prev2, prev = prev, best
    return tags, margins


def spans_of(tags):
    """(from, to, type) of every span: B-X then I-X; an I-X not after its B- opens a span."""
    out, i, n = [], 0, len(tags)
    while i < n:
        t = tags[i]
        if t == 0:
            i += 1
            continue
        kind = (t - 1) // 2
        j = i + 1
        while j < n and tags[j] == 2 + 2 * kind:
            j += 1
        out.append((i, j, kind))
        i = j
    return out


def gold_spans(sentence):
    return spans_of([TAGS.index(t) for _, t, _ in sentence])


def candidate_spans(q, scale, sent_words, classes):
    """Every span the tagger proposes in one sentence, with (confidence, group) as tagger.rs
    computes them: spans must start and end on a Devanagari word. The group: "seen" (a word of
    the span was mostly inside names in training), "unread" (no word of it was in the training
    documents at all), "outside" (the rest: words read there, mostly outside names)."""
    words = [w for w, _, _ in sent_words]
    s = Sentence(words, [b for _, _, b in sent_words], classes)
    tags, margins = decode(q, s)
    out = []
    for a, b, kind in spans_of(tags):
        if not (is_devanagari(words[a]) and is_devanagari(words[b - 1])):
            continue
        conf = sum(margins[a:b]) / (b - a) / scale
        out.append((" ".join(words[a:b]), kind, conf, group_of(s.cls[a:b])))
    return out


def group_of(classes):
    """A span's group from its words' classes (tagger.rs `find`): "outside" also when every
    word is a word of general Hindi text."""
    if any(c & C_SEEN_IN_NAME for c in classes):
        return "seen"
    if any(c & C_SEEN_OUTSIDE for c in classes) or all(c & C_GENERAL for c in classes):
        return "outside"
    return "unread"


def choose_cut(cands):
    """The lowest cut at which (distinct per document) spans with confidence >= cut have
    precision >= the target; cands: (confidence, correct, ...)."""
    cands = sorted(cands, key=lambda c: -c[0])
    best = None
    ok = 0
    for k, (conf, good, *_) in enumerate(cands, 1):
        ok += good
        if ok / k >= PRECISION_TARGET and (k == len(cands) or cands[k][0] < conf):
            best = conf
    return best if best is not None else float("inf")


def with_seen(classes, sentences):
    """The classes, and the bit C_SEEN_IN_NAME on words inside a labelled name in at least
    NAME_SHARE of their occurrences in `sentences` (a word mostly written outside names, such
    as "राज्य" or "सरकार", is weak evidence of a name even if some name holds it); C_SEEN_OUTSIDE
    on the other words of `sentences`."""
    total, named = collections.Counter(), collections.Counter()
    for s in sentences:
        for w, t, _ in s:
            fw = fold(w)
            total[fw] += 1
            named[fw] += t != "O"
    out = dict(classes)
    for w, n in named.items():
        if n and n >= NAME_SHARE * total[w]:
            out[w] = out.get(w, 0) | C_SEEN_IN_NAME
    for w in total:
        if not out.get(w, 0) & C_SEEN_IN_NAME:
            out[w] = out.get(w, 0) | C_SEEN_OUTSIDE
    return out


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "devset", "ner", "hiner-dev.conll")
    classes = word_classes()
    docs = [(n, [p for s in sents for p in pieces(s)]) for n, sents in read_docs(path) if (n // 8) % 2 == 0]
    held = [d for d in docs if (d[0] // 8) % 8 == 0]
    train_docs = [d for d in docs if (d[0] // 8) % 8 != 0]
    train_sents = [s for _, ss in train_docs for s in ss]
    print(f"fit part: {len(docs)} documents; training {len(train_docs)}, held out {len(held)}", file=sys.stderr)

    cls_train = with_seen(classes, train_sents)
    avg, count = train(train_sents, cls_train)
    q, scale = quantize(avg, count)
    by_group = {"seen": [], "unread": [], "outside": []}
    tp = fp = exp = 0
    for _, ss in held:
        gold = set()
        for s in ss:
            for a, b, kind in gold_spans(s):
                gold.add((" ".join(w for w, _, _ in s[a:b]), kind))
        pred = {}
        for s in ss:
            for surface, kind, conf, group in candidate_spans(q, scale, s, cls_train):
                key = (surface, kind)
                if key not in pred or pred[key][0] < conf:
                    pred[key] = (conf, group)
        for key, (conf, group) in pred.items():
            by_group[group].append((conf, key in gold, key[1]))
        exp += len(gold)
    # Spans with a word mostly seen inside names: kept above the cut at which the held-out ones
    # reach the precision target. Spans of words none of which was read in training (a new
    # village, a foreign name): a cut of their own, chosen the same way (NEW_SPANS "unread", the
    # default), or dropped ("drop"). Spans of words read in training mostly outside names
    # ("राज्य सरकार", "गंभीर लक्षण"): dropped, or, with NEW_SPANS "cut", kept above the unread
    # spans' cut chosen on both groups together. On other news than HiNER's (the annotated 2020
    # articles of tests/fixtures/entities) that last group was mostly common vocabulary taken
    # for names.
    # The unread spans get one cut a type (UNREAD_CUTS "type", the default): on held-out
    # documents their places are mostly right (new villages and towns) and their persons and
    # organizations mostly not (new common words and loanwords: "क्लीन चिट", "बीए ऑनर्स").
    cut_seen = choose_cut(by_group["seen"])
    inf = float("inf")
    if NEW_SPANS == "cut":
        cut_unread = [choose_cut(by_group["unread"] + by_group["outside"])] * 3
        cut_outside = cut_unread[0]
    elif NEW_SPANS == "unread" and UNREAD_CUTS == "type":
        cut_unread = [choose_cut([c for c in by_group["unread"] if c[2] == k]) for k in range(3)]
        cut_outside = inf
    elif NEW_SPANS == "unread":
        cut_unread, cut_outside = [choose_cut(by_group["unread"])] * 3, inf
    else:
        cut_unread, cut_outside = [inf] * 3, inf
    for label, cuts in (("seen", [cut_seen] * 3), ("unread", cut_unread), ("outside", [cut_outside] * 3)):
        c = by_group[label]
        kept = [g for conf, g, k in c if conf >= cuts[k]]
        print(f"held out, {label} spans: {len(c)}, "
              f"precision {sum(g for _, g, _ in c) / max(1, len(c)):.3f} uncut; cuts {' / '.join(f'{x:.2f}' for x in cuts)} "
              f"keep {len(kept)}, precision {sum(kept) / max(1, len(kept)):.3f}", file=sys.stderr)
        tp += sum(kept)
        fp += len(kept) - sum(kept)
    p = tp / max(1, tp + fp)
    r = tp / max(1, exp)
    print(f"held out, tagger alone after the cuts: P {p:.3f} R {r:.3f} F1 {2 * p * r / max(1e-9, p + r):.3f}", file=sys.stderr)

    if os.environ.get("TAGGER_DRY"):
        return
    if os.environ.get("TAGGER_MODEL") == "held-out":
        # The model trained without the held-out documents, for scoring the whole extractor on
        # them (examples/ner_eval.rs, its "held" line); not the model to commit.
        write(q, scale, (cut_seen, *cut_unread, cut_outside), cls_train)
        return
    all_sents = [s for _, ss in docs for s in ss]
    cls_all = with_seen(classes, all_sents)
    avg, count = train(all_sents, cls_all)
    q, scale = quantize(avg, count)
    write(q, scale, (cut_seen, *cut_unread, cut_outside), cls_all)
    selftest(q, cls_all, [s for _, ss in held[:2] for s in ss])


def selftest(q, classes, sentences):
    """Words, tags and margins of a few sentences, for tagger.rs's test that Rust decodes as
    this script does."""
    with open(SELFTEST, "w", encoding="utf-8") as fh:
        fh.write("# Written by tools/train_hindi_tagger.py with data/tagger/hindi.bin (HiNER, CC BY-SA 4.0):\n")
        fh.write("# word, punctuation before it (0/1), tag the model gives, margin. A blank line ends a sentence.\n")
        for sent in sentences:
            s = Sentence([w for w, _, _ in sent], [b for _, _, b in sent], classes)
            tags, margins = decode(q, s)
            for k in range(s.n):
                fh.write(f"{sent[k][0]}\t{int(sent[k][2])}\t{TAGS[tags[k]]}\t{margins[k]}\n")
            fh.write("\n")


def write(q, scale, cuts, classes):
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    cut = lambda c: min(0xFFFFFFFF, int(c * 100)) if c != float("inf") else 0xFFFFFFFF
    out = bytearray(MAGIC)
    out += struct.pack("<IIIIIII", 2, scale, *map(cut, cuts))
    cls = sorted((fnv1a(w.encode()), bits) for w, bits in classes.items() if bits)
    merged = {}
    for h, bits in cls:
        merged[h] = merged.get(h, 0) | bits
    out += struct.pack("<I", len(merged))
    for h in sorted(merged):
        out += struct.pack("<IH", h, merged[h])
    out += struct.pack("<I", len(q))
    for f in sorted(q):
        row = q[f]
        mask = sum(1 << k for k in range(NT) if row[k])
        out += struct.pack("<IB", f, mask)
        for k in range(NT):
            if row[k]:
                out += struct.pack("<h", max(-32768, min(32767, row[k])))
    with open(OUT, "wb") as fh:
        fh.write(out)
    print(f"wrote {OUT}: {len(merged)} word classes, {len(q)} features, scale {scale}, "
          f"cuts {' / '.join(f'{c:.2f}' for c in cuts)} (seen / unread persons, places, organizations / outside), {len(out)} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
