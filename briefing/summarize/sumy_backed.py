"""The sumy algorithms as choosers, run on our own sentences and tokenizer.

sumy's document model is built from our sentences (so nothing needs NLTK's
downloadable data), and each summarizer's own rating of every sentence is
read, so points are picked by `rank_by_score` as for every chooser. Loaded
only when one of these algorithms is asked for: sumy brings NLTK and requests.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from itertools import groupby

from sumy.models.dom import ObjectDocumentModel, Paragraph
from sumy.models.dom import Sentence as SumySentence
from sumy.summarizers.edmundson import EdmundsonSummarizer
from sumy.summarizers.kl import KLSummarizer
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.lsa import LsaSummarizer
from sumy.summarizers.luhn import LuhnSummarizer
from sumy.summarizers.reduction import ReductionSummarizer
from sumy.summarizers.sum_basic import SumBasicSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer

from briefing.actors import tagger as ner
from briefing.models import Document
from briefing.nlp.sentences import Tokenizer
from briefing.nlp.stems import stemmer
from briefing.nlp.tokens import split_words
from briefing.nlp.wordlists import stop_words
from briefing.summarize import Choice, Chooser, rank_by_score


def to_sumy_document(
    document: Document, language: str, with_title: bool = False
) -> ObjectDocumentModel:
    """sumy's document model of our sentences, tokenised by our Tokenizer.

    Its sentences are ours in the same order, so position k in sumy's
    `document.sentences` is our position k. With `with_title`, the title
    is a heading of the first paragraph (what Edmundson's title method reads).
    """
    tokenizer = Tokenizer(language)
    paragraphs = []
    for _paragraph, group in groupby(document.sentences, key=lambda s: s.paragraph):
        sentences = [SumySentence(s.text, tokenizer) for s in group]
        if with_title and not paragraphs and document.title.strip():
            sentences.insert(0, SumySentence(document.title, tokenizer, is_heading=True))
        paragraphs.append(Paragraph(sentences))
    return ObjectDocumentModel(paragraphs)


def sumy_ratings(summarizer: object, sumy_document: ObjectDocumentModel) -> list[float]:
    """The rating a sumy summarizer gives each sentence, in document order.

    sumy computes a rating per sentence, keeps the best and returns them in
    document order, dropping the rating. Every summarizer hands the rating
    (a dict, or a function with its extra arguments) to `_get_best_sentences`,
    so we catch it there and read it for every sentence.
    """
    captured: list[float] = []

    def capture(sentences, _count, rating, *args, **kwargs):
        for sentence in sentences:
            value = rating[sentence] if isinstance(rating, dict) else rating(
                sentence, *args, **kwargs
            )
            captured.append(float(value))
        return ()

    summarizer._get_best_sentences = capture  # type: ignore[attr-defined]
    sentences = sumy_document.sentences
    with warnings.catch_warnings():
        # LexRank divides by zero on a document without content words: NaN, rated 0 below.
        warnings.simplefilter("ignore", RuntimeWarning)
        summarizer(sumy_document, len(sentences))  # type: ignore[operator]
    if len(captured) != len(sentences):  # sumy returned early: nothing to rate
        return [0.0] * len(sentences)
    return [value if math.isfinite(value) else 0.0 for value in captured]


def _edmundson(document: Document, language: str) -> EdmundsonSummarizer:
    """Edmundson with title words as bonus words, stop words as null words, no stigma.

    sumy refuses empty word lists; the empty string matches no word, so adding
    it keeps a list that is empty in effect (no stigma, or no title) working.
    """
    summarizer = EdmundsonSummarizer(stemmer(language))
    summarizer.bonus_words = {*split_words(document.title, language)} - stop_words(language) | {""}
    summarizer.stigma_words = {""}
    summarizer.null_words = stop_words(language) | {""}
    return summarizer


def _plain(summarizer_class: type) -> Callable[[Document, str], object]:
    """A factory for a sumy summarizer that only needs a stemmer and stop words."""

    def build(_document: Document, language: str) -> object:
        summarizer = summarizer_class(stemmer(language))
        summarizer.stop_words = stop_words(language)
        return summarizer

    return build


def sumy_chooser(build: Callable[[Document, str], object], with_title: bool = False) -> Chooser:
    """A chooser ranking sentences by a sumy summarizer's own rating."""

    def choose(
        document: Document, count: int, language: str, tagging: ner.Tagging | None = None
    ) -> list[Choice]:
        sumy_document = to_sumy_document(document, language, with_title)
        scores = sumy_ratings(build(document, language), sumy_document)
        return rank_by_score(document, scores, count, language)

    return choose


lex_rank = sumy_chooser(_plain(LexRankSummarizer))
text_rank = sumy_chooser(_plain(TextRankSummarizer))
lsa = sumy_chooser(_plain(LsaSummarizer))
luhn = sumy_chooser(_plain(LuhnSummarizer))
edmundson = sumy_chooser(_edmundson, with_title=True)
sum_basic = sumy_chooser(_plain(SumBasicSummarizer))
kl = sumy_chooser(_plain(KLSummarizer))
reduction = sumy_chooser(_plain(ReductionSummarizer))
