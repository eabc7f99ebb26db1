"""End to end: articles in, the four briefing files out, through the real CLI."""

import datetime as dt
import email
import json
import re
import shutil
import subprocess
import sys
from email import policy
from pathlib import Path

import pytest
from conftest import BUDGET

from briefing.app.cli import main
from briefing.compose import Shape
from briefing.models import Article
from briefing.output.render import HTML_LIMIT, render
from briefing.pipeline import build_briefing
from briefing.summarize import ALGORITHMS

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATE = "2026-11-28"
FURNITURE = ("Spread the love", "Like it?", "Share with your friends")

def generate(*args: str) -> int:
    return main(["--quiet", "generate", *args, "--date", DATE])


def read_json(out: Path) -> dict:
    return json.loads((out / f"briefing-{DATE}.json").read_text())


def test_seed_briefing_has_one_group_per_actor_and_no_furniture(tmp_path):
    out = tmp_path / "out"
    assert generate(str(SEEDS), "--out", str(out)) == 0
    data = read_json(out)
    names = [actor["name"] for actor in data["actors"]]
    for person in ("Vladimir Putin", "Joe Biden", "Emmanuel Macron", "Jake Sullivan"):
        assert names.count(person) == 1, names
    for alias in ("Putin", "Mr Putin", "President Putin", "Biden", "Mr Biden", "Macron"):
        assert alias not in names
    points = [p["text"] for article in data["articles"] for p in article["points"]]
    assert len(points) == 3
    assert not any(f in point for point in points for f in FURNITURE)
    [article] = data["articles"]
    assert article["title"].startswith("Putin and Biden in high stakes phone call")


