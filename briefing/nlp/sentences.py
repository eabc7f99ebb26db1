"""Split paragraphs into sentences and sentences into words, in pure Python.

The text stage and the summarizers need sentences and words. sumy's own
Tokenizer relies on NLTK's punkt data, which must be downloaded at run time,
so this module replaces it with compiled regular expressions, abbreviation
tables and a few rules tuned for news copy (titles, initials, money,
quotations, lists). `Tokenizer` is a drop-in for sumy's Tokenizer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from briefing.nlp.languages import language_name
from briefing.nlp.tokens import split_words
from briefing.nlp.wordlists import word_set

__all__ = ["Tokenizer", "split_sentences"]

# --- Candidate boundaries -------------------------------------------------

# Terminal punctuation (spaced ellipses ". . ." included), the quotes and
# brackets that close it (German closes with “ and ‘), then the gap before the
# next sentence.
_CLOSED_GAP = r"([\"'”’“‘»)\]]*(?:[ \u00a0\u202f]»)?)\s+(?=\S)"
_CANDIDATE = re.compile(r"([.!?…]+(?: [.…]+)*)" + _CLOSED_GAP)
# The same in a text with no "!", "?" or "…": a pattern that opens with one character is
# scanned for it at C speed, and one that opens with a set of them three times slower.
_PERIOD_CANDIDATE = re.compile(r"(\.[.!?…]*(?: [.…]+)*)" + _CLOSED_GAP)
# The next token, up to whitespace.
_TOKEN = re.compile(r"\S+")
_OPENERS = "\"'“‘«„‚([{"
_TRAILING = ".,;:!?\"'”’»)]}"
# A sentence so far that is only a list marker: "1.", "2.)", "a.", "• 9.".
_LIST_MARKER = re.compile(r"[•⁃‣▪◦*-]?\s*(?:\d{1,3}|[A-Za-z])[.)]+")
# Abbreviations spelt with inner periods: "U.S", "e.g", "a.m", "z.B".
_DOTTED = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")
_HAS_WORD = re.compile(r"[^\W_]")

# --- Lists inside a paragraph ------------------------------------------------

# A paragraph that opens a list: "1. ", "1.) ", "1) ", "a. ", "• 9. ".
_LIST_START = re.compile(r"\s*(?:[•⁃‣▪◦]\s*)?(\d{1,2}|[a-z])(\.\)|\.|\))\s")
_BULLET = re.compile(r"(?<=\s)(?=[•⁃‣▪◦])")
_BULLETS = "•⁃‣▪◦"

# --- Quotations ---------------------------------------------------------------

# Each pattern opens with the quote mark itself and looks behind it afterwards: the engine
# then skips to the next quote mark at C speed instead of trying the look-behind at every
# character, three times faster.
_QUOTES = "\"“«„‚‘'"
# An opening quote: at the start or after space, a bracket or a dash, and
# followed by text (or by a space after a French «).
# "Not after anything but a space, bracket or dash" covers the text's start in one look-behind.
_QUOTE_OPEN = re.compile(rf"([{_QUOTES}])(?<![^\s(\[{{—–-][{_QUOTES}])(?:(?=\S)|(?<=«))")


@cache
def _opening_of(quote: str) -> re.Pattern[str]:
    """`_QUOTE_OPEN` for one quote mark, compiled when first needed.

    Most texts open quotations with one mark only, and a pattern that opens with one character
    is scanned for it at C speed, where a set of them costs more.
    """
    return re.compile(rf"({quote})(?<![^\s(\[{{—–-]{quote})(?:(?=\S)|(?<=«))")


def _closing(marks: str) -> re.Pattern[str]:
    """One of `marks` after text (not after a space), not followed by a letter."""
    return re.compile(rf"[{marks}](?<=\S[{marks}])(?!\w)")


# The closing quote for each opening one: after text, not followed by a letter
# (so "don't" and "BA's" are apostrophes, not quotes).
_QUOTE_CLOSE = {
    '"': _closing('"”'),
    "“": _closing('”"'),
    "«": re.compile(r"»"),
    "„": _closing('“”"'),
    "‚": _closing("‘’"),
    "‘": _closing("’'"),
    "'": _closing("’'"),
}
# The same quote mark opening again before the closing one: a new quotation.
_QUOTE_REOPEN = {quote: re.compile(rf"{quote}(?<=\s{quote})(?=\S)") for quote in _QUOTE_CLOSE}
_SHORT_QUOTE_SENTENCES = 2  # quotations this long or shorter stay whole

# --- Words --------------------------------------------------------------------

# Numbers with decimal points or thousands separators ("4.3", "1,000",
# "1.97bn"), or words, either joined by apostrophes or hyphens.

# --- Language tables ------------------------------------------------------------

@dataclass(frozen=True)
class _Rules:
    """The abbreviation tables one language splits with."""

    prepositive: frozenset[str]  # always before a name or number: never a sentence end
    abbreviations: frozenset[str]  # may end a sentence, where an opener follows
    number_prefixes: frozenset[str]  # "No. 10", "p. 55"
    starters: frozenset[str]  # words that commonly open a sentence
    ordinal_followers: frozenset[str] = frozenset()  # "3. Oktober": not an end
    known: frozenset[str] = field(init=False, repr=False)  # every key of the tables above

    def __post_init__(self) -> None:
        # Every key any table knows: a token outside it is a plain word, and a period after
        # a plain word ends its sentence, decided by this one set look-up.
        known = self.prepositive | self.abbreviations | self.number_prefixes
        object.__setattr__(self, "known", known)


@cache
def _rules_for(language: str) -> _Rules:
    """A language's tables (`briefing/data/words/<language>/`), each on top of the English
    ones, as news in any language quotes English names and titles; English for a language
    we have no tables for."""
    name = language_name(language)

    def both(list_name: str) -> frozenset[str]:
        return word_set(list_name, "english") | word_set(list_name, name)

    return _Rules(
        prepositive=both("abbreviations_before_names"),
        abbreviations=both("abbreviations"),
        number_prefixes=both("number_prefixes"),
        starters=both("sentence_openers"),
        ordinal_followers=word_set("ordinal_followers", name),
    )


# --- Sentences -----------------------------------------------------------------


def _is_abbreviation(token: str, rules: _Rules) -> bool:
    """Whether a token seen before a period is an abbreviation, not a word."""
    if len(token) == 1:
        return token.isalpha()  # an initial or a list letter
    key = token.lower()
    return key in rules.abbreviations or key in rules.prepositive or bool(_DOTTED.fullmatch(token))


def _period_ends_sentence(text: str, start: int, after: int, rules: _Rules) -> bool:
    """Whether a lone period at `start` ends a sentence, given the token at `after`."""
    token = text[text.rfind(" ", 0, start) + 1 : start]
    if "\n" in token:
        token = token[token.rfind("\n") + 1 :]
    token = token.lstrip(_OPENERS)
    if not token:
        return True
    key = token.lower()
    if (key not in rules.known and len(token) > 1 and "." not in token
            and not (rules.ordinal_followers and token.isdigit())):
        return True  # a plain word: no table knows it, and it is no initial or "U.S"
    if key in rules.prepositive:
        return False
    following = text[after]
    if following.isdigit():
        return not (key in rules.number_prefixes or _is_abbreviation(token, rules))
    next_token = _TOKEN.match(text, after).group()
    if token.isdigit() and next_token.rstrip(_TRAILING).lower() in rules.ordinal_followers:
        return False
    if not _is_abbreviation(token, rules):
        return True
    if not following.isalpha():
        return True  # an abbreviation before a quote or bracket ends its sentence
    next_word = next_token.rstrip(_TRAILING)
    if len(next_word) == 1 and next_token[1:2] == ".":
        return False  # another initial: "J. K. Rowling"
    return next_word in rules.starters


def _ellipsis_end(text: str, start: int, punct: str) -> int | None:
    """Where a sentence ends at an ellipsis; None when the ellipsis is inside one.

    "..." or "…" before a capital ends a sentence; ". . ." set in spaces marks
    words left out of a quotation; a period and then an ellipsis ("word. . . .")
    ends the sentence at that first period.
    """
    dots = punct.count(".") + 3 * punct.count("…")
    if " " not in punct:
        return start + len(punct)
    attached = start > 0 and not text[start - 1].isspace()
    if attached and dots >= 4:
        return start + 1
    if not attached and dots >= 4:
        return start + len(punct)
    return None


def _sentence_ends(text: str, rules: _Rules) -> list[int]:
    """Offsets just past the end of each sentence but the last in a list-free chunk."""
    ends: list[int] = []
    sentence_start = 0
    candidates = _CANDIDATE if "!" in text or "?" in text or "…" in text else _PERIOD_CANDIDATE
    for match in candidates.finditer(text):
        after = match.end()
        if text[after].islower():
            continue  # "Yahoo! in", "'Great.' she said", "co. at noon"
        start = match.start()
        if start and text[start - 1] == "[":
            continue  # an editorial "[...]"
        end = match.end(2)  # past the quotes and brackets that close the sentence
        if start - sentence_start <= 5 and _LIST_MARKER.fullmatch(text, sentence_start, end):
            continue  # a list item's number, not a sentence
        punct = match.group(1)
        if punct == ".":  # the commonest case first
            if end == start + 1 and not _period_ends_sentence(text, start, after, rules):
                continue
        elif "!" not in punct and "?" not in punct:
            ellipsis_end = _ellipsis_end(text, start, punct)
            if ellipsis_end is None:
                continue
            if ellipsis_end != start + len(punct):
                end = ellipsis_end  # inside the punctuation: "word. . . ." ends at its period
        ends.append(end)
        sentence_start = after
    return ends


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """(opening, closing) offsets of each complete, outermost quotation."""
    spans: list[tuple[int, int]] = []
    opened = [quote for quote in _QUOTES if quote in text and _opening_of(quote).search(text)]
    if not opened:
        return spans
    opening_pattern = _opening_of(opened[0]) if len(opened) == 1 else _QUOTE_OPEN
    position = 0
    while True:
        opening = opening_pattern.search(text, position)
        if opening is None:
            return spans
        quote = opening.group(1)
        closing = _QUOTE_CLOSE[quote].search(text, opening.end())
        if closing is None or _QUOTE_REOPEN[quote].search(text, opening.end(), closing.start()):
            # Unclosed, or a new quotation opens first: a quotation running on
            # across paragraphs, which news writers leave open.
            position = opening.end()
            continue
        spans.append((opening.start(1), closing.start()))
        position = closing.end()


def _keep_short_quotes_whole(text: str, ends: list[int]) -> list[int]:
    """Drop the ends inside quotations of one or two sentences."""
    if not ends:
        return ends
    inside: set[int] = set()
    for opening, closing in _quote_spans(text):
        within = [end for end in ends if opening < end <= closing]
        if len(within) + 1 <= _SHORT_QUOTE_SENTENCES:
            inside.update(within)
    return [end for end in ends if end not in inside] if inside else ends


def _list_chunks(paragraph: str) -> list[str]:
    """Cut a paragraph before each bullet, or else before each next item of a list.

    A list is recognised only when the paragraph opens with its first marker
    ("1.", "1)", "1.)", "a."), and an item only when its marker follows on from
    the one before, so numbers in running text are left alone.
    """
    if any(map(paragraph.__contains__, _BULLETS)):  # `in` for each: C speed, no pattern scan
        return _BULLET.split(paragraph)
    first = _LIST_START.match(paragraph)
    if first is None:
        return [paragraph]
    label, style = first.group(1), re.escape(first.group(2))
    chunks: list[str] = []
    cut, position = 0, first.end()
    while True:
        label = str(int(label) + 1) if label.isdigit() else chr(ord(label) + 1)
        item = re.compile(rf"\s(?={re.escape(label)}{style}\s)").search(paragraph, position)
        if item is None:
            break
        chunks.append(paragraph[cut : item.start()])
        cut = position = item.end()
    chunks.append(paragraph[cut:])
    return chunks


def _split_chunk(chunk: str, rules: _Rules) -> list[str]:
    """Sentences of a chunk of text that holds no list boundaries.

    A piece with no word in it (a stray quote mark or period) is no sentence:
    it stays with the sentence before it, or the one after when it comes first.
    """
    ends = _keep_short_quotes_whole(chunk, _sentence_ends(chunk, rules))
    if not ends:
        whole = chunk.strip()
        return [whole] if whole else []
    spans: list[list[int]] = []  # [start, end] of each sentence, wordless pieces joined
    wordless_from: int | None = None  # start of the pieces before the first with a word
    for start, end in zip([0, *ends], [*ends, len(chunk)], strict=True):
        # Most pieces end in a word and its stop: one look at the character before the stop
        # tells, where the pattern search tells the rest.
        if end - 2 >= start and chunk[end - 2].isalnum() or _HAS_WORD.search(chunk, start, end):
            spans.append([start if wordless_from is None else wordless_from, end])
            wordless_from = None
        elif spans:
            spans[-1][1] = end
        elif wordless_from is None:
            wordless_from = start
    if wordless_from is not None and chunk[wordless_from:].strip():
        spans.append([wordless_from, len(chunk)])
    return [chunk[start:end].strip() for start, end in spans]


def split_sentences(paragraph: str, language: str = "english") -> list[str]:
    """Split one paragraph (no blank lines inside) into sentences, each stripped, none empty.

    Abbreviations, initials, decimals and ellipses inside a sentence do not
    end it, and a quotation of one or two sentences is kept whole. Where
    lines without a final stop were run together (photo captions meeting the
    body), a new sentence starts at a caption label or a capitalised opener
    after a lower-case word: see `_run_on_parts`.
    """
    rules = _rules_for(language)
    paragraph = paragraph.strip()
    sentences: list[str] = []
    for chunk in _list_chunks(paragraph):
        sentences.extend(_split_chunk(chunk, rules))
    run_on = _run_on_rules(language)
    if run_on is None or not _may_run_on(paragraph, run_on):
        return sentences
    return [part for sentence in sentences for part in _run_on_parts(sentence, run_on)]


# Where captions run into the body with no stop between: a lower-case word, then a
# caption label ("... in 2011 Wrong move: The teacher ...") or a capitalised sentence
# opener followed by a lower-case word ("... previously The price ..."). A capitalised
# opener before another capital is a name ("told The Times") and no boundary, and no
# sentence ends with an article or a preposition ("Tales of the Marsh: The Return").
@dataclass(frozen=True)
class _RunOnRules:
    """What marks one language's run-on boundaries."""

    boundary: re.Pattern[str]  # see _run_on_boundary
    opener_hint: re.Pattern[str]  # see _opener_hint
    never_last: frozenset[str]  # words no sentence ends with
    speech_verbs: frozenset[str]  # a label ending in one introduces speech ("He said:")


