"""The actors stage: one name per actor, and who speaks or acts in each key point."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from briefing.actors import find_actors, load_aliases, pronouns, tag_tokens
from briefing.actors.headings import HEADING_RULES, Context, Evidence, not_a_heading
from briefing.models import (
    ORGANISATION,
    PERSON,
    PLACE,
    Article,
    Attribution,
    Document,
    KeyPoint,
    Sentence,
)

ROOT = Path(__file__).resolve().parent.parent
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[“\"A-Z])|(?<=[.!?][”\"])\s+")


def make_document(article_id: str, text: str) -> Document:
    """A Document from paragraphs separated by blank lines, split at sentence punctuation."""
    sentences: list[Sentence] = []
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    for number, paragraph in enumerate(paragraphs):
        for part in _SENTENCE_END.split(paragraph):
            sentences.append(Sentence(len(sentences), number, part))
    return Document(Article(article_id, article_id, text), tuple(sentences))


def attribute(*texts: str, aliases=None) -> tuple[list[Document], Attribution]:
    """Run find_actors over the texts with every sentence as a key point."""
    documents = [make_document(f"a{i}", text) for i, text in enumerate(texts)]
    points = [KeyPoint(d.id, s.index, s.text, 1.0) for d in documents for s in d.sentences]
    return documents, find_actors(documents, points, aliases)


def primary_of(attribution: Attribution, document: Document, starts_with: str) -> str | None:
    for sentence in document.sentences:
        if " ".join(sentence.text.split()).startswith(starts_with):  # no-break spaces too
            return attribution.points[(document.id, sentence.index)].primary
    raise AssertionError(f"no sentence starts with {starts_with!r}")


# ---------------------------------------------------------------- one name per actor


def test_putin_spellings_become_one_actor_across_articles():
    _, result = attribute(
        "Russian President Vladimir Putin met officials. Mr Putin said little.",
        "President Putin flew to Minsk. Putin smiled.",
    )
    assert "Vladimir Putin" in result.actors
    assert not {"Putin", "Mr Putin", "President Putin"} & set(result.actors)
    assert result.actors["Vladimir Putin"].mentions == 4
    assert result.actors["Vladimir Putin"].kind == PERSON


def test_biden_spellings_become_joe_biden():
    _, result = attribute("Mr Biden spoke first. President Biden then left. Joe Biden is 79.")
    assert "Joe Biden" in result.actors
    assert not {"Biden", "Mr Biden", "President Biden"} & set(result.actors)


def test_a_name_from_the_alias_book_keeps_its_first_word_at_a_sentence_start():
    # "federal" in lower case elsewhere must not cut "Federal Reserve" down to "Reserve".
    _, result = attribute(
        "Federal Reserve chairman Alan Greenspan warned about deficits. "
        "The federal budget is large."
    )
    assert "Federal Reserve" in result.actors and "Reserve" not in result.actors


def test_us_spellings_become_united_states():
    _, result = attribute(
        "The US imposed sanctions. U.S. officials agreed. The United States will act. "
        "America is ready."
    )
    us = result.actors["United States"]
    assert us.kind == PLACE
    assert us.mentions == 4
    assert {"US", "U.S.", "America"} <= set(us.aliases)


def test_surname_alone_joins_the_full_name_from_another_article():
    _, result = attribute(
        "Jake Sullivan, the national security adviser, spoke on Friday.",
        "Sullivan warned that an attack could come soon.",
    )
    assert "Sullivan" not in result.actors
    assert result.actors["Jake Sullivan"].mentions == 2


def test_surname_in_the_article_beats_the_alias_book():
    _, result = attribute("Marcus Washington won an award. Washington thanked his wife.")
    assert result.actors["Marcus Washington"].mentions == 2
    assert "United States" not in result.actors


def test_given_name_alone_joins_the_one_person_so_named():
    _, result = attribute("Gordon Brown spoke. Tony Blair said Gordon was a great man.")
    assert result.actors["Gordon Brown"].mentions == 2
    assert "Gordon" not in result.actors


def test_ambiguous_surname_stays_apart():
    _, result = attribute("Jill Smith won. Tom Smith lost.", "Smith was not available.")
    assert {"Jill Smith", "Tom Smith"} <= set(result.actors)


def test_bracketed_acronym_names_the_same_organisation():
    _, result = attribute(
        "A candidate for the UK Independence Party (UKIP) resigned. UKIP said it was sorry."
    )
    assert "UKIP" in result.actors["UK Independence Party"].aliases
    assert "UKIP" not in result.actors


def test_portfolio_after_a_title_is_no_actor():
    documents, result = attribute(
        "Lord Penrose, Minister for Coastal Planning, said he was disappointed."
    )
    assert result.points[(documents[0].id, 0)].primary == "Penrose"
    assert "Procurement" not in result.actors


def test_country_and_its_leader_stay_two_actors():
    _, result = attribute(
        "The Kremlin said Vladimir Putin would not attend. Russia denied the report."
    )
    assert result.actors["Vladimir Putin"].kind == PERSON
    assert result.actors["Russia"].kind == PLACE
    assert "Kremlin" in result.actors["Russia"].aliases
    assert "Putin" not in result.actors["Russia"].aliases


def test_a_company_named_with_a_possessive_keeps_it_whole():
    documents, result = attribute(
        "Brewing giant Tandry's Group made an offer for Valecourt. "
        "The board of Valecourt rejected the offer from Tandry's Group on Monday."
    )
    assert "Tandry's Group" in result.actors
    assert result.actors["Tandry's Group"].kind == ORGANISATION
    assert "Tandry" not in result.actors


def test_a_country_is_not_taken_for_an_organisation_named_after_it():
    _, result = attribute(
        "The Monetary Authority of Singapore raised rates. Singapore is growing fast."
    )
    assert result.actors["Singapore"].kind == PLACE
    assert result.actors["Monetary Authority of Singapore"].mentions == 1


def test_institution_speaks_for_its_country():
    documents, result = attribute(
        "The Kremlin said the talks had failed. The White House said it would respond."
    )
    (document,) = documents
    assert primary_of(result, document, "The Kremlin") == "Russia"
    assert primary_of(result, document, "The White House") == "United States"


def test_demonym_relates_a_point_to_its_country():
    documents, result = attribute("French President Emmanuel Macron arrived in Moscow.")
    point = result.points[(documents[0].id, 0)]
    assert point.primary == "Emmanuel Macron"
    assert "France" in point.others
    assert "Russia" in point.others


@pytest.mark.parametrize(
    ("sentence", "country"),
    [
        ("The Colombian government cut subsidies for the poor.", "Colombia"),
        ("Nigerian officials said the oil output fell.", "Nigeria"),
        ("Peruvian miners went on strike on Monday.", "Peru"),
    ],
)
def test_demonyms_outside_the_alias_book_relate_to_their_country(sentence, country):
    documents, result = attribute(sentence)
    point = result.points[(documents[0].id, 0)]
    assert country in result.actors and country in (point.primary, *point.others)


def test_a_demonym_shared_by_two_countries_names_neither():
    _, result = attribute("Korean exports rose sharply in May.")
    assert not {"Korea", "North Korea", "South Korea"} & set(result.actors)


def test_nationality_noun_is_not_part_of_a_name():
    _, result = attribute("Dutchman Peter Haverkamp lost to Daniela Korvanova.")
    assert "Peter Haverkamp" in result.actors
    assert "Netherlands" not in {a for a in result.actors if "Haverkamp" in a}


def test_known_place_keeps_its_given_name_part():
    tokens = "Thomas Brennock sued Apple in San Jose .".split()
    assert (5, 7, "LOC") in tag_tokens(tokens)


def test_regional_nationality_word_is_not_part_of_a_name():
    _, result = attribute("Californian Thomas Brennock filed the suit.")
    assert "Thomas Brennock" in result.actors


def test_party_nicknames_name_the_party():
    _, result = attribute("The Tories attacked Labour. Labour has unveiled a slogan.")
    assert result.actors["Conservative Party"].kind == ORGANISATION
    assert result.actors["Labour Party"].mentions == 2


def test_all_caps_headline_names_join_their_actor():
    _, result = attribute("PUTIN WARNS NATO OVER UKRAINE\n\nMr Putin spoke on Friday.")
    assert result.actors["Vladimir Putin"].mentions == 2
    assert result.actors["NATO"].kind == ORGANISATION


def test_kinds_are_person_organisation_and_place():
    _, result = attribute("Angela Merkel met NATO officials and the Bank of England in Berlin.")
    assert result.actors["Angela Merkel"].kind == PERSON
    assert result.actors["NATO"].kind == ORGANISATION
    assert result.actors["Bank of England"].kind == ORGANISATION
    assert result.actors["Germany"].kind == PLACE  # Berlin stands for its country


# ---------------------------------------------------------------- the alias file


def test_user_alias_file_adds_an_actor(tmp_path):
    extra = tmp_path / "mine.toml"
    extra.write_text('[people."Anna Lindqvist"]\naliases = ["Lindqvist", "the minister"]\n')
    book = load_aliases(extra)
    assert book.names["Lindqvist"] == "Anna Lindqvist"
    assert book.names["Putin"] == "Vladimir Putin"  # the bundled defaults are still there
    _, result = attribute("Ms Lindqvist said the plan would work.", aliases=book)
    assert "Anna Lindqvist" in result.actors


def test_user_alias_file_overrides_a_bundled_actor(tmp_path):
    extra = tmp_path / "mine.toml"
    extra.write_text(
        '[places."USA"]\naliases = ["US", "U.S.", "United States", "America"]\n'
        '[organisations."Washington Post"]\naliases = ["Washington"]\n'
    )
    book = load_aliases(extra)
    _, result = attribute("The US said it would act. America agreed.", aliases=book)
    assert "USA" in result.actors
    assert "United States" not in result.actors
    assert book.names["Washington"] == "Washington Post"


# ---------------------------------------------------------------- who speaks or acts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Angela Merkel said the euro was safe.", "Angela Merkel"),
        ("The euro is safe, said Angela Merkel.", "Angela Merkel"),
        ("“The euro is safe,” said Mrs Merkel.", "Angela Merkel"),
        ("According to Angela Merkel, the euro is safe.", "Angela Merkel"),
        ("Angela Merkel told reporters the euro was safe.", "Angela Merkel"),
        ("Angela Merkel warned that the euro was at risk.", "Angela Merkel"),
    ],
)
def test_speaker_is_the_primary_actor(text, expected):
    documents, result = attribute("Angela Merkel arrived in Paris. " + text)
    point = result.points[(documents[0].id, 1)]
    assert point.primary == expected


def test_speaker_wins_over_an_earlier_name_in_the_sentence():
    documents, result = attribute(
        "Ahead of the meeting with Joe Biden, Russia's foreign minister Sergei Lavrov said "
        "nothing had changed."
    )
    assert result.points[(documents[0].id, 0)].primary == "Sergei Lavrov"


def test_quote_attributed_in_the_next_sentence():
    documents, result = attribute(
        "Boris Johnson visited the factory.\n\n“We will get this done. We always do,” "
        "said Rishi Sunak."
    )
    (document,) = documents
    assert primary_of(result, document, "“We will get") == "Rishi Sunak"


def test_quote_after_an_attributed_quote_keeps_the_speaker():
    documents, result = attribute(
        "Boris Johnson visited the factory. “We are disappointed,” said Mr Sunak. "
        "“We will appeal.”"
    )
    (document,) = documents
    assert primary_of(result, document, "“We will appeal") == "Rishi Sunak"


def test_multi_paragraph_quote_keeps_its_speaker():
    documents, result = attribute(
        "Olaf Scholz arrived in Kyiv.\n\n"
        "Angela Merkel said on Monday: “We will stand by Ukraine.\n\n"
        "“Nobody in Europe should doubt it.\n\n"
        "“This is our promise.”\n\n"
        "Russia rejected the remarks."
    )
    (document,) = documents
    assert primary_of(result, document, "“Nobody in Europe") == "Angela Merkel"
    assert primary_of(result, document, "“This is our promise") == "Angela Merkel"
    assert primary_of(result, document, "Russia rejected") == "Russia"


_LEANING_TEXT = (
    "Olaf Scholz arrived in Kyiv on Monday.\n\n"
    "Angela Merkel said on Monday: “We will stand by Ukraine.\n\n"
    "“Nobody in Europe should doubt it.\n\n"
    "“This is our promise.”\n\n"
    "“We will win. We always do,” she said. Defence Secretary Ben Wallace warned of an attack. "
    "Speaking in London, he said talks were failing. Russia rejected the remarks. "
    "They called them a provocation. Mr Wallace said he would fly to Kyiv."
)


def _primaries(text: str):
    from briefing.actors.attribution import Primaries, sentence_primaries
    from briefing.actors.naming import document_names
    from briefing.actors.reading import name_reader, read_names

    reader = name_reader()
    reading = read_names(make_document("a0", text), reader)
    names = document_names(reading, reader.book)
    return (lambda: Primaries(reading, names, {})), sentence_primaries(reading, names, {})


def test_a_point_asked_about_alone_gets_the_primary_a_reading_of_every_sentence_gives():
    fresh, every = _primaries(_LEANING_TEXT)
    assert "Angela Merkel" in every and "Ben Wallace" in every  # quotes and pronouns lean
    for position in range(len(every)):
        assert fresh().of(position) == every[position]
    backwards = fresh()
    assert [backwards.of(i) for i in reversed(range(len(every)))] == every[::-1]


def test_a_point_naming_its_own_speaker_reads_no_sentence_before_it():
    fresh, every = _primaries(_LEANING_TEXT)
    last = len(every) - 1
    primaries = fresh()
    assert primaries.of(last) == "Ben Wallace"  # "Mr Wallace said ..."
    assert primaries.next == 0  # nothing was read in order to find it
    assert primaries.of(8) == "Russia" and primaries.next == 0  # "Russia rejected ..."
    # "Speaking in London, he said ...": the pronoun needs the sentences before it.
    assert primaries.of(7) == "Ben Wallace" and primaries.next == 8
    assert primaries.of(9) == "Russia"  # "They called ...": read on from there


def test_an_actor_counts_every_mention_under_every_spelling():
    _, result = attribute(
        "Vladimir Putin met officials. Mr Putin said little. Putin left. "
        "Russia said Putin met them.",
        "President Putin flew to Minsk. Putin smiled. Belarus welcomed Putin.",
    )
    putin = result.actors["Vladimir Putin"]
    assert putin.mentions == 7
    assert putin.aliases == ("Putin",)
    assert result.named["a0"]["Vladimir Putin"] == 4 and result.named["a1"]["Vladimir Putin"] == 3
    assert list(result.named["a0"]) == ["Vladimir Putin", "Russia"]  # in order of first mention


def test_pronoun_speaker_resolves_to_the_previous_person():
    documents, result = attribute(
        "Russia moved troops. Defence Secretary Ben Wallace warned of an attack. "
        "Speaking in London, he said on Friday that talks were failing."
    )
    (document,) = documents
    assert primary_of(result, document, "Speaking in London") == "Ben Wallace"


def test_pronoun_follows_gender():
    documents, result = attribute(
        "Mrs Merkel met Mr Macron in Berlin. She said the talks went well."
    )
    (document,) = documents
    assert primary_of(result, document, "She said") == "Angela Merkel"


def test_pronoun_after_a_conjunction_resolves():
    documents, result = attribute(
        "Mr Blair met Gordon Brown. And he again heaped praise on the chancellor."
    )
    (document,) = documents
    assert primary_of(result, document, "And he again") == "Tony Blair"


def test_one_word_company_is_never_he():
    documents, result = attribute(
        "Alan Whitcombe spoke first. The Tories were absent and Norvex was silent. "
        "Nobody, he claimed, could picture it."
    )
    (document,) = documents
    assert primary_of(result, document, "Nobody, he claimed") == "Alan Whitcombe"


def test_subject_acts_when_nobody_speaks():
    documents, result = attribute(
        "For an hour on Saturday, Mr Macron gave it another shot. NATO expanded again."
    )
    (document,) = documents
    assert primary_of(result, document, "For an hour") == "Emmanuel Macron"
    assert primary_of(result, document, "NATO expanded") == "NATO"


def test_a_country_describing_a_company_leaves_the_company_acting():
    documents, result = attribute(
        "US aircraft firm Aerion has unveiled a new plane. Spain's Castrel bought a stake."
    )
    (document,) = documents
    assert primary_of(result, document, "US aircraft firm") == "Aerion"
    assert "United States" in result.points[(document.id, 0)].others
    assert primary_of(result, document, "Spain's Castrel") == "Castrel"


def test_speaker_named_with_the_body_they_lead():
    documents, result = attribute(
        "“We want to ensure success,” said NMA chairman Peter Lindqvist."
    )
    assert result.points[(documents[0].id, 0)].primary == "Peter Lindqvist"
    assert "NMA" in result.points[(documents[0].id, 0)].others


def test_first_of_two_joined_actors_acts():
    documents, result = attribute("France and Germany vowed to cut their deficits.")
    assert result.points[(documents[0].id, 0)].primary == "France"


def test_speaker_before_a_bracketed_acronym():
    documents, result = attribute(
        "Sales fell 1% in December, the Office for National Statistics (ONS) said."
    )
    assert result.points[(documents[0].id, 0)].primary == "Office for National Statistics"


def test_one_word_name_never_titled_is_shown_as_an_organisation():
    _, result = attribute("Shares in Norvex fell. Norvex said it would appeal.")
    assert result.actors["Norvex"].kind == ORGANISATION


def test_nobody_acts_in_a_sentence_without_actors():
    documents, result = attribute("The weather was cold all week.")
    assert result.points[(documents[0].id, 0)].primary is None


def test_every_point_gets_an_entry_even_for_unknown_articles():
    result = find_actors([], [KeyPoint("missing", 3, "Text.", 1.0)])
    assert result.points[("missing", 3)].primary is None


# ---------------------------------------------------------------- detection


def test_tag_tokens_types_people_organisations_and_places():
    tokens = "Vladimir Putin met Microsoft Corp executives in Moscow .".split()
    assert tag_tokens(tokens) == [(0, 2, "PER"), (3, 5, "ORG"), (7, 8, "LOC")]


def test_demonyms_and_sentence_initial_words_are_not_entities():
    tokens = "The Russian army said it would stay .".split()
    assert tag_tokens(tokens) == []



@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Engineers closed the Old Mill bridge on Friday .", [(3, 5, "LOC")]),
        ("Harbour City won the final , beating Eastport 5-4 .", [(0, 2, "ORG"), (7, 8, "ORG")]),
        ("Students had asked for longer hours .", []),
        ("The city council of Riverton met .", [(4, 5, "LOC")]),
        ("Sullivan had warned of an attack .", [(0, 1, "PER")]),
    ],
    ids=["place-before-bridge", "club-and-score", "plural-common-noun", "town-of-its-council",
         "surname-as-subject"],
)
def test_unknown_names_are_typed_by_what_surrounds_them(sentence, expected):
    assert tag_tokens(sentence.split()) == expected


# ---------------------------------------------------------------- the seed article


@pytest.fixture(scope="module")
def seed() -> tuple[Document, Attribution]:
    text = (ROOT / "seeds" / "000_97774acbdb55f87b.txt").read_text("utf-8")
    paragraphs = [p for p in text.split("\n\n") if p.strip()][2:-1]  # title, furniture
    (document,), result = attribute("\n\n".join(paragraphs))
    return document, result


def test_seed_names_each_of_its_four_people_once(seed):
    _, result = seed
    people = {name for name, actor in result.actors.items() if actor.kind == PERSON}
    assert {"Vladimir Putin", "Joe Biden", "Emmanuel Macron", "Jake Sullivan"} <= people
    assert not {"Putin", "Mr Putin", "Biden", "Mr Biden", "Macron", "Sullivan"} & set(
        result.actors
    )


def test_seed_keeps_countries_apart_from_people(seed):
    _, result = seed
    assert result.actors["Russia"].kind == PLACE
    assert result.actors["United States"].kind == PLACE
    assert "White House" in result.actors["United States"].aliases


@pytest.mark.parametrize(
    ("starts_with", "expected"),
    [
        ("Speaking from the White House, he said", "Jake Sullivan"),
        ("“As we’ve said before", "Jake Sullivan"),
        ("“Any American in Ukraine", "Jake Sullivan"),
        ("A statement released by the White House", "Joe Biden"),
        ("For an hour and 40 minutes", "Emmanuel Macron"),
        ("He told Mr Putin", "Emmanuel Macron"),
        ("The Ministry said", "Russian Ministry of Foreign Affairs"),
        ("US National Security Adviser Jake Sullivan warned", "Jake Sullivan"),
    ],
)
def test_seed_sentences_are_attributed_like_a_careful_reader(seed, starts_with, expected):
    document, result = seed
    assert primary_of(result, document, starts_with) == expected


def test_seed_first_sentence_is_about_the_us_or_russia(seed):
    document, result = seed
    assert primary_of(result, document, "The telephone call") in {"United States", "Russia"}


# ---------------------------------------------------------------- headings a reader trusts

NO_WORDS = Context(frozenset())


def lead_primary(*texts: str) -> str | None:
    """The primary actor of the first sentence of the first text."""
    documents, result = attribute(*texts)
    return result.points[(documents[0].id, 0)].primary


def heading_refusal(*texts: str, name: str) -> str | None:
    _, result = attribute(*texts)
    return result.actors[name].not_a_heading


def test_a_film_named_after_its_noun_is_never_a_heading():
    assert heading_refusal(
        "Her new film Silent Harbour opened on Friday. Silent Harbour took $4m in a week.",
        name="Silent Harbour") == "a work or event"


def test_a_title_with_the_inside_is_a_work_not_a_person():
    evidence = Evidence("Meet The Harpers", PERSON, mentions=3)
    assert not_a_heading(evidence, NO_WORDS) == "a work or event"


def test_a_reporting_outlet_is_the_source_not_the_actor():
    text = ("Carlen Motors is in talks to sell its stake in a rival, the Financial Times has "
            "reported.")
    assert lead_primary(text) == "Carlen Motors"
    assert heading_refusal(text, name="Financial Times") == "a news outlet"


def test_an_outlet_whose_own_story_it_is_may_head_it():
    document = make_document("a0", "Reuters beat profit forecasts for the year. Revenues at "
                             "Reuters slipped as the dollar fell.")
    titled = replace(document, article=replace(document.article, title="Strike hits Reuters"))
    points = [KeyPoint(titled.id, s.index, s.text, 1.0) for s in titled.sentences]
    assert find_actors([titled], points).actors["Reuters"].not_a_heading is None


def test_according_to_a_wire_service_names_no_speaker():
    assert lead_primary("Dorvan Bank will cut 500 jobs, according to Reuters.") != "Reuters"


def test_a_dateline_is_not_the_subject():
    text = "Lagos, Nigeria (CNN)Ada Okonkwo won the vote, officials said."
    assert lead_primary(text) == "Ada Okonkwo"


def test_demonym_company_x_goes_under_x():
    documents, result = attribute(
        "Russian oil and gas company Norvex is due in a US court on Monday.")
    point = result.points[(documents[0].id, 0)]
    assert point.primary == "Norvex"
    assert "Russia" in point.others


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Ireland Steel said its steel output fell sharply.", "Ireland Steel"),
        ("Lyon Textile makes cloth. The textile maker said sales rose.", "Lyon Textile"),
        ("Air France cut its fares on Monday.", "Air France"),
        ("The Bank of England held rates on Thursday.", "Bank of England"),
    ],
)
def test_an_organisation_whose_name_opens_with_a_place_stays_one_name(text, name):
    documents, result = attribute(text)
    assert result.points[(documents[0].id, 0)].primary == name
    assert result.actors[name].kind == ORGANISATION
    assert not {"Coal", "Auto"} & set(result.actors)


def test_an_abbreviated_province_after_a_town_is_no_actor():
    _, result = attribute("The plant in Brandon, Man. will close next year.")
    assert set(result.actors) == {"Brandon"}


def test_a_job_title_inside_a_run_splits_the_person_from_the_body():
    text = "Stanhope Polytechnic Professor Anil Varma said the idea was simple."
    assert lead_primary(text) == "Anil Varma"


def test_a_company_described_as_one_is_an_organisation_even_after_in():
    _, result = attribute(
        "Shares rose after the board of Indian conglomerate Kelvara met. "
        "Investors bought a stake in Kelvara.")
    assert result.actors["Kelvara"].kind == ORGANISATION
    assert result.actors["Kelvara"].not_a_heading is None


def test_an_acronym_seen_only_in_capital_headlines_is_no_heading():
    evidence = Evidence("FTR", ORGANISATION, mentions=2, in_headline=2)
    assert not_a_heading(evidence, NO_WORDS) == "an acronym only in headlines"


def test_a_surname_alone_is_no_heading():
    assert heading_refusal("Lord Penrose, 93, has died.", name="Penrose") == (
        "a person not named in full")


def test_two_capitalised_words_with_no_sign_of_a_person_are_no_heading():
    evidence = Evidence("Finding Harbour", PERSON, mentions=2, first_word_common=True,
                        surfaces={"Finding Harbour", "Harbour"})
    assert not_a_heading(evidence, NO_WORDS) == "a person with no sign of one"
    named = Evidence("Ada Okonkwo", PERSON, mentions=2, gendered=True)
    assert not_a_heading(named, NO_WORDS) is None


def test_a_place_the_gazetteer_does_not_know_is_no_heading():
    evidence = Evidence("Dunmere", PLACE, mentions=1)
    assert not_a_heading(evidence, NO_WORDS) == "a place the gazetteer does not know"


def test_a_common_word_left_from_a_longer_name_is_no_heading():
    evidence = Evidence("Coal", ORGANISATION, mentions=2)
    assert not_a_heading(evidence, Context(frozenset({"coal"}))) == "a common word"


def test_a_ship_is_no_heading():
    assert not_a_heading(Evidence("HMS Dauntless", ORGANISATION, mentions=1), NO_WORDS) == (
        "a vessel")


def test_every_heading_rule_has_a_name_and_a_docstring():
    assert len({name for name, _ in HEADING_RULES}) == len(HEADING_RULES)
    assert all(rule.__doc__ for _, rule in HEADING_RULES)


# ---------------------------------------------------------------- one pronoun resolver

def test_one_gender_rule_for_both_stages():
    assert pronouns.gender_of("female", "male", ["John"]) == "female"  # the alias book first
    assert pronouns.gender_of(None, pronouns.title_gender("Miss"), ["John"]) == "female"
    assert pronouns.gender_of(None, None, ["John"]) == "male"
    assert pronouns.gender_of(None, None, ["John", "Mary"]) is None  # two ways: unsure


def test_strict_mode_refuses_what_the_loose_mode_guesses():
    lee = pronouns.Person("Mr Lee", "male", False)
    kim = pronouns.Person("Dana Kim", None, False)
    people = [[lee, kim], []]
    assert pronouns.strict_referent(1, "male", people, lambda i: None) is None  # Kim unknown
    history = pronouns.History([("Mr Lee", PERSON)], [["Mr Lee", "Dana Kim"]])
    genders = {"Mr Lee": "male", "Dana Kim": None}
    assert pronouns.loose_referent("He", history, [], genders) == "Mr Lee"
    assert pronouns.strict_referent(1, "male", [[lee], []], lambda i: None) == lee


def test_a_role_noun_before_two_names_makes_a_person_even_when_one_is_a_town():
    assert lead_primary("Leicester wing Austin Pellow hopes to win a recall.") == "Austin Pellow"


def test_a_lone_name_spoken_of_as_a_club_is_an_organisation():
    _, result = attribute(
        "Harwick captain Tom Reid scored twice. The Harwick fans sang until the end.")
    assert result.actors["Harwick"].kind == ORGANISATION
    assert result.actors["Harwick"].not_a_heading is None


def test_a_name_described_as_a_group_past_the_is_an_organisation():
    _, result = attribute("Electro-rock group The Marrows topped the poll. Marrows won again.")
    assert result.actors["Marrows"].not_a_heading is None


def test_names_and_country_adjectives_are_read_in_the_order_they_stand():
    from briefing.actors.reading import name_reader, read_names

    document = make_document("a0", "Angela Merkel met Russian and North Korean envoys in Paris. "
                                   "Angela Merkel flew home.")
    first, second = read_names(document, name_reader())
    surfaces = [(m.surface, m.modifier) for m in first.mentions]
    assert surfaces == [("Angela Merkel", False), ("Russian", True), ("North Korean", True),
                        ("Paris", False)]
    assert [m.start for m in first.mentions] == sorted(m.start for m in first.mentions)
    assert [(m.surface, m.modifier) for m in second.mentions] == [("Angela Merkel", False)]
