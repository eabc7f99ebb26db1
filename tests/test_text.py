"""The text stage drops page furniture by rule and keeps the reporting."""

import pytest

from briefing.models import Article
from briefing.nlp.text import is_furniture, split_paragraphs, to_document


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
