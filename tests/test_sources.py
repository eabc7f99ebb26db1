"""Reading articles from files: every format, and every bad input reported by name."""

import json

import pytest

from briefing.sources.files import read_inputs

BODY = (
    "The city council approved a new budget on Monday after a long debate.\n\n"
    "Mayor Jane Doe said the plan would cut costs by ten percent."
)


def write(path, content):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def test_txt_first_line_is_the_title(tmp_path):
    write(tmp_path / "budget.txt", "Council passes budget\n\n" + BODY)
    harvest = read_inputs([tmp_path])
    [article] = harvest.articles
    assert article.id == "budget"
    assert article.title == "Council passes budget"
    assert article.text.strip().startswith("The city council")
    assert harvest.problems == []


def test_markdown_heading_and_links_become_plain_text(tmp_path):
    write(tmp_path / "a.md", "# Council passes budget\n\nThe [council](https://x.test) met.\n")
    [article] = read_inputs([tmp_path]).articles
    assert article.title == "Council passes budget"
    assert "The council met." in article.text


def test_html_keeps_text_only(tmp_path):
    page = (
        "<html><head><title>Council passes budget</title><script>alert('x')</script></head>"
        "<body><article><h1>Council passes budget</h1>"
        "<p onclick=\"steal()\">The city council approved a new budget on Monday after a long "
        "debate about schools and roads.</p><p>Mayor Jane Doe said the plan would cut costs "
        "by ten percent across all departments.</p></article></body></html>"
    )
    write(tmp_path / "page.html", page)
    [article] = read_inputs([tmp_path]).articles
    assert article.title == "Council passes budget"
    assert "alert" not in article.text and "steal" not in article.text
    assert "Mayor Jane Doe said" in article.text


def test_jsonl_reads_every_line_and_reports_bad_ones(tmp_path):
    lines = [
        json.dumps({"id": "a1", "title": "One", "text": BODY, "url": "https://news.test/1",
                    "source": "News", "published": "2026-11-27T08:00:00Z"}),
        "{not json",
        json.dumps({"id": "a2", "title": "Two"}),
        json.dumps({"id": "a3", "title": "Three", "text": BODY}),
    ]
    write(tmp_path / "day.jsonl", "\n".join(lines) + "\n")
    harvest = read_inputs([tmp_path / "day.jsonl"])
    assert [a.id for a in harvest.articles] == ["a1", "a3"]
    assert harvest.articles[0].url == "https://news.test/1"
    assert harvest.articles[0].published.year == 2026
    reasons = {p.source: p.reason for p in harvest.problems}
    assert reasons[f"{tmp_path / 'day.jsonl'}:2"].startswith("not JSON")
    assert reasons[f"{tmp_path / 'day.jsonl'}:3"] == "missing text"


