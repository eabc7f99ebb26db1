"""Stories stage: the day's articles about one event, grouped, their points merged.

Five outlets reporting the same phone call make one story. Articles are
compared by TF-IDF vectors of their title and body; only pairs that share a
distinctive term are ever compared (an inverted index on each article's top
terms), and each with at most MAX_COMPARED others, so the work grows with the
number of articles, not its square. The
points of a story are pooled from all its articles; near-duplicate wordings
collapse into one point that credits every article carrying it.
"""

from __future__ import annotations

import itertools
import math
import operator
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

from briefing.models import Document, KeyPoint, Story, StoryPoint
from briefing.nlp.stems import content_stems

DEFAULT_THRESHOLD = 0.3  # cosine similarity of two articles about one event
DEFAULT_WINDOW_HOURS = 48.0  # articles further apart in time are different events
DEFAULT_POINT_OVERLAP = 0.6  # share of the shorter point's words: the same point
TITLE_WEIGHT = 2.0  # a title says what the story is about more than any body sentence
TOP_TERMS = 20  # distinctive terms per article used to find candidate pairs
MAX_POSTINGS = 500  # a term in more articles than this is too common to find stories by
MAX_COMPARED = 200  # earlier articles an article is compared with, most shared top terms first
NUMPY_FROM = 500  # articles from which numpy compares them; below, importing it takes longer

Vector = dict[str, float]


def term_counts(document: Document, language: str = "english") -> Counter[str]:
    """How often each stem occurs in one document, title stems counted TITLE_WEIGHT times.

    The per-article half of ``term_vectors``: it needs no other article, so it can run
    wherever the article is summarized.
    """
    terms: Counter[str] = Counter()
    for stem in content_stems(document.title, language):
        terms[stem] += TITLE_WEIGHT
    # Sentence by sentence, as the summarizer just read them (content_stems caches them).
    terms.update(itertools.chain.from_iterable(
        content_stems(sentence.text, language) for sentence in document.sentences))
    return terms


def term_vectors(
    documents: Sequence[Document],
    language: str = "english",
    counts: Sequence[Counter[str]] | None = None,
) -> list[Vector]:
    """Unit-length TF-IDF vectors over title and body stems, one per document.

    `counts` are the documents' ``term_counts`` when the caller has them already.
    """
    if counts is None:
        counts = [term_counts(document, language) for document in documents]
    frequency: Counter[str] = Counter()
    for terms in counts:
        frequency.update(terms.keys())
    total = len(documents)
    idf = {term: math.log((1 + total) / (1 + df) + 1.0) for term, df in frequency.items()}
    vectors = []
    log = math.log
    for terms in counts:
        weights = [(1.0 + log(tf)) * idf[term] for term, tf in terms.items()]
        # The same sums and quotients as a loop over the weights, made by map() in C.
        norm = math.sqrt(sum(map(operator.mul, weights, weights))) or 1.0
        vectors.append(dict(zip(terms, map(operator.truediv, weights, itertools.repeat(norm)),
                                strict=False)))
    return vectors


