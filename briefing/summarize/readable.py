"""Points a reader can use alone: which sentences lean on another, and how some are reworded.

A sentence dangles when it opens with a pronoun or connective whose referent is
elsewhere, or with a quotation whose speaker it does not name. `Readable`
rewords what it can make certain ("But" dropped, "He" named through the one
pronoun resolver of `briefing.actors.pronouns`, photo directions such as
"(left)" dropped: `tidy`); every summarizer's points go through it in
`select_points`, and anything still dangling is never a point.
The word lists are data (`briefing/data/words/<language>/`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from functools import cache

from briefing.actors import pronouns
from briefing.actors import tagger as ner
from briefing.actors.pronouns import Person
from briefing.models import Document
from briefing.nlp.languages import language_name
from briefing.nlp.tokens import first_word, split_words
from briefing.nlp.wordlists import word_list, word_set

# Opening quotation marks and the marks that may close them.
_CLOSING_QUOTES = {
    '"': '"”',
    "“": '”"',
    "„": '“"',
    "«": "»",
    "‘": "’'",
    "'": "'’",
    "‚": "‘’'",
}


def is_dangling(text: str, language: str = "english") -> bool:
    """True when a sentence cannot be read alone.

    It opens with a pronoun or connective whose referent is elsewhere ("He
    told...", "It's ...", "But...", "However, ..."), or it opens a quotation that does
    not name its speaker in the same sentence: `"We will win," said Ms Lee.`
    stands alone; `"We will win," he said.` and a quote running on from the
    previous paragraph do not. Languages without an opener list only get the
    quotation check.
    """
    stripped = text.lstrip()
    first = first_word(stripped)
    if first is None:
        return False
    if _LEAD_IN.search(stripped):
        return True  # "Here is what the council decided:": it announces what follows
    openers = _openers(language)
    if stripped[0] in _CLOSING_QUOTES:
        attribution = _after_quote(stripped, _CLOSING_QUOTES[stripped[0]])
        said = [word.lower() for word in split_words(attribution, language)]
        # The speaker stands next to the verb: "he said", "said Ms Lee", "sagte er".
        named = not openers.intersection(said[:3])
        return not (named and word_set("speech_verbs", language).intersection(said))
    # "It's", "That’s", "They're": a contracted pronoun points back as the pronoun does.
    return _APOSTROPHE.split(first.lower(), 1)[0] in openers


_APOSTROPHE = re.compile(r"['’]")
_LEAD_IN = re.compile(r":\s*\.?$")


# --- wording a point for a reader who sees no page -----------------------------------------

_SPACE_BEFORE_STOP = re.compile(r"\s+([.!?]+[\"'”’]?)$")
_QUOTES_AFTER_STOP = "\"'”’"
_PARENTHESIS = re.compile(r"\s*\(([^()]{1,120})\)")
_LETTERS = re.compile(r"[^\W\d_]+")


@cache
def _photo_aside(language: str) -> re.Pattern[str] | None:
    """", pictured in 2019," and the like: an aside opened by a photo marker of `language`."""
    markers = word_list("photo_markers", language)
    if not markers:
        return None
    return re.compile(rf",\s*((?:{'|'.join(map(re.escape, markers))})\b[^,]{{0,60}}),")


def is_photo_direction(aside: str, language: str = "english") -> bool:
    """True for an aside that places someone in a photo: "left", "second right", "pictured
    with her coach" (opened by a photo marker, or made only of position words)."""
    words = _LETTERS.findall(aside.lower())
    if not words:
        return False
    return words[0] in word_set("photo_markers", language) or all(
        word in word_set("photo_positions", language) for word in words)


def tidy(text: str, language: str = "english") -> str:
    """A point as a bullet shows it: no photo directions, no space before its final stop.

    Captions and the sentences written around photos place people in a picture the
    e-mail does not show: "Ana Ruiz (left) was seen ..." reads "Ana Ruiz was seen ...", and
    "Ada Moss, pictured in 2019, won ..." reads "Ada Moss won ...". Some pages end a
    sentence with " ." ("... in May ."), which a bullet shows as a stray dot.
    """
    def without_direction(match: re.Match[str]) -> str:
        return "" if is_photo_direction(match.group(1), language) else match.group()

    if "(" in text:
        text = _PARENTHESIS.sub(without_direction, text)
    aside = _photo_aside(language)
    if aside is not None:
        text = aside.sub(without_direction, text)
    if not _spaced_stop_ends(text):
        return text
    return _SPACE_BEFORE_STOP.sub(r"\1", text)


def _spaced_stop_ends(text: str) -> bool:
    """Whether `text` ends as _SPACE_BEFORE_STOP finds (a stop after a space, a quote mark
    and a line end allowed after it): the pattern would try every space of the sentence."""
    body = text[:-1] if text.endswith("\n") else text
    if body[-1:] in _QUOTES_AFTER_STOP:
        body = body[:-1]
    before = body.rstrip(".!?")
    return len(before) < len(body) and before[-1:].isspace()


@cache
def _openers(language: str) -> frozenset[str]:
    """Dangling first words of `language` ("en" and "English" find "english")."""
    return word_set("dangling_openers", language)


def _after_quote(text: str, closers: str) -> str:
    """What follows the last closing quotation mark of a sentence opening with a quote."""
    end = _quote_end(text, closers)
    return text[end:] if end else ""


def _quote_end(text: str, closers: str) -> int:
    """Position just after the last closing quotation mark; 0 when the quote is not closed."""
    for position in range(len(text) - 1, 0, -1):
        after = text[position + 1 : position + 2]
        if text[position] in closers and not after.isalnum():
            return position + 1
    return 0


# --- making dangling sentences read alone ----------------------------------------------------

# A leading connective only links the sentence to the one before; without it
# the sentence says the same. "But" and "And" go as they are; adverbs only
# when a comma sets them off ("However, ..."). Words that carry meaning of
# their own ("Instead", "Then", "Therefore") stay, and so the sentence dangles.
# The pronoun table and the gender rule are the actors stage's: one resolver for both stages.
_PRONOUN_GENDER = pronouns.PRONOUN_GENDER
_POSSESSIVE_PRONOUNS = frozenset({"his", "her"})
# "Mr Ashworth": how an article names a person once introduced.
_HONORIFIC = re.compile(r"\b(Mr|Mrs|Ms|Miss|Dr)\.? ([A-Z][\w'’-]+)")
_FIRST_WORD = re.compile(r"[\w'’-]+")
_TAIL_PRONOUN = re.compile(r"^(\W*(?:\w+\W+){0,2}?)(he|she)\b")


def drop_connective(text: str, language: str = "english") -> str:
    """The sentence without a leading "But", "And" or "However," that ties it to the one before.

    The next word gets a capital letter. Sentences without one come back unchanged.
    """
    language = language_name(language)
    match = _FIRST_WORD.match(text.lstrip())
    if not match:
        return text
    stripped = text.lstrip()
    word = match.group().lower()
    rest = stripped[match.end() :]
    if word in word_set("dropped_adverbs", language) and rest.startswith(","):
        rest = rest[1:]
    elif word not in word_set("dropped_conjunctions", language) or not rest.startswith(" "):
        return text
    rest = rest.lstrip()
    following = _FIRST_WORD.match(rest)
    if not following or following.group().lower() in word_set("speech_verbs", language):
        return text  # "Also, said Mr Kessler, ...": the rest is no sentence of its own
    return rest[:1].upper() + rest[1:]


class Readable:
    """An article's sentences as points a reader can use alone, when that can be made certain.

    Every point is first tidied (`tidy`: no photo directions, no space before its stop).
    A sentence that reads alone stays as it is. A dangling one loses a leading
    connective ("But", "However,"); then a "He", "She", "His" or "Her" that
    opens it, or the "he" of a closing `"...," he said`, becomes the person's
    name when `referent` is sure who is meant. Anything else stays dangling.
    """

    def __init__(
        self, document: Document, language: str = "english", tagging: ner.Tagging | None = None
    ) -> None:
        self.document = document
        self.language = language_name(language)
        self.tagging = tagging  # the tagger's reading, when the caller has it already
        self._people: Sequence[list[Person]] | None = None  # per sentence, found when needed

    def text(self, position: int) -> str | None:
        """The sentence at `position` worded to read alone, or None when it cannot be."""
        original = tidy(self.document.sentences[position].text, self.language)
        if not is_dangling(original, self.language):
            return original
        if not word_set("dropped_conjunctions", self.language):
            return None  # a language whose connectives we do not know: never reworded
        text = drop_connective(original, self.language).lstrip()
        slot = _pronoun_slot(text)
        if slot is not None and is_dangling(text, self.language):
            start, end = slot
            pronoun = text[start:end].lower()
            person = self.referent(position, _PRONOUN_GENDER[pronoun])
            if person is not None:
                name = person.name + ("'s" if pronoun in _POSSESSIVE_PRONOUNS else "")
                text = text[:start] + name + text[end:]
        return None if is_dangling(text, self.language) else text

    def referent(self, position: int, gender: str, depth: int = 0) -> Person | None:
        """The one person a "he" or "she" at `position` can mean, or None when unsure.

        The strict mode of the one resolver (``pronouns.strict_referent``): only the
        sentence just before counts, and it must leave no doubt.
        """
        def opening_gender(i: int) -> str | None:
            previous = drop_connective(self.document.sentences[i].text, self.language).lstrip()
            slot = _pronoun_slot(previous)
            return _PRONOUN_GENDER[previous[slice(*slot)].lower()] if slot else None

        return pronouns.strict_referent(position, gender, self.people(), opening_gender, depth)

    def people(self) -> Sequence[list[Person]]:
        """The people each sentence names."""
        if self._people is None:
            self._people = _people(self.document, self.tagging)
        return self._people


def _pronoun_slot(text: str) -> tuple[int, int] | None:
    """Where the pronoun is that opens `text`, or names the speaker after its opening quote.

    `text` starts with its first character. Only "he", "she", "his" and "her" count.
    """
    if text[:1] in _CLOSING_QUOTES:
        end = _quote_end(text, _CLOSING_QUOTES[text[0]])
        match = _TAIL_PRONOUN.match(text[end:]) if end else None
        return (end + match.start(2), end + match.end(2)) if match else None
    match = _FIRST_WORD.match(text)
    if match and match.group().lower() in _PRONOUN_GENDER:
        return match.span()
    return None


def _people(document: Document, tagging: ner.Tagging | None = None) -> Sequence[list[Person]]:
    """For each sentence, the people it names, as the actors stage's tagger finds them.

    A person's gender comes from a title the article gives them ("Mr
    Ashworth", "President Bush") or the given name of their full name
    ("Rod Ashworth"), else it stays unknown. They are named as the article
    names them with a title, else by their full name. A lone capitalised
    word with none of these is left out: the tagger's guess, not a person.
    """
    if tagging is None:
        tagging = ner.tag_texts([sentence.text for sentence in document.sentences])
    sentences = tagging.tokens
    spans = [
        [(start, end) for start, end, kind in tagged if kind == ner.PER]
        for tagged in tagging.spans
    ]
    titles: dict[str, Counter[str]] = {}  # surname -> honorifics the article gives it
    for sentence in document.sentences:
        for title, surname in _HONORIFIC.findall(sentence.text):
            titles.setdefault(surname, Counter())[title] += 1
    full_names: dict[str, set[str]] = {}  # surname -> full names ending with it
    for tokens, found in zip(sentences, spans, strict=True):
        for start, end in found:
            if end - start > 1:
                full_names.setdefault(tokens[end - 1], set()).add(" ".join(tokens[start:end]))
    given = ner.gazetteer()

    def person(tokens: Sequence[str], start: int, end: int) -> Person | None:
        surname = tokens[end - 1]
        title = titles[surname].most_common(1)[0][0] if surname in titles else None
        full = full_names.get(surname, set())
        firsts = {name.split()[0] for name in full}
        gender = pronouns.gender_of(
            None, pronouns.title_gender(title) or ner.title_gender(tokens, start), firsts)
        if end - start == 1 and not (title or full or gender or given.given(surname)):
            return None  # "Commons", "Premiership": a bare word the tagger took for a name
        if title:
            name = f"{title} {surname}"
        elif end - start == 1 and len(full) == 1:
            name = next(iter(full))
        else:
            name = " ".join(tokens[start:end])
        possessive = end < len(tokens) and tokens[end] in ("'s", "’s")
        return Person(name, gender, possessive)

    return _NamedPeople(sentences, spans, person)


class _NamedPeople(Sequence[list[Person]]):
    """The people each sentence names, each sentence's found when first asked for: a pronoun
    looks back one to three sentences, and naming everyone in the article took most of the
    time a rewording did."""

    def __init__(
        self,
        sentences: Sequence[Sequence[str]],
        spans: Sequence[Sequence[tuple[int, int]]],
        person: Callable[[Sequence[str], int, int], Person | None],
    ) -> None:
        self._sentences, self._spans, self._person = sentences, spans, person
        self._found: dict[int, list[Person]] = {}

    def __len__(self) -> int:
        return len(self._sentences)

    def __getitem__(self, index: int | slice) -> list[Person] | list[list[Person]]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        i = range(len(self))[index]  # negative positions and IndexError as a list has them
        found = self._found.get(i)
        if found is None:
            tokens = self._sentences[i]
            named = (self._person(tokens, start, end) for start, end in self._spans[i])
            found = self._found[i] = [someone for someone in named if someone is not None]
        return found
