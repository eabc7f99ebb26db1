"""One story, many outlets: clustering, credited points, and what is new since yesterday."""

import datetime as dt
import json

from briefing import stories
from briefing.app.cli import main
from briefing.models import Article
from briefing.nlp.stems import content_stems
from briefing.nlp.text import to_document
from briefing.stories import cluster_articles, overlap

DATE = "2026-11-28"
STAMP = "2026-11-28T{:02d}:00:00+00:00"

# One invented event, told by three outlets in their own words, plus unrelated news.
BRIDGE = [
    ("gazette-bridge", "Northfield Gazette", 6, "Old Mill bridge closes after cracks found", (
        "Engineers closed the Old Mill bridge in Northfield on Friday after finding deep cracks "
        "in two of its supports.\n\n"
        "Council leader Maria Olsen said the bridge would stay shut for at least six weeks "
        "while repairs are planned.\n\n"
        "About 12,000 vehicles cross the bridge every day, according to the council. "
        "Buses will be diverted through the town centre.")),
    ("wire-bridge", "Capital Wire", 7, "Cracked supports force closure of Northfield bridge", (
        "Northfield's Old Mill bridge was closed on Friday when engineers discovered deep cracks "
        "in two supports, officials said.\n\n"
        "The bridge will stay shut for at least six weeks while repairs are planned, council "
        "leader Maria Olsen said.\n\n"
        "Traders in the town centre warned that diverted traffic would cause long delays.")),
    ("times-bridge", "Harbour Times", 9, "Northfield bridge shut for six weeks", (
        "Council leader Maria Olsen said on Friday that the Old Mill bridge would remain closed "
        "for at least six weeks after engineers found cracks in its supports.\n\n"
        "The closure affects around 12,000 vehicles a day, the council said. "
        "Commuters were told to expect delays of up to 40 minutes.")),
]
OTHERS = [
    ("gazette-rates", "Northfield Gazette", 8, "Central bank holds interest rates", (
        "The central bank kept its main interest rate at 4.5 percent on Friday, citing "
        "stubborn inflation in services.\n\n"
        "Governor Paul Okafor said the bank was ready to act if prices kept rising.")),
    ("wire-football", "Capital Wire", 10, "Harbour City win cup final on penalties", (
        "Harbour City won the national cup final on Saturday, beating Eastport 5-4 on "
        "penalties after a goalless draw.\n\n"
        "Goalkeeper Sam Reyes saved two penalties in the shoot-out, the club said.")),
]


def article(entry):
    article_id, source, hour, title, text = entry
    return Article(article_id, title, text, url=f"https://{source.split()[0].lower()}.example/"
                   f"{article_id}", source=source,
                   published=dt.datetime.fromisoformat(STAMP.format(hour)))


def write_jsonl(path, entries):
    lines = []
    for entry in entries:
        a = article(entry)
        lines.append(json.dumps({"id": a.id, "title": a.title, "text": a.text, "url": a.url,
                                 "source": a.source, "published": a.published.isoformat()}))
    path.write_text("\n".join(lines) + "\n")
    return path


def test_articles_about_one_event_form_one_story():
    documents = [to_document(article(entry)) for entry in BRIDGE + OTHERS]
    groups = {frozenset(group) for group in cluster_articles(documents)}
    assert frozenset(e[0] for e in BRIDGE) in groups
    assert frozenset({"gazette-rates"}) in groups
    assert frozenset({"wire-football"}) in groups


def test_clustering_compares_each_article_with_a_bounded_number_of_others(monkeypatch):
    compared = []
    cosines = stories._SparseRows.cosines

    def counted(self, i, others):
        compared.append(len(others))
        return cosines(self, i, others)

    monkeypatch.setattr(stories, "MAX_COMPARED", 5)
    monkeypatch.setattr(stories._SparseRows, "cosines", counted)
    copies = [(f"{entry[0]}-{n}", *entry[1:]) for n in range(10) for entry in BRIDGE]
    documents = [to_document(article(entry)) for entry in copies]
    groups = cluster_articles(documents)
    assert max(compared) == 5  # not 29: the work grows with the articles, not their square
    assert len(groups) == 1  # and the event is still one story


def test_a_small_day_is_compared_without_numpy_to_the_same_last_bit(monkeypatch):
    copies = [(f"{entry[0]}-{n}", *entry[1:]) for n in range(4) for entry in BRIDGE + OTHERS]
    documents = [to_document(article(entry)) for entry in copies]
    vectors = stories.term_vectors(documents)
    everyone = list(range(1, len(vectors)))
    in_python = stories._SparseRows(vectors)
    monkeypatch.setattr(stories, "NUMPY_FROM", 1)
    in_numpy = stories._SparseRows(vectors)
    assert in_python._np is None and in_numpy._np is not None
    assert in_python.cosines(0, everyone) == in_numpy.cosines(0, everyone)
    assert in_python.cosines(3, [0, 1, 2]) == in_numpy.cosines(3, [0, 1, 2])


