"""Bench the actors stage: entity detection on CoNLL-2003 dev, and find_actors speed on BBC news.

    python bench/actors.py [CONLL_PATH]

Prints precision, recall and F1 per type (PER, ORG, LOC) and micro-averaged, typed and
untyped (exact spans, MISC ignored), sentences per second and peak RSS, for the default
rule-based detector and for spaCy when it and a model happen to be installed. Then prints
milliseconds per article for find_actors on the first 300 BBC articles with 3 points each.
Only tokens are read from the CoNLL file; POS, chunk and tag columns are never input.
"""

from __future__ import annotations

import json
import re
import resource
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from briefing import actors  # noqa: E402
from briefing.actors import find_actors  # noqa: E402
from briefing.actors import tagger as ner  # noqa: E402
from briefing.models import Article, Document, KeyPoint, Sentence  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
TYPES = ("PER", "ORG", "LOC")
_DATELINE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

Tagged = list[tuple[list[str], set[tuple[int, int, str]]]]
Tagger = Callable[[Sequence[Sequence[str]]], list[list[tuple[int, int, str]]]]


def read_conll(path: Path) -> list[Tagged]:
    """Documents of (tokens, gold spans); a document starts at a headline before a dateline."""
    sentences: Tagged = []
    tokens: list[str] = []
    tags: list[str] = []
    for line in path.read_text("utf-8").splitlines() + [""]:
        parts = line.split()
        if parts and parts[0] == "-DOCSTART-":
            continue
        if parts:
            tokens.append(parts[0])
            tags.append(parts[-1])
        elif tokens:
            sentences.append((tokens, _spans(tags)))
            tokens, tags = [], []
    docs: list[Tagged] = []
    for i, sentence in enumerate(sentences):
        nxt = sentences[i + 1][0] if i + 1 < len(sentences) else []
        starts_doc = any(_DATELINE.match(t) for t in nxt) and ner.is_headline(sentence[0])
        if starts_doc or not docs:
            docs.append([])
        docs[-1].append(sentence)
    return docs


def _spans(tags: Sequence[str]) -> set[tuple[int, int, str]]:
    """Exact PER/ORG/LOC spans from IOB1 tags."""
    spans = set()
    start, kind = None, None
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, this = tag.partition("-")
        if start is not None and (tag == "O" or prefix == "B" or this != kind):
            if kind in TYPES:
                spans.add((start, i, kind))
            start, kind = None, None
        if tag != "O" and start is None:
            start, kind = i, this
    return spans


def score(docs: Sequence[Tagged], tagger: Tagger) -> tuple[dict[str, tuple[float, ...]], float]:
    """Per-type and micro P/R/F1 (typed and untyped), and sentences per CPU second."""
    tp, fp, fn = Counter(), Counter(), Counter()
    n_sent = 0
    t0 = time.process_time()
    predicted_docs = [tagger([tokens for tokens, _ in doc]) for doc in docs]
    elapsed = time.process_time() - t0
    for doc, predicted in zip(docs, predicted_docs, strict=True):
        for (_, gold), pred in zip(doc, predicted, strict=True):
            n_sent += 1
            pred_set = {s for s in pred if s[2] in TYPES}
            for kind in TYPES:
                g = {s for s in gold if s[2] == kind}
                p = {s for s in pred_set if s[2] == kind}
                tp[kind] += len(g & p)
                fp[kind] += len(p - g)
                fn[kind] += len(g - p)
            g_u = {s[:2] for s in gold}
            p_u = {s[:2] for s in pred_set}
            tp["untyped"] += len(g_u & p_u)
            fp["untyped"] += len(p_u - g_u)
            fn["untyped"] += len(g_u - p_u)
    for key in ("tp", "fp", "fn"):
        counter = {"tp": tp, "fp": fp, "fn": fn}[key]
        counter["micro typed"] = sum(counter[k] for k in TYPES)
    rows = {}
    for key in (*TYPES, "micro typed", "untyped"):
        p = tp[key] / (tp[key] + fp[key]) if tp[key] + fp[key] else 0.0
        r = tp[key] / (tp[key] + fn[key]) if tp[key] + fn[key] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        rows[key] = (100 * p, 100 * r, 100 * f)
    return rows, n_sent / elapsed


