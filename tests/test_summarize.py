"""The summarize stage: key points best first, for every algorithm, offline."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, replace
from importlib import resources

import nltk
import pytest

from briefing.models import Article, Document, Sentence
from briefing.nlp import stems, wordlists
from briefing.nlp.stems import content_stems
from briefing.nlp.text import to_document
from briefing.nlp.tokens import count_words
from briefing.summarize import ALGORITHMS, DEFAULT_ALGORITHM, readable, summarize
from briefing.summarize.default import (
    MAX_POINT_WORDS,
    WEIGHTS_FILE,
    Features,
    Weights,
    briefing_features,
    briefing_scores,
    centrality,
    jaccard,
    length_factor,
    quoted_share,
    shipped_weights,
)
from briefing.summarize.readable import Readable, drop_connective, is_dangling, tidy

HARBOUR = Article(
    id="harbour",
    title="Council approves new harbour bridge after long debate",
    text="\n\n".join(
        [
            "The city council approved a new bridge across the harbour on Tuesday "
            "after a debate that lasted six hours.",
            "The bridge will connect the old town with the growing eastern districts, "
            "where thousands of new homes are planned. Engineers expect construction of "
            "the harbour bridge to start next spring and to take three years.",
            "He said the vote was a turning point for the city. However, opponents warned "
            "that the cost of the bridge could rise well above the budget.",
            "The mayor, Anna Berg, said the council had listened to residents on both sides "
            "of the harbour. The project will cost about 120 million euros, paid mostly by "
            "the national government.",
            "Local shop owners in the old town welcomed the decision, saying more visitors "
            "would cross the harbour. A group of residents plans to challenge the council's "
            "approval of the bridge in court.",
        ]
    ),
)

# The most central sentences lean on what came before; three others read alone.
DANGLING_CENTRAL = Article(
    id="dangling",
    title="Rail strike halts trains across the north",
    text="\n\n".join(
        [
            "Rail workers in the north walked out on Monday, halting most trains "
            "across the region.",
            "They say the rail strike in the north will go on until the rail company "
            "talks about pay for rail workers.",
            "But the rail company said the rail strike by rail workers in the north "
            "was unnecessary and talks on pay were planned.",
            "Commuters crowded onto buses and roads as stations stood empty all day.",
            "It is the third rail strike in the north this year, and rail workers warn "
            "that more rail strikes may follow.",
            "Union leaders will meet the transport minister in the capital on Friday.",
        ]
    ),
)

GERMAN = Article(
    id="de",
    title="Stadtrat beschließt neue Brücke über den Hafen",
    text="\n\n".join(
        [
            "Der Stadtrat hat am Dienstag nach langer Debatte den Bau einer neuen Brücke "
            "über den Hafen beschlossen.",
            "Die Brücke soll die Altstadt mit den wachsenden östlichen Vierteln verbinden. "
            "Er sagte, die Abstimmung über die Brücke sei ein Wendepunkt für die Stadt.",
            "Die Bürgermeisterin Anna Berg erklärte, der Rat habe die Bewohner beider "
            "Hafenseiten angehört. Aber Gegner warnten, die Kosten der Brücke könnten weit "
            "über das Budget steigen.",
            "Der Bau der Brücke soll im nächsten Frühjahr beginnen und drei Jahre dauern.",
        ]
    ),
)


def document_of(*sentences: str, title: str = "A short test article") -> Document:
    """A Document whose sentences are given directly, one paragraph each."""
    article = Article(id="made", title=title, text="\n\n".join(sentences))
    return Document(
        article=article,
        sentences=tuple(Sentence(i, i, text) for i, text in enumerate(sentences)),
    )


@pytest.fixture(scope="module")
def harbour() -> Document:
    return to_document(HARBOUR)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_every_algorithm_returns_the_requested_number_of_points(harbour, algorithm):
    for count in (1, 2, 3):
        assert len(summarize(harbour, count, algorithm)) == count


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_points_come_best_first_with_non_increasing_scores(harbour, algorithm):
    scores = [point.score for point in summarize(harbour, 5, algorithm)]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_each_point_is_the_sentence_at_its_index(harbour, algorithm):
    by_index = {sentence.index: sentence.text for sentence in harbour.sentences}
    readable = Readable(harbour)
    points = summarize(harbour, 4, algorithm)
    assert len({point.index for point in points}) == len(points)
    for point in points:
        assert point.article_id == "harbour"
        if algorithm == DEFAULT_ALGORITHM:  # worded to read alone, see the tests below
            assert point.text == readable.text(point.index)
        else:
            assert point.text == by_index[point.index]


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_short_document_gives_fewer_points_and_empty_gives_none(algorithm):
    short = document_of(
        "The national library will open a new reading room for students in March.",
        "The reading room will have space for two hundred students and stay open late.",
    )
    assert len(summarize(short, 3, algorithm)) == 2
    assert summarize(document_of(), 3, algorithm) == []


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_scores_are_finite_even_without_content_words(algorithm):
    empty_of_content = document_of(
        "What is done is done and so it was, and so it will be.",
        "What was done was done, and so it is and so it will be.",
    )
    points = summarize(empty_of_content, 2, algorithm)
    assert points and all(math.isfinite(point.score) for point in points)


def test_unknown_algorithm_is_refused_with_the_choices_named(harbour):
    with pytest.raises(ValueError) as refused:
        summarize(harbour, 3, "magic")
    for name in ALGORITHMS:
        assert name in str(refused.value)


def test_default_is_one_of_the_algorithms_and_lead_is_a_baseline():
    assert DEFAULT_ALGORITHM in ALGORITHMS
    assert {"lead", "lex-rank", "text-rank", "lsa", "luhn", "edmundson"} <= set(ALGORITHMS)
    assert {"sum-basic", "kl", "reduction"} <= set(ALGORITHMS)


def test_lead_picks_the_first_sentences_in_order(harbour):
    points = summarize(harbour, 3, "lead")
    assert [point.index for point in points] == [0, 1, 2]


LIBRARY = Article(
    id="library",
    title="City library extends opening hours",
    text="\n\n".join([
        "The central library will stay open until ten in the evening from December, the "
        "culture department announced on Wednesday.",
        "Students had asked for longer hours during the examination period, when every "
        "reading room is full and students queue for desks.",
        "The extra hours for students are paid for by a grant and by moving two posts from "
        "the office to the reading room desk.",
        "Librarian Anna Weber said students could also borrow laptops for the reading room "
        "during the extra hours.",
    ]),
)


LEDE_FIRST = Weights(lede_first=True)


def best_by(weights: Weights, article: Article) -> int:
    """Position of the sentence `weights` score highest in `article`."""
    scores = briefing_scores(briefing_features(to_document(article), "english"), weights)
    return max(range(len(scores)), key=scores.__getitem__)


def test_with_lede_first_the_lede_leads_when_it_is_on_the_title_topic():
    """News states its main fact first, even when later sentences repeat each other more."""
    assert best_by(replace(LEDE_FIRST, lede_first=False), LIBRARY) != 0  # the trap is real
    assert best_by(LEDE_FIRST, LIBRARY) == 0


def test_with_lede_first_an_opening_off_the_title_topic_is_not_forced():
    off_topic = Article("off", "Students ask for desks", LIBRARY.text)
    assert best_by(LEDE_FIRST, off_topic) != 0


def test_with_lede_first_an_untitled_article_leads_with_its_lede():
    assert best_by(LEDE_FIRST, Article("untitled", "", LIBRARY.text)) == 0


def test_default_never_picks_a_dangling_sentence_when_standalone_ones_remain():
    document = to_document(DANGLING_CENTRAL)
    central = summarize(document, 3, "reduction")
    assert any(is_dangling(point.text) for point in central)  # the trap is real
    texts = [point.text for point in summarize(document, 3)]
    assert len(texts) == 3
    assert not any(is_dangling(text) for text in texts), texts


def test_default_gives_fewer_points_rather_than_a_dangling_one():
    document = document_of(
        "The regional rail company cancelled every train on the coast line on Monday.",
        "They said the cancellations would last until the weekend at the earliest.",
    )
    points = summarize(document, 2)
    assert [point.index for point in points] == [0]


def test_default_points_never_dangle_and_never_repeat_on_a_real_article():
    document = to_document(DANGLING_CENTRAL)
    points = summarize(document, len(document.sentences))
    assert points and not any(is_dangling(point.text) for point in points)
    assert "They say the rail strike in the north will go on" not in " ".join(
        point.text for point in points
    )


BUDGET = (
    "Finance minister Peter Holm presented the budget to parliament on Monday.",
    "He said taxes on fuel and tobacco would not rise this year.",
    '"We promised stability and we are keeping that promise," he said.',
    "He also announced a fund of two billion crowns for railways.",
)


def test_a_pronoun_becomes_the_one_person_named_just_before():
    readable = Readable(document_of(*BUDGET))
    assert readable.text(1) == "Peter Holm said taxes on fuel and tobacco would not rise this year."


def test_a_quote_closed_by_he_said_names_its_speaker():
    readable = Readable(document_of(*BUDGET))
    assert readable.text(2) == (
        '"We promised stability and we are keeping that promise," Peter Holm said.'
    )


def test_the_person_carries_over_sentences_that_speak_of_them_the_same_way():
    readable = Readable(document_of(*BUDGET))
    assert readable.text(3) == (
        "Peter Holm also announced a fund of two billion crowns for railways."
    )


def test_a_person_is_named_with_the_title_the_article_gives_them():
    readable = Readable(
        document_of(
            "The airline's chief executive, Rod Ashworth, presented the results.",
            "He said fuel costs had risen by almost half.",
            "Mr Ashworth also promised lower fares on short flights.",
        )
    )
    assert readable.text(1) == "Mr Ashworth said fuel costs had risen by almost half."


def test_a_capitalised_word_is_no_second_person():
    readable = Readable(
        document_of(
            'Mr Calloway branded the rival campaign "a bunch of amateurs" outside its office.',
            "He said the campaign was run by people who did not care about the region.",
        )
    )
    assert readable.text(1) == (
        "Mr Calloway said the campaign was run by people who did not care about the region."
    )


@pytest.mark.parametrize(
    "before",
    [
        "Mr Holm met Mr Berg, the head of the central bank, on Monday.",  # two men
        "The finance ministry presented the budget to parliament on Monday.",  # nobody
        "Finance minister Anna Holm presented the budget to parliament on Monday.",  # a woman
        "Mr Holm's spokesman presented the budget to parliament on Monday.",  # his man
        "He met Mr Holm, the finance minister, on Monday.",  # which "he"?
    ],
)
def test_a_pronoun_stays_dangling_unless_one_person_is_certain(before):
    readable = Readable(document_of(before, "He said taxes would not rise this year."))
    assert readable.text(1) is None


def test_a_leading_connective_is_dropped_when_the_rest_reads_alone():
    readable = Readable(
        document_of(
            "Rail workers walked out on Monday, halting most trains in the north.",
            "But the rail company said talks on pay were already planned.",
            "However, it said the strike was unnecessary.",
        )
    )
    assert readable.text(1) == "The rail company said talks on pay were already planned."
    assert readable.text(2) is None  # "It said ..." still leans on the sentence before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("But the union said the offer was too low.", "The union said the offer was too low."),
        ("And prices rose again in March.", "Prices rose again in March."),
        ("However, the minister refused to comment.", "The minister refused to comment."),
        ("Meanwhile, shares in the bank fell by 3%.", "Shares in the bank fell by 3%."),
        ("Also, said Mr Kessler, research goes on.", "Also, said Mr Kessler, research goes on."),
        ("However we vote, it will fail.", "However we vote, it will fail."),
        ("Instead, the firm will sell its shops.", "Instead, the firm will sell its shops."),
        ("Butter prices rose by a third in a year.", "Butter prices rose by a third in a year."),
    ],
)
def test_only_connectives_that_merely_link_sentences_are_dropped(text, expected):
    assert drop_connective(text) == expected


def test_languages_without_rewriting_rules_keep_dangling_sentences_out():
    document = to_document(GERMAN, "german")
    readable = Readable(document, "german")
    dangling = [s.index for s in document.sentences if is_dangling(s.text, "german")]
    assert dangling and all(readable.text(i) is None for i in dangling)


@pytest.mark.parametrize(
    "text",
    [
        "He told reporters the plan would go ahead next year.",
        "But the union said the offer was far too low for its members.",
        "However, the minister refused to comment on the report.",
        "This is the third time the factory has closed this year.",
        "It's the third time the factory has closed this year.",
        "That’s why the factory closed its doors for the third time.",
        "Also, the airport will close its second runway for repairs.",
        '"We will keep fighting until the very end of the season.',
        '"We will keep fighting until the very end," he said.',
        "Here are the five things the council decided on Tuesday night:",
        "A few more facts about the harbour and its new bridge: .",
    ],
)
def test_sentences_leaning_on_earlier_ones_are_dangling(text):
    assert is_dangling(text)


def test_quotes_need_a_named_speaker_in_german_too():
    assert is_dangling("„Wir kämpfen bis zum Ende“, sagte er.", "german")
    assert not is_dangling("„Wir kämpfen bis zum Ende“, sagte Trainerin Maria Lopez.", "german")


@pytest.mark.parametrize(
    "text",
    [
        "The city council approved a new bridge across the harbour on Tuesday.",
        '"We will keep fighting until the very end," said coach Maria Lopez.',
        "Theresa May said the vote would take place next week.",
    ],
)
def test_sentences_that_read_alone_are_not_dangling(text):
    assert not is_dangling(text)


def test_default_never_returns_two_points_saying_the_same_thing():
    document = document_of(
        "The central bank raised its main interest rate to four percent on Thursday.",
        "On Thursday the central bank raised its main interest rate to four percent.",
        "The central bank raised the main interest rate to four percent on Thursday.",
        "Economists had expected a smaller rise because inflation slowed in the autumn.",
        "Mortgage lenders are expected to pass the higher costs on to borrowers soon.",
    )
    points = summarize(document, 3)
    stems = [frozenset(content_stems(point.text, "english")) for point in points]
    assert len(points) == 3
    for i, first in enumerate(stems):
        for second in stems[i + 1 :]:
            assert jaccard(first, second) < 0.5


def test_centrality_rewards_what_the_article_repeats_not_length():
    words = [
        ["bridge", "harbour", "council", "vote"],
        ["bridge", "harbour", "cost"],
        ["council", "vote", "bridge"],
        [f"unshared{i}" for i in range(30)],
    ]
    scores = centrality(words)
    assert scores[0] == 1.0 and scores[3] == 0.0
    assert scores[0] > scores[2] > scores[1]
    assert centrality([]) == [] and centrality([[], ["alone"]]) == [0.0, 0.0]


def test_default_skips_byline_sized_sentences():
    document = document_of(
        "By Jane Smith.",
        "Photo: Reuters.",
        "The regional hospital opened a new children's ward with forty beds this week.",
        "Doctors said the ward would cut waiting times for young patients in the region.",
    )
    assert {point.index for point in summarize(document, 2)} == {2, 3}


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_german_article_is_summarized_with_german_words(algorithm):
    document = to_document(GERMAN, "german")
    points = summarize(document, 2, algorithm, language="german")
    assert len(points) == 2


def test_default_on_german_skips_german_pronouns_and_connectives():
    document = to_document(GERMAN, "german")
    texts = [point.text for point in summarize(document, 3, language="german")]
    assert not any(text.startswith(("Er ", "Aber ")) for text in texts), texts


def test_language_without_stop_words_or_stemmer_still_works(harbour):
    assert len(summarize(harbour, 2, language="esperanto")) == 2


def test_no_algorithm_needs_downloaded_nltk_data(harbour, monkeypatch):
    monkeypatch.setattr(nltk.data, "path", [])
    for cached in (stems.stemmer, wordlists.stop_words, stems._known_stems):
        cached.cache_clear()  # build stemmers and stop words again, without the data path
    for algorithm in ALGORITHMS:
        assert len(summarize(harbour, 2, algorithm)) == 2


def test_an_untitled_article_is_summarized():
    untitled = Article("untitled", "", LIBRARY.text)
    assert len(summarize(to_document(untitled), 2)) == 2


def test_a_run_on_over_the_point_limit_is_never_a_point():
    run_on = " ".join(["the harbour bridge and the old town"] * 10) + "."
    document = document_of(
        "The council approved a new harbour bridge on Tuesday after a long debate.",
        "Harbour bridge: " + run_on,
        "The harbour bridge will cost about 120 million euros, the council said.",
        title="Council approves harbour bridge",
    )
    points = summarize(document, 3)
    assert all(count_words(point.text) <= MAX_POINT_WORDS for point in points)
    assert [point.index for point in points] == [0, 2]


def features_of(central: list[float], words: int = 20, titled: bool = False) -> Features:
    """Features of a made-up document whose sentences differ only by centrality."""
    return Features(
        central=central,
        on_topic=[0.0] * len(central),
        words=[words] * len(central),
        stem_sets=[frozenset({str(i)}) for i in range(len(central))],
        lede=0,
        titled=titled,
        quoted=[0.0] * len(central),
        question=[False] * len(central),
    )


def test_an_opening_the_article_returns_to_earns_more_lead_bias_than_a_hook():
    """The inverted pyramid: weigh position by how central the opening is."""
    weights = Weights(position=1.0, pyramid=1.0, lede_first=False)
    pyramid = briefing_scores(features_of([1.0, 0.5, 0.5]), weights)
    hook = briefing_scores(features_of([0.1, 0.5, 0.5]), weights)
    assert pyramid[1] - 0.5 > hook[1] - 0.5 > 0  # the lead bias of sentence 1 shrinks
    assert hook[0] < hook[1]  # a hook the article never returns to no longer leads


def test_long_sentences_lose_score_beyond_the_long_length():
    weights = Weights(long_length=20, long_power=2)
    assert length_factor(20, weights) == 1.0
    assert length_factor(40, weights) == pytest.approx(0.25)
    assert length_factor(5, weights) == pytest.approx(5 / weights.full_length)


def test_the_default_reads_the_weights_it_ships(tmp_path):
    shipped = resources.files("briefing").joinpath(WEIGHTS_FILE)
    values = json.loads(shipped.read_text("utf-8"))
    assert asdict(shipped_weights()) == {**asdict(Weights()), **values}


@pytest.mark.parametrize(
    ("sentence", "share"),
    [
        ("The council approved the bridge on Tuesday.", 0.0),
        ("It doesn't matter, the mayor's aide said.", 0.0),  # apostrophes open no quotation
        ("'We have to get people tested,' he told reporters.", 0.5),
        ('"The bridge will be built," said Ms Berg.', 0.5),
        ("The mayor's 'bridge plan' won.", 0.2),  # a mark after a word's apostrophe opens one
        ("'Tis the season, the mayor's aide said.", 0.0),  # opened but never closed
    ],
)
def test_quoted_share_counts_what_a_sentence_quotes(sentence, share):
    assert (quoted_share(sentence) >= share) if share else quoted_share(sentence) == 0.0


def test_quotations_and_questions_lose_score_by_their_weights():
    features = replace(features_of([0.5, 0.5, 0.5]), quoted=[0.0, 0.8, 0.0],
                       question=[False, False, True])
    plain = briefing_scores(features, Weights(position=0.0, lede_first=False))
    weighed = briefing_scores(features, Weights(position=0.0, lede_first=False,
                                                quoted=0.5, question=0.5))
    assert plain[0] == plain[1] == plain[2]
    assert weighed[1] == pytest.approx(plain[1] * 0.6)
    assert weighed[2] == pytest.approx(plain[2] * 0.5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Maria Lopez (left) was spotted next to the club's chairman at the match",
         "Maria Lopez was spotted next to the club's chairman at the match"),
        ("Ana Ruiz (second right) is shown the red card by referee Tom Berg (centre) on Friday",
         "Ana Ruiz is shown the red card by referee Tom Berg on Friday"),
        ("The band with singer Ada Moss, pictured, won the award in 1996.",
         "The band with singer Ada Moss won the award in 1996."),
        ("The harbour bridge will open in May .", "The harbour bridge will open in May."),
        ("Ada Moss, pictured here in 2019, will race in the hurdles (pictured with her coach)",
         "Ada Moss will race in the hurdles"),
        ("Tom Berg (pictured left receiving a long service medal from the chief constable) "
         "was arrested", "Tom Berg was arrested"),
        # Not photo directions: an amount, an abbreviation, an aside that merely has "left".
        ("The firm made 3.5m euros (£2.4m) in 2004.", "The firm made 3.5m euros (£2.4m) in 2004."),
        ("The Harbour Board (HB) said it had money left (left over from May).",
         "The Harbour Board (HB) said it had money left (left over from May)."),
    ],
)
def test_a_point_loses_photo_directions_and_the_space_before_its_stop(text, expected):
    assert tidy(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", " ", ".", " .", "May .", "May.", "May . ", "May .\n", "May .\n\n", "May ?!", "May .'",
     "May .”\n", "May .''", "May\u2003.", "May \n.", "May '.", "May . .", "May 'x .", "\n."],
)
def test_the_space_before_a_stop_is_found_as_the_pattern_finds_it(text):
    """tidy asks the pattern only about texts that end so; the check must agree with it."""
    assert readable._spaced_stop_ends(text) == bool(readable._SPACE_BEFORE_STOP.search(text))


def test_default_points_carry_no_photo_direction():
    text = (
        "Harbour captain Maria Lopez (pictured) opened the new river bridge in Riverton on "
        "Tuesday after six years of work. The bridge cost the city council 40 million euros "
        "and carries four lanes of traffic. Lopez said the bridge would cut journeys across "
        "the river by half an hour. Council leader Tom Berg (right) said the city would "
        "pay for the bridge over thirty years."
    )
    document = to_document(Article("bridge", "Riverton opens river bridge", text), "english")
    points = summarize(document, 3)
    assert points
    assert not any("(pictured)" in p.text or "(right)" in p.text for p in points), points
    assert any(p.text.startswith("Harbour captain Maria Lopez opened") for p in points), points


def test_lower_words_are_the_split_words_lower_cased():
    """The ASCII pattern stands for the general one: a fuzz over the characters that matter."""
    import random

    from briefing.nlp.tokens import lower_words, split_words

    draw = random.Random(11)
    alphabet = "aZ09_.,'’- \t\"(:İé£“—½"
    texts = ["Don't panic: BA's long-haul fare rose 4.3% to 1,250.50 -- again!",
             "The 2.5-metre wall, 1.2.3a4 and x_2 v.2 rose '9-a' 12,a.", "İstanbul’s Größe",
             "“It’s £2.5bn – not £3bn,” he said…", "ΟΔΟΣ.Α and ½ of it"]
    texts += ["".join(draw.choice(alphabet) for _ in range(draw.randint(0, 16)))
              for _ in range(5000)]
    for text in texts:
        assert lower_words(text) == [word.lower() for word in split_words(text)], text


def test_people_are_named_sentence_by_sentence_as_a_list_would_hold_them():
    document = document_of(
        "Ms Ana Ruiz met Tom Berg in Riverton on Tuesday to talk about the bridge.",
        "She said the council would pay for the new bridge over thirty years.",
        "Mr Berg said he was glad the work would start in the spring.",
    )
    people = Readable(document).people()
    assert len(people) == 3 and people[-1] == people[2] and people[:2] == [people[0], people[1]]
    assert [person.name for person in people[0]] == ["Ana Ruiz", "Mr Berg"]
    assert list(people) == [people[0], people[1], people[2]]
    with pytest.raises(IndexError):
        people[3]