def test_numpy_sum_adds_up_as_numpy_adds_each_run_of_a_reduceat():
    import random

    import numpy as np

    draw = random.Random(19)
    for length in [*range(2, 40), 127, 128, 129, 136, 255, 256, 257, 1000, 1031, 5000]:
        values = [draw.random() * draw.choice((1e-3, 1.0, 1e3)) for _ in range(length)]
        rest = values[length // 3 :]
        first, second = np.add.reduceat(np.array(values + rest), [0, length]).tolist()
        assert stories.numpy_sum(values) == first, length
        assert stories.numpy_sum(rest) == second, length


def test_articles_far_apart_in_time_are_not_one_story():
    late = (BRIDGE[2][0], BRIDGE[2][1], 9, BRIDGE[2][3], BRIDGE[2][4])
    moved = article(late)
    moved = Article(moved.id, moved.title, moved.text, published=moved.published
                    + dt.timedelta(days=5))
    documents = [to_document(article(BRIDGE[0])), to_document(moved)]
    assert len(cluster_articles(documents, window_hours=48)) == 2


def generate(tmp_path, source, *extra):
    out = tmp_path / "out"
    assert main(["--quiet", "generate", str(source), "--out", str(out), "--date", DATE,
                 *extra]) == 0
    return json.loads((out / f"briefing-{DATE}.json").read_text())


def test_story_points_credit_every_outlet_and_never_repeat(tmp_path):
    data = generate(tmp_path, write_jsonl(tmp_path / "day.jsonl", BRIDGE + OTHERS))
    [bridge] = [s for s in data["stories"] if len(s["articles"]) > 1]
    assert sorted(bridge["articles"]) == sorted(e[0] for e in BRIDGE)
    assert any(len(point["sources"]) >= 2 for point in bridge["points"])
    for point in bridge["points"]:
        assert set(point["sources"]) <= set(bridge["articles"])
        assert point["article_id"] == point["sources"][0]
    shown = [p["text"] for section in data["sections"] for p in section["points"]]
    words = [frozenset(content_stems(text, "english")) for text in shown]
    for i, a in enumerate(words):
        for b in words[i + 1:]:
            assert overlap(a, b) < 0.6


def test_without_clustering_each_article_stands_alone(tmp_path):
    source = write_jsonl(tmp_path / "day.jsonl", BRIDGE + OTHERS)
    data = generate(tmp_path, source, "--no-cluster")
    assert all(len(story["articles"]) == 1 for story in data["stories"])
    assert len(data["stories"]) == len(BRIDGE + OTHERS)


# Yesterday's article, which a point of today's bridge story repeats.
EARLY = [("gazette-early", "Northfield Gazette", 5, "Bridge to stay shut", (
    "Council leader Maria Olsen said the bridge would stay shut for at least six weeks "
    "while repairs are planned."))]


def test_points_sent_yesterday_are_marked_earlier(tmp_path, monkeypatch):
    out = tmp_path / "out"
    yesterday = write_jsonl(tmp_path / "yesterday.jsonl", EARLY)
    assert main(["--quiet", "generate", str(yesterday), "--out", str(out),
                 "--date", "2026-11-27"]) == 0
    data = generate(tmp_path, write_jsonl(tmp_path / "day.jsonl", BRIDGE + OTHERS))
    points = [p for section in data["sections"] for p in section["points"]]
    earlier = [p for p in points if p["earlier"]]
    assert earlier and all(p["earlier"] == "2026-11-27" for p in earlier)
    assert any(not p["earlier"] for p in points)
    monkeypatch.setenv("REPEATS", "drop")
    dropped = generate(tmp_path, write_jsonl(tmp_path / "day.jsonl", BRIDGE + OTHERS))
    texts = {p["text"] for s in dropped["sections"] for p in s["points"]}
    assert not texts & {p["text"] for p in earlier}


def test_a_story_told_yesterday_in_full_is_one_line_under_its_actor(tmp_path):
    out = tmp_path / "out"
    yesterday = write_jsonl(tmp_path / "yesterday.jsonl", BRIDGE[:1])
    assert main(["--quiet", "generate", str(yesterday), "--out", str(out),
                 "--date", "2026-11-27"]) == 0
    data = generate(tmp_path, write_jsonl(tmp_path / "day.jsonl", BRIDGE + OTHERS))
    bridge = {e[0] for e in BRIDGE}
    shown = {p["article_id"] for s in data["sections"] for p in s["points"]}
    assert not shown & bridge
    assert any(s["nothing_new"] for s in data["sections"])


def test_an_actor_with_nothing_new_gets_one_line(tmp_path):
    day = write_jsonl(tmp_path / "day.jsonl", OTHERS)
    out = tmp_path / "out"
    assert main(["--quiet", "generate", str(day), "--out", str(out), "--date", "2026-11-27"]) == 0
    data = generate(tmp_path, day)
    assert data["sections"] and all(s["nothing_new"] for s in data["sections"])
    assert all(not s["points"] for s in data["sections"])
    html = (out / f"briefing-{DATE}.html").read_text()
    assert "Nothing new" in html


def test_length_caps_list_what_was_left_out(tmp_path, monkeypatch):
    monkeypatch.setenv("ACTORS_PER_BRIEFING", "1")
    monkeypatch.setenv("POINTS_PER_ACTOR", "1")
    data = generate(tmp_path, write_jsonl(tmp_path / "day.jsonl", BRIDGE + OTHERS))
    assert len([s for s in data["sections"] if s["actor"]]) <= 1
    assert all(len(s["points"]) <= 1 for s in data["sections"])
    assert data["omitted_articles"] and data["left_out_stories"]
    stories = {story["id"]: story for story in data["stories"]}
    listed = {a for i in data["left_out_stories"] for a in stories[i]["articles"]}
    assert set(data["omitted_articles"]) <= listed  # nothing dropped without a word
    html = (tmp_path / "out" / f"briefing-{DATE}.html").read_text()
    text = (tmp_path / "out" / f"briefing-{DATE}.txt").read_text()
    assert "Also today" in html and "Also today" in text
    for story_id in data["left_out_stories"]:
        title = stories[story_id]["title"]
        assert title in html and title in text


def test_a_damaged_archive_is_moved_aside_and_rebuilt_from_that_days_briefing(tmp_path, capsys):
    out = tmp_path / "out"
    yesterday = write_jsonl(tmp_path / "yesterday.jsonl", EARLY)
    assert main(["--quiet", "generate", str(yesterday), "--out", str(out),
                 "--date", "2026-11-27"]) == 0
    archived = out / "archive" / "briefing-2026-11-27.json"
    whole = archived.read_bytes()
    archived.write_text("[" * 5000)  # deeper than any JSON parser will follow
    assert main(["generate", str(write_jsonl(tmp_path / "day.jsonl", BRIDGE + OTHERS)),
                 "--out", str(out), "--date", DATE]) == 0
    assert "moved the damaged archive" in capsys.readouterr().err
    data = json.loads((out / f"briefing-{DATE}.json").read_text())
    points = [p for section in data["sections"] for p in section["points"]]
    assert any(p["earlier"] == "2026-11-27" for p in points)  # still known from the rebuild
    assert archived.read_bytes() == whole
    assert len(list((out / "archive" / "damaged").iterdir())) == 1


def test_point_index_finds_exactly_the_points_that_share_enough_words():
    import random

    draw = random.Random(7)
    vocabulary = [f"w{n}" for n in range(40)]
    points = [frozenset(draw.sample(vocabulary, draw.randint(1, 25))) for _ in range(300)]
    index = stories.PointIndex()
    for words in points:
        index.add(words)
    for same_point in (0.6, 0.5, 0.75, 1.0):
        for words in points[:60] + [frozenset(draw.sample(vocabulary, 3)) for _ in range(20)]:
            expected = {i for i, other in enumerate(points)
                        if len(words & other) / min(len(words), len(other)) >= same_point}
            assert set(index.matches(words, same_point)) == expected
            assert index.repeats(words, same_point) == bool(expected)


def test_a_story_of_one_article_keeps_its_points_in_rank_order_without_repeats():
    from briefing.models import KeyPoint, StoryPoint

    texts = [
        "The council approved the new harbour bridge on Tuesday evening.",
        "Work on the river tunnel will start in the spring, the mayor said.",
        "On Tuesday evening the council approved the harbour bridge.",  # the first, reworded
        "The bridge will cost the city about forty million euros.",
        "Traffic across the old bridge is expected to halve.",
    ]
    points = [KeyPoint("gazette", i, text, 1.0 - i / 10) for i, text in enumerate(texts)]
    ranked = {"gazette": points}
    assert stories.merge_points(ranked, ["gazette"], 3) == tuple(
        StoryPoint(points[i], ("gazette",)) for i in (0, 1, 3))
    assert stories.merge_points(ranked, ["gazette"], 9) == tuple(
        StoryPoint(points[i], ("gazette",)) for i in (0, 1, 3, 4))
    assert stories.merge_points(ranked, ["elsewhere"], 3) == ()