def spacy_tagger() -> Tagger | None:
    """spaCy's small English model as an optional comparison, when installed."""
    try:
        import spacy
        from spacy.tokens import Doc

        nlp = spacy.load("en_core_web_sm", exclude=["parser", "lemmatizer", "tagger"])
    except (ImportError, OSError):
        return None
    mapping = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC"}

    def tag(sentences: Sequence[Sequence[str]]) -> list[list[tuple[int, int, str]]]:
        out = []
        for tokens in sentences:
            doc = nlp(Doc(nlp.vocab, words=list(tokens)))
            out.append(
                [(e.start, e.end, mapping[e.label_]) for e in doc.ents if e.label_ in mapping]
            )
        return out

    return tag


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“‘(A-Z0-9])|(?<=[.!?][\"”’])\s+")


def bbc_documents(path: Path, limit: int = 300) -> list[Document]:
    """The first BBC articles as Documents, split by paragraph and a simple sentence regex."""
    try:
        from briefing.nlp.sentences import split_sentences  # the text stage, when it exists
    except ImportError:
        split_sentences = None
    documents = []
    with path.open(encoding="utf-8") as lines:
        for line, _ in zip(lines, range(limit), strict=False):
            row = json.loads(line)
            article = Article(id=row["id"], title=row["title"], text=row["text"])
            sentences = []
            paragraphs = [p for p in row["text"].split("\n\n") if p.strip()]
            for number, paragraph in enumerate(paragraphs):
                parts = split_sentences(paragraph) if split_sentences else None
                for text in parts or _SENTENCE_END.split(paragraph.strip()):
                    sentences.append(Sentence(len(sentences), number, text))
            documents.append(Document(article, tuple(sentences)))
    return documents


def bench_find_actors(path: Path) -> tuple[float, float, int]:
    """Milliseconds per article for find_actors, wall clock and CPU (the machine may be
    shared, so CPU time is the fairer figure), and how many actors it found."""
    documents = bbc_documents(path)
    points = [
        KeyPoint(d.id, s.index, s.text, 1.0) for d in documents for s in d.sentences[:3]
    ]
    find_actors(documents[:1], points[:3])  # load gazetteers and the alias book first
    wall, cpu = time.perf_counter(), time.process_time()
    attribution = find_actors(documents, points)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    n = len(documents)
    return 1000 * wall / n, 1000 * cpu / n, len(attribution.actors)


def main(argv: Sequence[str]) -> None:
    conll = Path(argv[1]) if len(argv) > 1 else DATA / "conll2003-dev.txt"
    docs = read_conll(conll)
    n_sent = sum(len(d) for d in docs)
    print(f"CoNLL-2003 dev: {len(docs)} documents found, {n_sent} sentences (exact spans)")
    ner.gazetteer()  # load the name lists before timing, as a long-running pipeline would
    known = actors.known_tags(actors.load_aliases())
    taggers: list[tuple[str, Tagger]] = [
        ("rules (default, as find_actors runs them: with the alias book)",
         lambda sentences: ner.tag_document(sentences, known)),
        ("rules without the alias book", ner.tag_document),
    ]
    spacy = spacy_tagger()
    if spacy is not None:
        taggers.append(("spacy en_core_web_sm", spacy))
    for name, tagger in taggers:
        rows, speed = score(docs, tagger)
        print(f"\n{name}")
        print(f"| {'type':<12} | {'P':>5} | {'R':>5} | {'F1':>5} |")
        print(f"|{'-' * 14}|{'-' * 7}|{'-' * 7}|{'-' * 7}|")
        for key, (p, r, f) in rows.items():
            print(f"| {key:<12} | {p:5.1f} | {r:5.1f} | {f:5.1f} |")
        print(f"sentences/s (CPU): {speed:,.0f}   peak RSS so far: {peak_rss_mb():.0f} MB")
    bbc = DATA / "bbc-dev.jsonl"
    if bbc.exists():
        wall, cpu, n_actors = bench_find_actors(bbc)
        print(f"\nfind_actors on 300 BBC articles, 3 points each: {wall:.2f} ms/article wall, "
              f"{cpu:.2f} ms/article CPU, {n_actors} actors; peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main(sys.argv)
