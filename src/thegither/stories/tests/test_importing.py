"""Reading Iriss.fm-style episode files: the seed, each format rule, and each broken file."""

import datetime

import pytest

from thegither.stories.importing import (
    EpisodeFileError,
    duration_seconds,
    episode_files,
    episode_parse,
    episode_read,
    episode_slug,
)
from thegither.stories.tests.factories import SEED

GOOD = """---
title: "A test episode"
subtitle: "About working together."
date: "2019-03-01T00:00:00+00:00"
draft: false
iriss_episode_libsyn_url: "https://podcast.example.org/test"
iriss_archive_libsyn_duration: "1:02:03"
iriss_archive_website_url: "/resources/irissfm/a-test-episode"
iriss_something_new: "kept"
---
MD - Michelle Drumm
SJ - Sam Jordan, Scottish Community Development Centre
KB - Kieran Brown, young leader, Young Movers

First paragraph of the introduction.

Second paragraph of the introduction.

MD Hello and welcome.
SJ Thanks for having me.

A new part of the episode.

KB I run Youth Bank.
"""


def parse(text: str, name: str = "test.md"):
    return episode_parse(text.encode("utf-8"), name=name)


def problem(text: str, name: str = "broken.md") -> EpisodeFileError:
    with pytest.raises(EpisodeFileError) as caught:
        parse(text, name)
    return caught.value


# --- The seed file


def test_the_seed_has_four_speakers_two_parts_and_lasts_933_seconds():
    episode = episode_read(SEED)

    assert episode.slug == "co-production-week-2018"
    assert episode.title == "Co-production Week 2018"
    assert [(s.code, s.name) for s in episode.speakers] == [
        ("MD", "Michelle Drumm"),
        ("SJ", "Sam Jordan"),
        ("K", "Kieran"),
        ("A", "Abbie"),
    ]
    assert len(episode.segments) == 2
    assert episode.segments[0].heading == ""
    assert episode.segments[1].heading.startswith("Kieran and Abbie from Young Movers or YO MO")
    assert episode.duration_seconds == 933
    assert episode.published_on == datetime.date(2018, 11, 26)
    assert episode.recorded_at == datetime.datetime(2018, 11, 26, 12, tzinfo=datetime.UTC)
    assert episode.audio_urls == [
        "https://podcast.iriss.org.uk/co-production-week-2018-1",
        "https://soundcloud.com/iriss-fm/230-co-production-week",
    ]
    assert episode.is_draft is False
    assert episode.introduction.startswith("Co-production Week (#CoProWeekScot) was held")
    first = episode.segments[0].turns[0]
    assert (first.speaker_code, first.text[:17]) == ("SJ", "I work for SCDC w")


def test_the_seed_s_mis_decoded_pounds_are_repaired():
    raw = SEED.read_bytes()
    assert "Â£30,000".encode() in raw  # the file really is broken

    episode = episode_read(SEED)
    texts = [turn.text for segment in episode.segments for turn in segment.turns]

    assert any("a grant pot of up to £30,000 and" in text for text in texts)
    assert any("within the budget of £5." in text for text in texts)
    assert not any("Â" in text for text in texts)


def test_every_field_of_the_front_matter_is_kept_even_unknown_ones():
    episode = parse(GOOD)

    assert episode.front_matter["iriss_something_new"] == "kept"
    assert episode.front_matter["iriss_archive_libsyn_duration"] == "1:02:03"
    assert episode.front_matter["title"] == "A test episode"


def test_paragraphs_parts_and_speakers_with_their_organisations():
    episode = parse(GOOD)

    assert episode.introduction == (
        "First paragraph of the introduction.\n\nSecond paragraph of the introduction."
    )
    assert [segment.heading for segment in episode.segments] == ["", "A new part of the episode."]
    assert [len(segment.turns) for segment in episode.segments] == [1, 1]
    assert episode.speakers[1].organisation == "Scottish Community Development Centre"
    assert (episode.speakers[2].role, episode.speakers[2].organisation) == (
        "young leader",
        "Young Movers",
    )
    # Turns on lines next to each other without a blank line are one paragraph, one turn.
    assert episode.segments[0].turns[0].text == "Hello and welcome. SJ Thanks for having me."


def test_a_turn_on_its_own_paragraph_knows_its_line():
    text = GOOD.replace("MD Hello and welcome.\nSJ", "MD Hello and welcome.\n\nSJ")
    episode = parse(text)

    turns = episode.segments[0].turns
    assert [(turn.speaker_code, turn.line) for turn in turns] == [("MD", 19), ("SJ", 21)]


@pytest.mark.parametrize(
    ("written", "seconds"),
    [
        ("15:33", 933),
        ("0:59", 59),
        ("75:00", 4500),
        ("1:02:03", 3723),
        ("10:00:00", 36000),
        (933, 933),
    ],
)
def test_durations_as_minutes_and_seconds_or_hours_minutes_and_seconds(written, seconds):
    assert duration_seconds(written) == seconds


@pytest.mark.parametrize("written", ["15", "15:3", "1:60:00", "15:60", "a:bc", "-1", True, -5])
def test_durations_that_aren_t_lengths_are_refused(written):
    with pytest.raises(ValueError):  # noqa: PT011 - any ValueError: the command names the line
        duration_seconds(written)