@cache
def _run_on_rules(language: str) -> _RunOnRules | None:
    """A language's run-on tables (data files); None where it has none."""
    name = language_name(language)
    starters = word_set("run_on_openers", name)  # capitalised openers of a sentence, not a name
    if not starters:
        return None
    return _RunOnRules(_run_on_boundary(starters), _opener_hint(starters),
                       word_set("never_last_words", name), word_set("speech_verbs", name))


_LOWER_WORD = re.compile(r"[a-z0-9][a-z0-9'’-]*")


def _run_on_boundary(starters: frozenset[str]) -> re.Pattern[str]:
    """A lower-case word, a space, then a caption label or one of the sentence `starters`.

    A label is "Wrong move:" before a capital; before a quotation (`... Evans saying:
    "I ..."`) it introduces speech, and is no caption.
    """
    openers = "|".join(sorted(starters))
    # The space first, then a look at the first letter after it: most spaces fail there at
    # once, where trying the look-behind and every opener at each character took twice as long.
    firsts = {word[0] for word in starters if not "A" <= word[0] <= "Z"}
    capitals = "A-Z" + "".join(re.escape(first) for first in sorted(firsts))
    return re.compile(
        rf" (?<=[a-z0-9] )(?=[{capitals}])"
        rf"(?=([A-Z][a-z'’-]+(?: [a-z'’-]+)?): [A-Z0-9]|(?:{openers}) [a-z])"
    )