def test_bad_files_are_reported_by_name_and_the_rest_are_read(tmp_path):
    write(tmp_path / "good.txt", "Council passes budget\n\n" + BODY)
    write(tmp_path / "empty.txt", "")
    write(tmp_path / "binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    write(tmp_path / "latin1.txt", "Caf\xe9 news\n\nLe caf\xe9 est ouvert.".encode("latin-1"))
    write(tmp_path / "huge.txt", "Big\n\n" + "word " * 3000)
    write(tmp_path / "notes.pdf", b"%PDF-1.4")
    harvest = read_inputs([tmp_path], max_bytes=10_000)
    assert [a.id for a in harvest.articles] == ["good"]
    reasons = {p.source.rsplit("/", 1)[-1]: p.reason for p in harvest.problems}
    assert reasons["empty.txt"] == "empty file"
    assert reasons["binary.txt"] == "binary file, not text"
    assert reasons["latin1.txt"].startswith("not UTF-8 text")
    assert reasons["huge.txt"].startswith("too large")
    assert "notes.pdf" not in reasons  # folders are scanned for article files only


def test_missing_input_is_a_problem_not_a_crash(tmp_path):
    harvest = read_inputs([tmp_path / "nowhere"])
    assert harvest.articles == []
    assert harvest.problems[0].reason == "no such file or folder"


def test_repeated_ids_are_made_unique(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    write(tmp_path / "x" / "story.txt", "One\n\n" + BODY)
    write(tmp_path / "y" / "story.txt", "Two\n\n" + BODY)
    ids = [a.id for a in read_inputs([tmp_path]).articles]
    assert ids == ["story", "story-2"]


# --- a hostile day (issue 16) ------------------------------------------------------


def test_one_bad_jsonl_line_costs_only_that_line(tmp_path):
    good = json.dumps({"id": "ok", "title": "Fine", "text": BODY})
    lines = [good, '{"id": "big", "n": ' + "9" * 4301 + "}", "[" * 1500 + "]" * 1500,
             '{"id": "deep", "text": ' + "[" * 1500 + "]" * 1500 + "}",
             json.dumps({"id": "ok2", "title": "Also fine", "text": BODY})]
    write(tmp_path / "day.jsonl", "\n".join(lines) + "\n")
    harvest = read_inputs([tmp_path / "day.jsonl"])
    assert [a.id for a in harvest.articles] == ["ok", "ok2"]
    reasons = [p.reason for p in harvest.problems]
    assert len(reasons) == 3
    assert reasons[0].startswith("not usable JSON (Exceeds the limit (4300 digits)")
    assert reasons[1] == reasons[2] == "not usable JSON (nested too deeply)"


def test_a_jsonl_article_without_a_title_is_titled_by_its_first_sentence(tmp_path):
    record = {"id": "t1", "text": "Mayor Jane Doe opened the bridge on Friday. "
                                  "It took three years to build.\n\nMore text follows."}
    long = {"id": "t2", "title": "  ", "text": "word " * 60 + "end. Second sentence."}
    write(tmp_path / "day.jsonl", json.dumps(record) + "\n" + json.dumps(long) + "\n")
    harvest = read_inputs([tmp_path / "day.jsonl"])
    assert harvest.problems == []
    first, second = harvest.articles
    assert first.title == "Mayor Jane Doe opened the bridge on Friday."
    assert first.text.startswith("Mayor Jane Doe opened")  # the text keeps its sentence
    assert len(second.title) <= 121 and second.title.endswith("…")


def test_an_unreadable_folder_is_named(tmp_path, monkeypatch):
    import os

    write(tmp_path / "news" / "good.txt", "Council passes budget\n\n" + BODY)
    locked = tmp_path / "news" / "locked"
    write(locked / "hidden.txt", "Hidden\n\n" + BODY)
    scandir = os.scandir

    def refusing(path="."):
        if os.fspath(path) == os.fspath(locked):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)  # chmod 000 means nothing to root
    harvest = read_inputs([tmp_path / "news"])
    assert [a.id for a in harvest.articles] == ["good"]
    assert [(p.source, p.reason) for p in harvest.problems] == [
        (str(locked), "cannot read this folder: Permission denied")]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig", "utf-32"])
def test_text_with_a_byte_order_mark_is_read_as_text(tmp_path, encoding):
    text = "Café reopens\n\nThe café in Zürich reopened on Monday after a long renovation."
    marked = "\ufeff" + text if encoding == "utf-16-be" else text  # the others add the mark
    write(tmp_path / "note.txt", marked.encode(encoding))
    harvest = read_inputs([tmp_path / "note.txt"])
    assert harvest.problems == []
    assert harvest.articles[0].title == "Café reopens"
    assert "Zürich" in harvest.articles[0].text


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from pathlib import Path

    huge = tmp_path / "huge.txt"
    with huge.open("wb") as file:
        file.truncate(200_000_000)  # sparse: 200 MB on paper, nothing on disk
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read whole"))
    opened = []
    real_open = Path.open
    monkeypatch.setattr(Path, "open", lambda self, *a, **k: opened.append(self)
                        or real_open(self, *a, **k))
    harvest = read_inputs([huge])
    assert harvest.problems[0].reason == "too large (200,000,000 bytes; the limit is 5,000,000)"
    assert opened == []
