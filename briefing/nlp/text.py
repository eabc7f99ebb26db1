"""Text stage: from an article's raw body to clean paragraphs and sentences.

Scraped pages carry furniture ("Spread the love", "Like it? Share with your
friends!", bylines, photo credits, "Read more" links, a dateline such as
"(CNN)" or "LONDON (Reuters) -" before the first word, a "By . Author .
PUBLISHED: ..." header, photo captions). It is recognised by shape and
wording, never by listing one site's lines, and dropped here so no later
stage can pick it as a key point.
"""

from __future__ import annotations

import re
import string
import unicodedata

from briefing.models import Article, Document, Sentence
from briefing.nlp.sentences import split_sentences
from briefing.nlp.wordlists import word_set

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
    r"posted (in|on|by)|updated|last updated|published|"
    r"by\s+[A-Z][\w.'-]+(\s+[A-Z][\w.'-]+){0,3}\s*$)",
    re.IGNORECASE,
)
# Words of page chrome, matched whole and case-blind; the last two also with an ending.
_CHROME_WORD_LIST = (
    "share", "subscribe", "newsletter", "follow us", "friends", "spread the love", "like us",
    "facebook", "twitter", "whatsapp", "linkedin", "pinterest", "instagram", "telegram",
    "click here", "sign up", "inbox", "cookie", "advert",
)
_CHROME_WORDS = re.compile(
    rf"\b(?:{'|'.join(_CHROME_WORD_LIST[:-2])}|cookies?|advert\w*)\b", re.IGNORECASE
)
# The only characters besides A-Z that the case-blind pattern takes for ASCII letters (for "i",
# "s" and "k"). Without them a match is one of the words in the lower-cased text, and `in`
# finds that out forty times faster than the pattern, which tries every position.
_FOLDS_TO_ASCII = "İıſK"
# Calls to action that make a sentence furniture however long it runs on: a "Read more:"
# link line glued to the next sentence is still a link line.
_ACTIONS = (r"click here", r"read more\b", r"read next\b", r"scroll down", r"watch the video",
            r"sign up (?:for|to) (?:our|the)", r"follow us\b", r"share this")
_ACTION_OPENER = rf"\W*+(?:{'|'.join(_ACTIONS)})"
# The same calls standing inside a sentence, and credits in brackets: cut out, the rest kept.
# Possessive: neither alternative starts with a space, so giving back none of the spaces
# changes no match, and spares the engine retrying them at every space of the text.
_INLINE_CHROME = re.compile(
    r"\s*+(?:\bscroll down for (?:video|videos|more)\b[.:]?|"
    r"\((?:photo|picture|image|video)s?(?: credit)?:[^()]{1,60}\))",
    re.IGNORECASE,
)
# _INLINE_CHROME tries every position of a paragraph; one with neither of these cannot match,
# and they are found faster: the scroll call lower-cased, without the "s" the pattern also
# matches as "ſ", by `in`; a credit's bracket by a pattern that skips from bracket to bracket.
_SCROLL_HINT = "croll down for"
_CREDIT_HINT = re.compile(r"\((?i:photo|picture|image|video)")
# A dateline before the first word: "(CNN)", "LONDON (Reuters) -", "Canberra,
# Australia (CNN) --", "Omaha, Nebraska (the Prairie Desk)Text", "March 10, 2015 .".
# After place words the bracket runs into the story's capital or into a dash or colon;
# "The Harbour Commission (HC) has ..." spells out a name, and is the story.
_DATELINE = re.compile(
    r"^(?:\((?:the )?[A-Z][\w .&'’/-]{0,40}\)"
    r"|(?:[A-Z][\w.'’-]*,? ){1,4}\((?:the )?[A-Z][\w .&'’/-]{0,40}\)"
    r"(?=\s?[A-Z\"“‘']|\s*(?:--|[-—–:](?=\s)))"
    r"|(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December) \d{1,2}, \d{4}\s+(?=[-—–.:]))\s*(?:--|[-—–:.](?=\s))?\s*"
)
# A page header whose parts the page separated with " . " or " | ": "By . Author .",
# "PUBLISHED: . 09:42 EST, 12 March 2014 .", "Last updated at 6:05 PM on 9th May 2012 .".
_HEADER_SEPARATOR = re.compile(r"\s+[.|]\s+")
_BYLINE_PART = re.compile(r"^(?:and |for )?[A-Z][\w'’-]*(?: (?:[A-Z][\w'’-]*|and|for|in|&))*$")
_STAMP_PART = re.compile(
    r"^(?:By|\||PUBLISHED:?|UPDATED:?|(?:Last )?updated(?: at| on)?\b.*\d{4}|"
    r"\d{1,2}:\d{2}(?: [AP]M)?(?: [A-Z]{2,4})?,? .*\d{4})$",
    re.IGNORECASE,
)
_HEADER_START = re.compile(r"^(?:By\b|PUBLISHED\b|UPDATED\b|Last updated\b)")
_BYLINE_WORDS = 6  # longest byline part; a longer capitalised run is a headline or a sentence

# A caption's label: one or two words, the first capitalised, then a colon and a capital
# (`Mr Lee: "We will win."` quotes a speaker; a caption describes).
_CAPTION_LABEL = re.compile(r"^([A-Z][\w'’-]*(?: [\w'’-]+)?): [A-Z0-9]")

