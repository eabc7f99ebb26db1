"""The text stage drops page furniture by rule and keeps the reporting."""

import pytest

from briefing.models import Article
from briefing.nlp.text import is_caption, is_furniture, split_paragraphs, to_document


@pytest.mark.parametrize(
    "line",
    [
        "Subscribe to our newsletter",
        "Follow us on Twitter and Facebook!",
        "Share this story with your friends",
        "Advertisement",
        "Read more: The ten best trains of the year",
        "Photo: Reuters",
        "By Jane Smith",
        "Click here to sign up for alerts.",
        "Related stories",
        "Tap to love this post!",
    ],
)
def test_page_furniture_is_recognised(line):
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "Prices rose by 3% in March.",
        "Saturday's call is the result of heightened tensions throughout the week.",
        "The minister resigned on Tuesday.",
        "Shares in the company fell sharply after the announcement on Monday morning, "
        "traders said.",
    ],
)
def test_short_news_sentences_are_kept(line):
    assert not is_furniture(line)


def test_paragraphs_split_on_blank_lines_and_wrapped_lines_are_joined():
    text = "First line of a paragraph\ncontinues here.\n\nSecond paragraph."
    assert split_paragraphs(text) == [
        "First line of a paragraph continues here.",
        "Second paragraph.",
    ]


def test_one_paragraph_per_line_pages_are_split():
    text = "The first paragraph ends here.\nThe second one also ends.\n“A quote ends too.”"
    assert len(split_paragraphs(text)) == 3


def test_document_numbers_sentences_and_paragraphs_without_furniture():
    body = (
        "Spread the word\n\n"
        "The council met on Monday. It approved the budget.\n\n"
        "Like this? Share with your friends!\n\n"
        "The mayor welcomed the decision."
    )
    document = to_document(Article("a", "Budget", body))
    assert [(s.index, s.paragraph) for s in document.sentences] == [(0, 0), (1, 0), (2, 1)]
    assert all("Share" not in s.text and "Spread" not in s.text for s in document.sentences)


@pytest.mark.parametrize(
    ("body", "first"),
    [
        ("(CNN)Floods closed the main road into the valley on Sunday.",
         "Floods closed the main road into the valley on Sunday."),
        ("LONDON (Reuters) - Floods closed the main road into the valley on Sunday.",
         "Floods closed the main road into the valley on Sunday."),
        ("Cape Town, South Africa (CNN) -- Floods closed the main road on Sunday.",
         "Floods closed the main road on Sunday."),
        ("Riverton (CNN) Floods closed the main road on Sunday.",
         "Floods closed the main road on Sunday."),
        ("By . Jo Bloggs . PUBLISHED: . 09:12 EST, 2 May 2014 . | . UPDATED: . "
         "10:40 EST, 2 May 2014 . Floods closed the main road into the valley on Sunday.",
         "Floods closed the main road into the valley on Sunday."),
        ("By . Jo Bloggs . and Sam Roe . Last updated at 4:05 PM on 3rd May 2014 . "
         "Floods closed the main road into the valley on Sunday.",
         "Floods closed the main road into the valley on Sunday."),
        ("May 4, 2014 . Floods closed the main road into the valley on Sunday.",
         "Floods closed the main road into the valley on Sunday."),
    ],
)
def test_datelines_and_header_stamps_never_open_the_story(body, first):
    document = to_document(Article("a", "Floods", body))
    assert document.sentences[0].text == first


@pytest.mark.parametrize(
    "body",
    [
        "The Harbour Commission (HC) has called a truce in its battle with the city.",
        "Riverton Town Council (RTC) said the bridge would open in May.",
    ],
)
def test_a_name_spelt_out_before_its_initials_is_no_dateline(body):
    assert to_document(Article("a", "Truce", body)).sentences[0].text == body


def test_a_header_stops_at_the_first_sentence_of_the_story():
    body = "By . Jo Bloggs . This is the moment the river burst its banks . More rain came."
    assert to_document(Article("a", "", body)).sentences[0].text.startswith("This is the moment")


@pytest.mark.parametrize(
    "furniture",
    [
        # calls to action and credits in brackets go, however long the line runs on
        "Scroll down for video The river rose two metres overnight (Photo: Jo Bloggs/Agency).",
        "Read more: Why the valley floods every spring and what the council plans to do "
        "about it next year with the new money.",
        # a caption opens with a label
        "Rising water: A resident wades through the flooded high street of the town on Sunday",
    ],
)
def test_calls_to_action_credits_and_caption_paragraphs_are_left_out(furniture):
    body = f"The river rose two metres overnight.\n\n{furniture}\n\nResidents were moved."
    texts = [s.text for s in to_document(Article("a", "Floods", body)).sentences]
    kept = ["The river rose two metres overnight.", "Residents were moved."]
    assert texts in (kept, [kept[0], *kept])  # the first keeps its sentence, clean


def test_a_long_caption_that_only_describes_reads_alone_and_stays():
    body = (
        "The river rose two metres overnight.\n\n"
        "A resident wades through the flooded high street of the town on Sunday morning\n\n"
        "Residents were moved."
    )
    assert len(to_document(Article("a", "Floods", body)).sentences) == 3


def test_an_article_without_any_final_stop_keeps_its_text():
    body = "The river rose two metres overnight and the town was cut off from the coast"
    assert len(to_document(Article("a", "Floods", body)).sentences) == 1


@pytest.mark.parametrize(
    ("sentence", "caption"),
    [
        ("Rising water: A resident wades through the flooded high street .", True),
        ("Mr Lee said: The water came in an hour.", False),
        ('Warning: "Stay away from the river," the police said.', False),
        ("The river rose two metres overnight.", False),
    ],
)
def test_a_caption_is_a_short_label_a_colon_and_a_description(sentence, caption):
    assert is_caption(sentence) is caption


@pytest.mark.parametrize(
    "line",
    [
        "Please \u017fhare it, thanks.",  # a long s, which the case-blind pattern reads as "s"
        "Find us on Faceboo\u212a now.",  # a Kelvin sign, read as "k"
        "L\u0130NKED\u0130N and more.",  # a dotted capital I, read as "i"
        "\u00c0 la carte: subscribe.",  # not ASCII, but nothing read as another letter
        "SHARE it with everyone.",
    ],
)
def test_chrome_words_are_found_in_any_case_and_spelling_the_pattern_accepts(line):
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line", ["The shares fell sharply today.", "Caf\u00e9 owners met in town.", "He said."]
)
def test_words_that_only_contain_chrome_words_are_not_chrome(line):
    assert not is_furniture(line)