def cosine(a: Vector, b: Vector) -> float:
    """Cosine similarity of two unit vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(weight * b.get(term, 0.0) for term, weight in a.items())


def _close_in_time(a: Document, b: Document, window_hours: float) -> bool:
    first, second = a.article.published, b.article.published
    if first is None or second is None:
        return True
    if (first.tzinfo is None) != (second.tzinfo is None):
        first, second = first.replace(tzinfo=None), second.replace(tzinfo=None)
    return abs((first - second).total_seconds()) <= window_hours * 3600


def cluster_articles(
    documents: Sequence[Document],
    threshold: float = DEFAULT_THRESHOLD,
    window_hours: float = DEFAULT_WINDOW_HOURS,
    language: str = "english",
) -> list[tuple[str, ...]]:
    """Groups of article ids, each group one story (singletons included), in input order."""
    return cluster_vectors(documents, term_vectors(documents, language), threshold, window_hours)


def cluster_vectors(
    documents: Sequence[Document],
    vectors: Sequence[Vector],
    threshold: float = DEFAULT_THRESHOLD,
    window_hours: float = DEFAULT_WINDOW_HOURS,
) -> list[tuple[str, ...]]:
    """cluster_articles over vectors already made: single-link above `threshold`.

    Each article is compared with at most MAX_COMPARED earlier ones, those sharing the most
    of its top terms, so the work stays linear in the number of articles.
    """
    parent = list(range(len(documents)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    postings: dict[str, list[int]] = defaultdict(list)
    matrix = _SparseRows(vectors)
    for i, vector in enumerate(vectors):
        top = sorted(vector, key=vector.__getitem__, reverse=True)[:TOP_TERMS]
        # The earlier articles of each top term not yet too common, counted in one go (the
        # same counts, first seen in the same order); then this article joins those terms.
        open_terms = [postings[term] for term in top if len(postings[term]) < MAX_POSTINGS]
        shared: Counter[int] = Counter(itertools.chain.from_iterable(open_terms))
        for found in open_terms:
            found.append(i)
        candidates = [j for j, _ in shared.most_common(MAX_COMPARED)]
        for j, similarity in zip(candidates, matrix.cosines(i, candidates), strict=True):
            if (
                similarity >= threshold
                and root(i) != root(j)
                and _close_in_time(documents[i], documents[j], window_hours)
            ):
                parent[root(i)] = root(j)
    groups: dict[int, list[str]] = defaultdict(list)
    for i, document in enumerate(documents):
        groups[root(i)].append(document.id)
    return [tuple(ids) for ids in groups.values()]


class _SparseRows:
    """The vectors as arrays of term numbers and weights, for many cosines in one numpy call.

    Comparing an article with its candidates one dict at a time was most of the stage's time.
    A day of fewer than NUMPY_FROM articles is compared in Python, summed the way numpy sums,
    so the similarities are the same to the last bit and small days need not import numpy.
    """

    def __init__(self, vectors: Sequence[Vector]) -> None:
        self._vectors = vectors
        self._np = None
        if len(vectors) < NUMPY_FROM:
            return
        import numpy as np

        self._np = np
        # Every vector's term numbers and weights in one array each, then a view per vector.
        terms = dict.fromkeys(itertools.chain.from_iterable(vectors))
        numbers = dict(zip(terms, itertools.count()))
        total = sum(map(len, vectors))
        all_terms = np.fromiter(map(numbers.__getitem__, itertools.chain.from_iterable(vectors)),
                                np.intp, total)
        all_weights = np.fromiter(
            itertools.chain.from_iterable(v.values() for v in vectors), np.float64, total)
        ends = list(itertools.accumulate(map(len, vectors)))
        spans = [(end - len(v), end) for v, end in zip(vectors, ends, strict=True)]
        self._terms = [all_terms[start:end] for start, end in spans]
        self._weights = [all_weights[start:end] for start, end in spans]
        self._all_terms, self._all_weights = all_terms, all_weights
        self._lengths = np.fromiter(map(len, vectors), np.intp, len(vectors))
        self._starts = np.cumsum(self._lengths) - self._lengths  # where each vector begins
        self._row = np.zeros(len(numbers))  # one article's vector, spelt out in full

    def cosines(self, i: int, others: Sequence[int]) -> list[float]:
        """Cosine of vector i with each of `others` (all unit vectors, none empty)."""
        if not others:
            return []
        np = self._np
        if np is None:
            row = self._vectors[i]
            return [numpy_sum([row.get(term, 0.0) * weight
                               for term, weight in self._vectors[j].items()]) for j in others]
        # The others' entries one after another, gathered by one index array instead of a
        # list of slices joined: for each position, its vector's start plus its rank within.
        chosen = np.fromiter(others, np.intp, len(others))
        lengths = self._lengths[chosen]
        ends = np.cumsum(lengths)
        starts = ends - lengths  # where each of the others begins among them all
        positions = np.repeat(self._starts[chosen] - starts, lengths) + np.arange(ends[-1])
        terms = self._all_terms[positions]
        weights = self._all_weights[positions]
        self._row[self._terms[i]] = self._weights[i]
        products = self._row[terms] * weights
        self._row[self._terms[i]] = 0.0
        return np.add.reduceat(products, starts).tolist()


def numpy_sum(values: Sequence[float]) -> float:
    """The sum of `values` (at least one) as numpy's ``add.reduce`` makes it, bit for bit:
    the first value plus the pairwise sum of the others."""
    return values[0] + _pairwise_sum(values, 1, len(values) - 1)


def _pairwise_sum(values: Sequence[float], start: int, count: int) -> float:
    """numpy's pairwise_sum over values[start:start + count]: one by one under 8, eight running
    sums up to 128, and above that the two halves (cut at a multiple of 8) summed apart."""
    if count < 8:
        total = 0.0
        for value in values[start : start + count]:
            total += value
        return total
    if count <= 128:
        r0, r1, r2, r3, r4, r5, r6, r7 = values[start : start + 8]
        end = start + count - count % 8
        for block in range(start + 8, end, 8):
            r0 += values[block]
            r1 += values[block + 1]
            r2 += values[block + 2]
            r3 += values[block + 3]
            r4 += values[block + 4]
            r5 += values[block + 5]
            r6 += values[block + 6]
            r7 += values[block + 7]
        total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        for value in values[end : start + count]:
            total += value
        return total
    half = count // 2
    half -= half % 8
    return _pairwise_sum(values, start, half) + _pairwise_sum(values, start + half, count - half)


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of the smaller set's words in the other: 1.0 when one point contains the other."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


class PointIndex:
    """Points seen so far, found again by shared words without comparing against them all."""

    def __init__(self) -> None:
        self._sizes: list[int] = []  # words per point
        self._postings: dict[str, list[int]] = defaultdict(list)

    def matches(
        self, words: frozenset[str], same_point: float = DEFAULT_POINT_OVERLAP
    ) -> list[int]:
        """Positions of the points added that share `same_point` of the shorter one's words."""
        postings = self._postings
        # One count over all the words' postings: the same counts, in the same order, without
        # a Counter.update call per word.
        shared = Counter(itertools.chain.from_iterable(
            map(postings.get, words, itertools.repeat(()))))
        size, sizes = len(words), self._sizes
        # A point sharing `count` words matches when count / min(size, its size) >= same_point.
        # The quotient falls as the divisor grows, so for each count there is a largest divisor
        # that passes, found with that very quotient: one comparison of sizes per point.
        largest = _largest_divisors(size, same_point)
        return [i for i, count in shared.items() if sizes[i] <= largest[count]]

    def repeats(self, words: frozenset[str], same_point: float = DEFAULT_POINT_OVERLAP) -> bool:
        """True when a point already added says the same as this one."""
        return bool(self.matches(words, same_point))

    def add(self, words: frozenset[str]) -> None:
        """Add a point; only a word's first MAX_POSTINGS points are ever looked at again."""
        position = len(self._sizes)
        postings = self._postings
        for word in words:
            found = postings[word]
            if len(found) < MAX_POSTINGS:
                found.append(position)
        self._sizes.append(len(words))


