"""--workers: the per-article work spread over processes gives the same briefing, byte for byte."""

import json
from pathlib import Path

import pytest

from briefing import pipeline
from briefing.app.cli import main
from briefing.app.config import load_config

DATE = "2026-11-28"

# Six events, each reported by several outlets in their own words: enough articles for a
# pool of two to start (pipeline.ARTICLES_PER_WORKER each), with stories to group, actors
# to name and repeats to merge.
EVENTS = [
    ("Council approves {place} budget",
     ["The city council of {place} approved a new budget on {day} after a long debate.",
      "Mayor {person} said the plan would cut costs by {n} percent across all departments.",
      "Opposition leader Tom Baker called the cuts reckless and promised to fight them.",
      "The budget takes effect in January, officials said."]),
    ("Storm closes roads around {place}",
     ["A storm closed roads and schools around {place} on {day}, the police said.",
      "More than {n} homes lost power overnight, according to Northern Grid.",
      "Forecasters at the Met Office warned of more rain later in the week.",
      "{person}, who runs a bakery in the town, said the water reached her door."]),
    ("{person} wins {place} marathon",
     ["{person} won the {place} marathon on {day} in two hours and {n} minutes.",
      "She said the last ten kilometres were the hardest of her career.",
      "Organisers said a record number of runners finished the race this year.",
      "Last year's winner, Anna Berg, finished third after a fall."]),
    ("Factory in {place} to cut jobs",
     ["Carmaker Veltro said on {day} it would cut {n} jobs at its plant in {place}.",
      "Chief executive {person} blamed falling demand for electric cars in Europe.",
      "The union Unite said it would ballot members on strike action.",
      "Shares in Veltro rose two percent after the announcement."]),
    ("Hospital in {place} opens new wing",
     ["A new children's wing opened at the hospital in {place} on {day}.",
      "Health minister {person} said it would treat {n} more patients a year.",
      "Doctors had campaigned for the wing for more than a decade.",
      "The building cost forty million pounds, the health board said."]),
    ("Rail strike hits {place} commuters",
     ["Commuters in {place} faced delays on {day} as train drivers walked out.",
      "The drivers' union Aslef said pay talks with Rail North had failed.",
      "Transport secretary {person} urged both sides to return to talks.",
      "About {n} services were cancelled, the operator said."]),
]
PLACES = ["Riverton", "Lakeside", "Hillford", "Portmore", "Eastwick"]
PEOPLE = ["Jane Doe", "Maria Lopez", "Sarah Okafor", "Helen Park", "Ruth Adler"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def write_articles(path: Path, outlets: int) -> Path:
    """`outlets` reports of each event, one JSON line each; reports differ in their details."""
    lines = []
    for event, (title, sentences) in enumerate(EVENTS):
        for outlet in range(outlets):
            fill = {"place": PLACES[event % len(PLACES)], "person": PEOPLE[outlet % len(PEOPLE)],
                    "day": DAYS[outlet % len(DAYS)], "n": 10 + outlet}
            body = [s.format(**fill) for s in sentences]
            body = body[outlet % 2:] + body[: outlet % 2]  # outlets order their facts differently
            lines.append(json.dumps({
                "id": f"e{event}-o{outlet}", "title": title.format(**fill),
                "text": "\n\n".join(body), "source": f"Outlet {outlet}",
                "published": f"{DATE}T{6 + outlet % 12:02d}:00:00+00:00",
            }))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def pools(monkeypatch):
    """How many process pools the pipeline starts."""
    started = []

    class CountedPool(pipeline.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            started.append(args)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(pipeline, "ProcessPoolExecutor", CountedPool)
    return started


def generate(source: Path, out: Path, workers: int) -> dict[str, bytes]:
    assert main(["--quiet", "generate", str(source), "--out", str(out), "--date", DATE,
                 "--workers", str(workers)]) == 0
    kinds = ("html", "txt", "json")
    return {kind: (out / f"briefing-{DATE}.{kind}").read_bytes() for kind in kinds}


OUTLETS = 2 * pipeline.ARTICLES_PER_WORKER // len(EVENTS) + 1  # articles enough for two


def test_two_workers_write_the_same_briefing_as_one(tmp_path, pools):
    source = write_articles(tmp_path / "day.jsonl", outlets=OUTLETS)
    one = generate(source, tmp_path / "one", workers=1)
    assert pools == []
    two = generate(source, tmp_path / "two", workers=2)
    assert len(pools) == 1, "two workers and enough articles should start a pool"
    assert one == two
    data = json.loads(one["json"])
    assert len(data["articles"]) == len(EVENTS) * OUTLETS
    assert any(len(story["articles"]) > 1 for story in data["stories"])
    assert any(section["actor"] for section in data["sections"])


def test_a_few_articles_start_no_pool(tmp_path, pools):
    source = write_articles(tmp_path / "day.jsonl", outlets=1)
    generate(source, tmp_path / "out", workers=2)
    assert pools == []


def test_broken_articles_are_reported_the_same_from_workers(tmp_path, pools):
    source = write_articles(tmp_path / "day.jsonl", outlets=OUTLETS)
    furniture = json.dumps({"id": "chrome", "title": "Share", "text": "Share this\n\nSubscribe"})
    source.write_text(furniture + "\n" + source.read_text(), encoding="utf-8")
    one = generate(source, tmp_path / "one", workers=1)
    two = generate(source, tmp_path / "two", workers=2)
    assert pools and one == two
    assert [p["reason"] for p in json.loads(two["json"])["problems"]] == [
        "no sentences left after removing page furniture"]


def test_workers_default_to_the_cores_and_can_be_set(tmp_path):
    assert load_config(env_file=tmp_path / "none.env", environ={}).workers >= 1
    assert load_config(env_file=tmp_path / "none.env", environ={"WORKERS": "3"}).workers == 3