def test_seed_email_parses_into_text_and_inline_styled_html(tmp_path):
    out = tmp_path / "out"
    assert generate(str(SEEDS), "--out", str(out)) == 0
    message = email.message_from_bytes((out / f"briefing-{DATE}.eml").read_bytes(),
                                       policy=policy.default)
    assert message.get_content_type() == "multipart/alternative"
    parts = [part.get_content_type() for part in message.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    for header in ("Date", "Message-ID", "Subject", "From", "To"):
        assert message[header], header
    html = message.get_body(("html",)).get_content().replace("\r\n", "\n")
    assert html.rstrip() == (out / f"briefing-{DATE}.html").read_text().rstrip()
    data = read_json(out)
    for section in data["sections"]:
        if section["actor"]:
            assert f">{section['actor']}</h2>" in html
    assert 'class="actor" style="' in html  # CSS inlined onto the headings
    assert "@media" in html  # media queries kept for phones and dark mode
    text = message.get_body(("plain",)).get_content()
    written = (out / f"briefing-{DATE}.txt").read_text()
    assert text.replace("\r\n", "\n").rstrip() == written.rstrip()


def test_points_are_listed_once_under_their_primary_actor(tmp_path):
    out = tmp_path / "out"
    (tmp_path / "in").mkdir()
    shutil.copy(SEEDS / "000_97774acbdb55f87b.txt", tmp_path / "in")
    (tmp_path / "in" / "budget.txt").write_text(BUDGET)
    assert generate(str(tmp_path / "in"), "--out", str(out), "--points", "4") == 0
    data = read_json(out)
    listed = [(p["article_id"], p["index"]) for s in data["sections"] for p in s["points"]]
    chosen = [(a["id"], p["index"]) for a in data["articles"] for p in a["points"]]
    assert sorted(listed) == sorted(chosen)
    assert len(set(listed)) == len(listed)
    groups = [s["actor"] for s in data["sections"]]
    assert None not in groups[:-1]  # points with no actor come last, if any
    sizes = [len(s["points"]) for s in data["sections"] if s["actor"]]
    assert sizes == sorted(sizes, reverse=True)


def test_bad_inputs_are_reported_and_the_rest_still_make_the_briefing(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.txt").write_text(BUDGET)
    (inputs / "empty.txt").write_text("")
    (inputs / "binary.txt").write_bytes(b"\x00\x01\x02\x03 binary")
    (inputs / "latin1.txt").write_bytes("Caf\xe9\n\nLe caf\xe9 ferme.".encode("latin-1"))
    (inputs / "hostile.html").write_text(
        "<html><head><title>Storm &lt;b&gt;warning&lt;/b&gt;</title>"
        "<script>document.location='https://evil.test'</script></head><body><article>"
        "<h1>Storm warning</h1><p onmouseover=\"alert(1)\">Forecasters in Riverton warned on "
        "Tuesday that a severe storm would reach the coast by Thursday evening.</p>"
        "<p>Residents were told to stay indoors, the weather service said in a statement."
        "</p></article></body></html>"
    )
    (inputs / "day.jsonl").write_text(
        '{"id": "j1", "title": "Rail <script>alert(1)</script> strike", "text": '
        '"Rail workers in Riverton will strike on Friday, their union said. '
        'The strike will close every line for a day, the operator warned."}\n'
        "this line is not json\n"
    )
    out = tmp_path / "out"
    assert generate(str(inputs), "--out", str(out)) == 0
    data = read_json(out)
    assert {a["id"] for a in data["articles"]} == {"good", "hostile", "j1"}
    problems = {Path(p["source"]).name: p["reason"] for p in data["problems"]}
    assert problems["empty.txt"] == "empty file"
    assert problems["binary.txt"] == "binary file, not text"
    assert problems["latin1.txt"].startswith("not UTF-8")
    assert problems["day.jsonl:2"].startswith("not JSON")
    html = (out / f"briefing-{DATE}.html").read_text()
    assert "<script" not in html and "onmouseover" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html  # shown as text, escaped
    assert "empty.txt" in html  # the footer names what was left out
    assert str(inputs) not in html  # by file name: readers need not see our folders


def test_nothing_usable_is_an_error_with_one_line(tmp_path, capsys):
    (tmp_path / "empty.txt").write_text("")
    assert generate(str(tmp_path / "empty.txt"), "--out", str(tmp_path / "out")) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("error: no usable articles")


def test_subject_and_title_cannot_inject_headers(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFING_SUBJECT", "News {date}\r\nBcc: victim@example.test")
    (tmp_path / "a.txt").write_text("Title\r\nBcc: x@example.test\n\n" + BUDGET)
    out = tmp_path / "out"
    assert generate(str(tmp_path / "a.txt"), "--out", str(out)) == 0
    raw = (out / f"briefing-{DATE}.eml").read_bytes()
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message["Bcc"] is None
    assert message["Subject"] == f"News {DATE} Bcc: victim@example.test"


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_summarize_prints_best_points_first_for_every_algorithm(tmp_path, capsys, algorithm):
    record = {"id": "b1", "title": "Council passes budget", "text": BUDGET.split("\n\n", 1)[1]}
    other = {"id": "b2", "title": "Rail strike", "text": (
        "Rail workers in Riverton will strike on Friday, their union said. "
        "The strike will close every line for a day, the operator warned. "
        "Talks between the union and the operator broke down on Wednesday night. "
        "Commuters were advised to work from home if they can.")}
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(record) + "\n" + json.dumps(other) + "\n")
    assert main(["summarize", str(source), "--algorithm", algorithm, "--points", "2"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    results = [json.loads(line) for line in lines]
    assert [r["id"] for r in results] == ["b1", "b2"]
    for result in results:
        points = result["points"]
        assert 1 <= len(points) <= 2
        assert set(points[0]) == {"text", "index", "score"}
        scores = [p["score"] for p in points]
        assert scores == sorted(scores, reverse=True)
        assert len({p["index"] for p in points}) == len(points)
    from briefing.nlp.text import to_document
    from briefing.sources.files import parse_plain
    document = to_document(parse_plain(BUDGET, "b1"))
    for point in results[0]["points"]:
        assert document.sentences[point["index"]].text == point["text"]


def test_unknown_algorithm_is_refused_with_the_choices(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["generate", "--algorithm", "magic"])
    assert exit_info.value.code == 2
    assert "choose from" in capsys.readouterr().err


@pytest.mark.parametrize("command", [[], ["generate"], ["summarize"]])
def test_help_is_available_everywhere(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])
    assert exit_info.value.code == 0
    assert "usage:" in capsys.readouterr().out


def test_run_briefing_alone_writes_todays_briefing_from_seeds(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "seeds")
    result = subprocess.run(
        [sys.executable, str(ROOT / "run_briefing.py")],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    today = dt.date.today().isoformat()
    for suffix in ("html", "txt", "json", "eml"):
        path = tmp_path / "out" / f"briefing-{today}.{suffix}"
        assert path.is_file()
        assert str(Path("out") / path.name) in result.stdout


def test_seed_story_stays_under_one_actor_with_the_others_in_also(tmp_path):
    out = tmp_path / "out"
    assert generate(str(SEEDS), "--out", str(out)) == 0
    data = read_json(out)
    [section] = [s for s in data["sections"] if s["points"]]
    [story] = section["stories"]
    assert len(story["points"]) == 3
    assert section["actor"] == "Vladimir Putin"
    assert {"Joe Biden", "United States"} <= set(story["others"])
    text = (out / f"briefing-{DATE}.txt").read_text()
    assert "Also: " in text and text.count("Vladimir Putin (person)") == 1


def _word(number: int) -> str:
    """An invented lower-case word, different for every number: 0 -> "ba", 1 -> "be" ..."""
    letters = ""
    for _ in range(4):
        number, rest = divmod(number, 20)
        letters += "bcdfghklmnprstvzjwxy"[rest] + "aeiou"[rest % 5]
    return letters


def many_articles(count: int) -> list[Article]:
    """Unrelated articles: each about its own invented company, in words no other one uses."""
    articles = []
    for i in range(count):
        words = [_word(i * 7 + k) for k in range(7)]
        company = words[0].capitalize() + " Industries"
        articles.append(Article(
            f"n{i}", f"{company} plans {words[1]} {words[2]}",
            f"{company} will {words[1]} its {words[2]} {words[3]} on Monday, its chief said. "
            f"The {words[4]} {words[5]} will {words[6]} the {words[3]} next year, it added.",
            url=f"https://news.example/{i}", source="Example News"))
    return articles


def test_a_huge_day_keeps_the_html_under_gmails_clip_and_lists_every_story_elsewhere():
    briefing = build_briefing(many_articles(1500), dt.date(2026, 11, 28))
    rendered = render(briefing, "Briefing")
    assert len(rendered.html.encode("utf-8")) <= HTML_LIMIT
    assert "more</li>" in rendered.html  # "and N more" closes the Also today list
    assert len(rendered.data["left_out_stories"]) == len(briefing.left_out)
    stories = {s["id"]: s for s in rendered.data["stories"]}
    shown = {p["article_id"] for s in rendered.data["sections"] for p in s["points"]}
    listed = {a for i in rendered.data["left_out_stories"] for a in stories[i]["articles"]}
    assert shown | listed == {f"n{i}" for i in range(1500)}  # nothing dropped silently
    assert all(stories[i]["title"] in rendered.text for i in rendered.data["left_out_stories"])


def test_sections_too_long_for_one_message_move_their_last_stories_to_also_today():
    def sentence(i: int, n: int) -> str:  # as long as a point may be (60 words)
        return f"Kelvar{i} Group said " + " ".join(_word(i * 2000 + n * 500 + k)
                                                   for k in range(55)) + "."

    articles = [Article(f"long{i}", f"Kelvar{i} Group report",
                        " ".join(sentence(i, n) for n in range(3)),
                        url=f"https://news.example/long{i}", source="Example News")
                for i in range(300)]
    # A reader who allows a section per company: the message itself must stay whole.
    briefing = build_briefing(articles, dt.date(2026, 11, 28), cluster=False,
                              shape=Shape(points_per_actor=5, actors_per_briefing=300))
    rendered = render(briefing, "Briefing")
    assert len(rendered.html.encode("utf-8")) <= HTML_LIMIT
    assert rendered.html.count("<li>") > len(briefing.left_out)  # shown stories moved there
    # Each article is summarised or listed in the HTML, or counted in its closing "and N more";
    # the JSON keeps every one.
    shown = sum(f'href="{article.url}"' in rendered.html for article in articles)
    more = re.search(r"<li>and (\d+) more</li>", rendered.html)
    assert shown + (int(more.group(1)) if more else 0) == len(articles)
    assert len(rendered.data["articles"]) == len(articles)