@lru_cache(maxsize=256)
def _largest_divisors(size: int, same_point: float) -> tuple[float, ...]:
    """For each count of shared words up to `size`, the largest point size m for which
    count / min(size, m) >= same_point, as ``PointIndex.matches`` tests it; infinite when
    even min(size, m) = size passes."""
    largest: list[float] = [0.0]
    for count in range(1, size + 1):
        if count / size >= same_point:
            largest.append(math.inf)
        else:
            largest.append(max((m for m in range(1, size) if count / m >= same_point),
                               default=0))
    return tuple(largest)


PointWords = Mapping[tuple[str, int], frozenset[str]]  # (article id, index) -> its stems


def point_words(
    points: Iterable[KeyPoint], language: str = "english"
) -> dict[tuple[str, int], frozenset[str]]:
    """Each point's content stems, keyed (article id, sentence index): what merging compares.

    Made where the point is chosen, so the stems of a day's candidates are made once.
    """
    return {(p.article_id, p.index): frozenset(content_stems(p.text, language)) for p in points}


def merge_points(
    ranked: Mapping[str, Sequence[KeyPoint]],
    article_ids: Sequence[str],
    count: int,
    language: str = "english",
    same_point: float = DEFAULT_POINT_OVERLAP,
    words: PointWords | None = None,
) -> tuple[StoryPoint, ...]:
    """The story's `count` best points, pooled from its articles, near-duplicates merged.

    Each article's candidates are taken best first, round-robin across the
    articles. A point that several outlets carry outranks one only a single
    outlet has; among its wordings the best-ranked, then the shortest, is kept.
    """
    groups: list[dict] = []
    depth = max((len(ranked.get(a, ())) for a in article_ids), default=0)
    for rank in range(depth):
        for article_id in article_ids:
            candidates = ranked.get(article_id, ())
            if rank >= len(candidates):
                continue
            point = candidates[rank]
            stems = point_stems(point, words, language)
            match = next((g for g in groups if overlap(stems, g["words"]) >= same_point), None)
            if match is None:
                groups.append({"words": stems, "members": [(rank, point)], "order": len(groups)})
            else:
                match["members"].append((rank, point))
    for group in groups:
        group["sources"] = tuple(dict.fromkeys(p.article_id for _, p in group["members"]))
        group["best"] = min(group["members"], key=lambda m: (m[0], len(m[1].text)))[1]
        group["rank"] = min(rank for rank, _ in group["members"])
    chosen = sorted(groups, key=lambda g: (-len(g["sources"]), g["rank"], g["order"]))[:count]
    chosen.sort(key=lambda g: g["order"])  # keep the order the points were found in
    return tuple(
        StoryPoint(g["best"], (g["best"].article_id,) + tuple(
            s for s in g["sources"] if s != g["best"].article_id))
        for g in chosen
    )


