"""Text stage: from an article's raw body to clean paragraphs and sentences.

Scraped pages carry furniture ("Spread the love", "Like it? Share with your
friends!", bylines, photo credits, "Read more" links). It is recognised by
shape and wording, never by listing one site's lines, and dropped here so no
later stage can pick it as a key point.
"""

from __future__ import annotations

import re
import unicodedata

from briefing.models import Article, Document, Sentence
from briefing.nlp.sentences import split_sentences

_BLANK_LINE = re.compile(r"\n\s*\n")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200e\u200f\ufeff]")
# Runs of spaces, and any other space character; a single plain space, the commonest
# character of all, matches nothing, so is not replaced by itself.
_SPACES = re.compile(r"[ \t\u00a0\u2009\u202f]{2,}|[\t\u00a0\u2009\u202f]")
_TERMINAL = re.compile(r"[.!?…]['\"’”»)\]]*$")
_WORD = re.compile(r"\w+")

# Calls to action and page chrome. A short paragraph opening with one of these,
# or made mostly of them, is furniture rather than reporting.
_CHROME_OPENERS = re.compile(
    r"^\W*(share|shares|tweet|subscribe|follow us|follow me|sign up|signup|click|tap|"
    r"download|read more|read next|read also|more:|related|see also|watch|listen|"
    r"advertisement|advertising|sponsored|promoted|like it\b|like us|join us|donate|"
    r"support us|comments?\b|leave a (comment|reply)|print\b|email (this|to a friend)|"
    r"copyright|©|all rights reserved|photo|picture|image|video|credit|getty|"
    r"skip to|back to top|cookie|accept|previous|next (article|story)|tags?:|filed under|"
    r"posted (in|on|by)|updated|published|by\s+[A-Z][\w.'-]+(\s+[A-Z][\w.'-]+){0,3}\s*$)",
    re.IGNORECASE,
)
_CHROME_WORDS = re.compile(
    r"\b(share|subscribe|newsletter|follow us|friends|spread the love|like us|"
    r"facebook|twitter|whatsapp|linkedin|pinterest|instagram|telegram|"
    r"click here|sign up|inbox|cookies?|advert\w*)\b",
    re.IGNORECASE,
)
_SHORT = 12  # words; real news sentences are rarely this short AND chrome-worded
# More than _SHORT words, found without counting all of a long paragraph's words.
_LONGER = re.compile(rf"\W*\w+(?:\W+\w+){{{_SHORT}}}")


def clean_text(raw: str) -> str:
    """Normalise Unicode, line ends and spacing; keep blank lines between paragraphs."""
    text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACES.sub(" ", _CONTROL.sub("", text))  # _SPACES never spans a line end
    lines = [line.strip() for line in text.split("\n")]
    return "\n".join(lines).strip()


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs separated by blank lines.

    Inside a block, lines are joined unless every line ends like a sentence,
    which is how pages that put one paragraph per line arrive.
    """
    paragraphs: list[str] = []
    for block in _BLANK_LINE.split(text):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if len(lines) > 1 and all(_TERMINAL.search(line) for line in lines):
            paragraphs.extend(lines)
        else:
            paragraphs.append(" ".join(lines))
    return paragraphs


def is_furniture(paragraph: str) -> bool:
    """True for page chrome: share prompts, bylines, credits, headings, link lines."""
    if _LONGER.match(paragraph):
        return False
    if not _WORD.search(paragraph):
        return True
    if _CHROME_OPENERS.search(paragraph) or _CHROME_WORDS.search(paragraph):
        return True
    # A short line that does not end like a sentence is a heading or a label.
    return not _TERMINAL.search(paragraph)


def to_document(article: Article, language: str = "english") -> Document:
    """Clean an article's body and split it into numbered sentences."""
    sentences: list[Sentence] = []
    kept = (p for p in split_paragraphs(clean_text(article.text)) if not is_furniture(p))
    for paragraph_number, paragraph in enumerate(kept):
        for text in split_sentences(paragraph, language):
            if is_furniture(text):
                continue
            sentences.append(Sentence(len(sentences), paragraph_number, text))
    return Document(article=article, sentences=tuple(sentences))