def test_an_unquoted_duration_that_yaml_reads_as_a_number_still_works():
    # YAML 1.1 reads 15:33 without quotes as 933 (base 60).
    episode = parse(GOOD.replace('"1:02:03"', "15:33"))
    assert episode.duration_seconds == 933


def test_a_draft_is_read_as_a_draft():
    assert parse(GOOD.replace("draft: false", "draft: true")).is_draft is True
    assert parse(GOOD.replace("draft: false", 'draft: "yes"')).is_draft is True


def test_the_slug_comes_from_the_website_path_else_the_title():
    assert episode_slug("Anything", "/resources/irissfm/co-production-week-2018") == (
        "co-production-week-2018"
    )
    assert episode_slug("Co-production Week 2018!", "") == "co-production-week-2018"
    without_path = GOOD.replace(
        'iriss_archive_website_url: "/resources/irissfm/a-test-episode"\n', ""
    )
    assert parse(without_path).slug == "a-test-episode"


def test_windows_line_ends_and_a_byte_order_mark_are_read():
    data = ("\ufeff" + GOOD).replace("\n", "\r\n").encode("utf-8")
    episode = episode_parse(data, name="windows.md")
    assert episode.title == "A test episode"
    assert episode.turn_count == 2


def test_a_file_in_windows_own_encoding_is_read():
    data = GOOD.replace("Hello and welcome.", "It costs £5.").encode("cp1252")
    episode = episode_parse(data, name="cp1252.md")
    assert episode.segments[0].turns[0].text.startswith("It costs £5.")


# --- Broken files: each names the file and the line


def test_bad_yaml_names_the_file_and_its_line():
    error = problem(GOOD.replace('subtitle: "About working together."', 'subtitle: "unclosed'))

    assert error.path == "broken.md"
    assert error.line in (3, 4)  # where YAML noticed the string never closed
    assert "isn't valid YAML" in error.message
    assert str(error).startswith("broken.md, line ")


def test_yaml_indented_wrongly_names_its_line():
    error = problem(GOOD.replace("draft: false", "draft: false\n  oops: [1, 2"))
    assert error.line >= 5
    assert "YAML" in error.message


def test_no_front_matter_is_line_1():
    error = problem("MD - Michelle\n\nMD Hello.\n")
    assert error.line == 1
    assert "front matter" in error.message


def test_a_front_matter_that_never_ends_is_line_1():
    error = problem('---\ntitle: "x"\nMD - Michelle\n')
    assert (error.line, "never ends" in error.message) == (1, True)


def test_a_front_matter_that_is_not_fields_is_refused():
    error = problem("---\n- just\n- a list\n---\nMD - M\n\nMD Hi.\n")
    assert error.line == 2


def test_no_title_names_its_line():
    error = problem(GOOD.replace('title: "A test episode"', 'title: ""'))
    assert (error.line, "title" in error.message) == (2, True)


def test_no_legend_names_the_first_line_after_the_front_matter():
    text = GOOD.replace(
        "MD - Michelle Drumm\nSJ - Sam Jordan, Scottish Community Development Centre\n"
        "KB - Kieran Brown, young leader, Young Movers\n\n",
        "",
    )
    error = problem(text)
    assert error.line == 11
    assert "no speaker legend" in error.message


def test_a_turn_whose_code_is_not_in_the_legend_names_its_line():
    error = problem(GOOD.replace("KB I run Youth Bank.", "JD I run Youth Bank."))
    assert error.line == 24
    assert "JD" in error.message
    assert "isn't in the speaker legend" in error.message


def test_a_single_letter_code_missing_from_the_legend_is_caught_too():
    error = problem(GOOD.replace("KB I run Youth Bank.", "K Young movers, we're a charity."))
    assert (error.line, "K," in error.message or "with K" in error.message) == (24, True)


def test_a_code_twice_in_the_legend_is_refused():
    error = problem(GOOD.replace("MD - Michelle Drumm\n", "MD - Michelle Drumm\nMD - Mo Drumm\n"))
    assert (error.line, "twice" in error.message) == (12, True)


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ('"1:02:03"', '"an hour"', 7, "length like 15:33"),
        ('"2019-03-01T00:00:00+00:00"', '"the first of March"', 4, "date like"),
        ("draft: false", "draft: maybe", 5, "true or false"),
        ('"https://podcast.example.org/test"', '"ftp://example.org/x"', 6, "https://"),
    ],
)
def test_a_known_field_with_a_wrong_value_names_its_line(old, new, line, words):
    error = problem(GOOD.replace(old, new))
    assert error.line == line
    assert words in error.message


def test_a_file_with_no_turns_is_refused():
    error = problem('---\ntitle: "x"\n---\nMD - Michelle\n\nJust an introduction.\n')
    assert "no turns" in error.message


def test_a_missing_file_is_named():
    with pytest.raises(EpisodeFileError) as caught:
        episode_read("/no/such/episode.md")
    assert caught.value.path == "/no/such/episode.md"


def test_folders_give_their_episode_files_in_order(tmp_path):
    (tmp_path / "b.md").write_text("x")
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "notes.pdf").write_text("x")
    (tmp_path / ".hidden.md").write_text("x")
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "c.markdown").write_text("x")

    found = episode_files([tmp_path])

    assert [path.name for path in found] == ["a.txt", "b.md", "c.markdown"]