def _opener_hint(starters: frozenset[str]) -> re.Pattern[str]:
    """One of the `starters` between a lower-case word and a lower-case word: the opener half
    of `_run_on_boundary`, without its caption labels.

    The space first, then one look at the letter after it, which fails at most spaces: a
    quarter fewer instructions than skipping from capital to capital, and half the time of
    `_run_on_boundary`, which tries a label at every capital after a lower-case word.
    """
    firsts = "".join(re.escape(first) for first in sorted({word[0] for word in starters}))
    openers = "|".join(re.escape(word) for word in sorted(starters))
    return re.compile(rf" (?=[{firsts}])(?<=[a-z0-9] )(?:{openers})(?= [a-z])")


def _may_run_on(paragraph: str, rules: _RunOnRules) -> bool:
    """Whether any sentence of `paragraph` may hold a run-on boundary.

    Every boundary in a sentence is one in its paragraph, and holds a label's ": " or an
    opener `rules.opener_hint` finds; most paragraphs have neither, and skip the search of
    each of their sentences.
    """
    if ": " not in paragraph and rules.opener_hint.search(paragraph) is None:
        return False
    return rules.boundary.search(paragraph) is not None


def _run_on_parts(sentence: str, rules: _RunOnRules) -> list[str]:
    """A sentence cut where a caption or a new sentence runs on into it without a stop."""
    cuts = [0]
    for candidate in rules.boundary.finditer(sentence):
        label = candidate.group(1)
        before = sentence[sentence.rfind(" ", 0, candidate.start()) + 1 : candidate.start()]
        if not _LOWER_WORD.fullmatch(before) or before in rules.never_last:
            continue
        if label is not None and {w.lower() for w in label.split()} & rules.speech_verbs:
            continue  # "... lawyer Ron Delacourt said: ...": a sentence
        cuts.append(candidate.end())
    if len(cuts) == 1:
        return [sentence]
    return [sentence[a:b].strip() for a, b in zip(cuts, [*cuts[1:], len(sentence)], strict=True)]


class Tokenizer:
    """A drop-in for sumy's Tokenizer that needs no downloaded NLTK data."""

    def __init__(self, language: str = "english") -> None:
        self.language: str = language_name(language)

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        """The paragraph's sentences, as sumy's parsers expect them."""
        return tuple(split_sentences(paragraph, self.language))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        """The sentence's words, as sumy's summarizers expect them."""
        return split_words(sentence, self.language)

    def __repr__(self) -> str:
        return f"Tokenizer({self.language!r})"