def point_stems(point: KeyPoint, words: PointWords | None, language: str) -> frozenset[str]:
    """A point's stems from ``point_words`` when made already, else made now."""
    known = words.get((point.article_id, point.index)) if words is not None else None
    return known if known is not None else frozenset(content_stems(point.text, language))


def central_title(documents: Sequence[Document], vectors: Sequence[Vector]) -> str:
    """The title of the article closest to the story's centroid."""
    centroid: Counter[str] = Counter()
    for vector in vectors:
        centroid.update(vector)
    best = max(range(len(documents)), key=lambda i: (cosine(vectors[i], centroid), -i))
    return documents[best].title


def build_stories(
    documents: Sequence[Document],
    ranked: Mapping[str, Sequence[KeyPoint]],
    count: int,
    *,
    cluster: bool = True,
    threshold: float = DEFAULT_THRESHOLD,
    window_hours: float = DEFAULT_WINDOW_HOURS,
    language: str = "english",
    counts: Sequence[Counter[str]] | None = None,
    words: PointWords | None = None,
) -> tuple[Story, ...]:
    """Stories, most-covered first, each with up to `count` merged points.

    With `cluster` off every article is its own story, so the briefing lists
    each article's own points. `counts` are the documents' ``term_counts`` and `words`
    the points' ``point_words``, if made already.
    """
    if words is None:
        words = point_words((p for points in ranked.values() for p in points), language)
    vectors = term_vectors(documents, language, counts) if cluster else []
    if cluster:
        groups = cluster_vectors(documents, vectors, threshold, window_hours)
    else:
        groups = [(document.id,) for document in documents]
    position = {document.id: i for i, document in enumerate(documents)}
    groups.sort(key=len, reverse=True)  # stable: equal sizes keep input order
    stories = []
    seen = PointIndex()
    for number, ids in enumerate(groups, start=1):
        members = [documents[position[i]] for i in ids]
        title = members[0].title if len(members) == 1 else central_title(
            members, [vectors[position[i]] for i in ids])
        points = []
        for story_point in merge_points(ranked, ids, count, language, words=words):
            stems = point_stems(story_point.point, words, language)
            if cluster and seen.repeats(stems):
                continue  # another story already says this
            seen.add(stems)
            points.append(story_point)
        stories.append(Story(f"story-{number}", title, tuple(ids), tuple(points)))
    return tuple(stories)