_SHORT = 12  # words; real news sentences are rarely this short AND chrome-worded
# More than _SHORT words, found without counting all of a long paragraph's words.
_LONGER = rf"\W*+\w++(?:\W++\w++){{{_SHORT}}}"
# One look at a paragraph's opening: a call to action (furniture however long it runs), else
# more than _SHORT words (reporting), else neither. One match where two were tried in turn.
_OPENING = re.compile(rf"(?P<action>(?i:{_ACTION_OPENER}))|{_LONGER}")
_LONG = re.compile(_LONGER)
# In a text that is all ASCII the ASCII classes match alike, and are quicker to test.
_LONG_ASCII = re.compile(_LONGER, re.ASCII)
# The letters a call to action can open with, as the case-blind pattern matches them (made
# from _ACTIONS, so a new call is never skipped): a text that opens with any other letter or
# digit skips their alternatives.
_ACTION_INITIALS = frozenset(
    letter for letter in (*string.ascii_letters, *_FOLDS_TO_ASCII)
    if any(re.fullmatch(action[0], letter, re.IGNORECASE) for action in _ACTIONS)
)


def clean_text(raw: str) -> str:
    """Normalise Unicode, line ends and spacing; keep blank lines between paragraphs."""
    text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n").replace("\r", "\n")
    # Control characters and every space but " " are unprintable: a text printable but for
    # its line ends, as most are, is checked at C speed and can hold only runs of spaces.
    if not text.replace("\n", "").isprintable():
        text = _SPACES.sub(" ", _CONTROL.sub("", text))  # _SPACES never spans a line end
    elif "  " in text:
        text = _SPACES.sub(" ", text)
    lines = [line.strip() for line in text.split("\n")]
    return "\n".join(lines).strip()


def strip_header(text: str) -> str:
    """The body without the dateline or "By . Author . PUBLISHED: ..." header it opens with.

    A header is read part by part, each ended by " . " or " | ": "By", a
    byline of a few capitalised words, a PUBLISHED/UPDATED label, a time
    stamp. The first part that is none of these is the story's first sentence.
    """
    text = text.lstrip()
    if _HEADER_START.match(text):
        position = 0
        byline_allowed = False
        for separator in _HEADER_SEPARATOR.finditer(text):
            part = text[position : separator.start()].strip()
            if _STAMP_PART.match(part):
                byline_allowed = part.lower() == "by"
            elif not (byline_allowed and _BYLINE_PART.match(part)
                      and len(part.split()) <= _BYLINE_WORDS):
                break
            position = separator.end()
        text = text[position:]
    return _DATELINE.sub("", text, count=1)


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs separated by blank lines.

    Inside a block, lines are joined unless every line ends like a sentence,
    which is how pages that put one paragraph per line arrive.
    """
    paragraphs: list[str] = []
    for block in _BLANK_LINE.split(text):
        if "\n" not in block:  # one line, the commonest block
            line = block.strip()
            if line:
                paragraphs.append(line)
            continue
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if len(lines) > 1 and all(_TERMINAL.search(line) for line in lines):
            paragraphs.extend(lines)
        else:
            paragraphs.append(" ".join(lines))
    return paragraphs


def remove_inline_chrome(paragraph: str) -> str:
    """The paragraph without calls such as "Scroll down for video" or bracketed photo credits."""
    if _CREDIT_HINT.search(paragraph) is None and _SCROLL_HINT not in paragraph.lower():
        return paragraph
    return _INLINE_CHROME.sub("", paragraph)


def _has_chrome_words(text: str) -> bool:
    """Whether `_CHROME_WORDS` matches `text`, looked for by `in` first."""
    if text.isascii() or not any(map(text.__contains__, _FOLDS_TO_ASCII)):
        lowered = text.lower()
        if not any(map(lowered.__contains__, _CHROME_WORD_LIST)):
            return False
    return _CHROME_WORDS.search(text) is not None


def is_furniture(paragraph: str) -> bool:
    """True for page chrome: share prompts, bylines, credits, headings, link lines."""
    first = paragraph[:1]
    if first in _ACTION_INITIALS or not (first.isalnum() or first == "_"):
        opening = _OPENING.match(paragraph)
        if opening is not None:
            return opening.group("action") is not None
    elif (_LONG_ASCII if paragraph.isascii() else _LONG).match(paragraph):
        return False
    if not _WORD.search(paragraph):
        return True
    if _CHROME_OPENERS.search(paragraph) or _has_chrome_words(paragraph):
        return True
    # A short line that does not end like a sentence is a heading or a label.
    return not _TERMINAL.search(paragraph)


def is_caption(sentence: str, language: str = "english") -> bool:
    """True for a photo caption: a short label, a colon, then a capitalised description.

    "Wrong move: The teacher reportedly ...", "Speaking out: Davis said ...".
    A label that reports speech ("Mr Lee said: ...", "He added: ...") is the
    story's own sentence, not a caption.
    """
    if ": " not in sentence:
        return False  # no label; `in` tells faster than the pattern
    match = _CAPTION_LABEL.match(sentence)
    if match is None:
        return False
    label = {word.lower() for word in match.group(1).split()}
    return not label & word_set("speech_verbs", language)


def to_document(article: Article, language: str = "english") -> Document:
    """Clean an article's body and split it into numbered sentences.

    Furniture goes: the opening dateline and header, link lines, credits,
    calls to action, and captions that open with a label ("Wrong move: The
    teacher ..."). A caption that is its own paragraph and only describes
    (a long line without a final stop) stays: it reads alone, and the
    splitter keeps it from running into the body (`split_sentences`).
    """
    paragraphs = [
        remove_inline_chrome(paragraph)
        for paragraph in split_paragraphs(strip_header(clean_text(article.text)))
    ]
    kept = [p for p in paragraphs if not is_furniture(p)]
    sentences: list[Sentence] = []
    for paragraph_number, paragraph in enumerate(kept):
        for text in split_sentences(paragraph, language):
            if is_furniture(text) or is_caption(text, language):
                continue
            sentences.append(Sentence(len(sentences), paragraph_number, text))
    return Document(article=article, sentences=tuple(sentences))
