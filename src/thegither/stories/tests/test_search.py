"""Search: ranked, highlighted, linked to the exact turn, and in step with every change.

The same tests run on SQLite (FTS5) and, in CI's second run, on PostgreSQL; the tests
marked for one database check that its own index is the one used.
"""

import pytest
from django.db import connection

from thegither.stories import search, services
from thegither.stories.models import SearchEntry, Turn
from thegither.stories.tests.factories import event_details, event_make, seed_import, story_make

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = connection.vendor == "postgresql"


def turn_hits(query: str):
    return [hit for hit in search.search(query) if hit.kind == SearchEntry.Kind.TURN]


@pytest.mark.parametrize(
    ("query", "words", "speaker"),
    [
        ("Bid for a Fiver", ("Bid", "Fiver"), "Kieran"),
        ("voting pads", ("voting", "pads"), "Abbie"),
    ],
)
def test_a_phrase_from_the_seed_finds_its_turn_linked_and_highlighted(query, words, speaker):
    episode = seed_import().episode
    (turn,) = [turn for turn in Turn.objects.filter(episode=episode) if words[-1] in turn.text]

    hits = turn_hits(query)

    assert hits, f"nothing found for {query!r}"
    best = hits[0]
    assert best.url == f"/stories/episodes/co-production-week-2018/#turn-{turn.position}"
    assert best.label == f"{speaker}, turn {turn.position}"
    assert best.context == "Co-production Week 2018"
    for word in words:
        assert f"<mark>{word}</mark>" in best.snippet


def test_common_words_are_left_out_and_every_other_word_must_be_there():
    seed_import()
    assert search.query_words("Bid for a Fiver") == ["bid", "fiver"]
    assert search.query_words("the and of") == []
    assert search.search("the and of") == []
    assert turn_hits("fiver giraffe") == []


def test_other_forms_of_a_word_are_found():
    seed_import()
    # "votes" and "pad" stem to the words in "voting pads".
    assert turn_hits("votes pad")


def test_a_title_match_ranks_above_a_body_match(network, staff, week):
    story_make(week, approve_by=staff, title="Legislative theatre", text="A day out.")
    story_make(
        week, approve_by=staff, title="A day out", text="We went to see legislative theatre."
    )

    hits = search.search("legislative theatre")

    assert [hit.label for hit in hits] == ["Legislative theatre", "A day out"]
    assert hits[0].rank > hits[1].rank


def test_query_syntax_and_html_are_only_words(network, staff, week):
    story_make(week, approve_by=staff, title="Fish & chips <b>night</b>", text="AND OR NEAR")

    for query in ['"unclosed', "NEAR(", "fish*", "-chips", "AND OR", "'; DROP TABLE x; --"]:
        search.search(query)  # never an error

    (hit,) = search.search("night")
    assert hit.label == "Fish & chips night"  # nh3 took the markup out when it was sent
    assert "<b>" not in hit.snippet


def test_snippets_escape_what_people_typed(network, staff, week):
    story_make(
        week, approve_by=staff, title="Scripts", text="<script>alert(1)</script> fiver party"
    )

    (hit,) = search.search("fiver party")

    assert "<script>" not in hit.snippet
    assert "<mark>fiver</mark>" in hit.snippet


def test_drafts_and_waiting_things_are_never_found(network, staff, week):
    seed_import(**{"draft: false": "draft: true"})
    story_make(week, title="Waiting fiver story")
    event_make(week, title="Waiting fiver event")

    assert search.search("fiver") == []


def test_the_index_follows_imports_edits_approvals_declines_and_deletes(network, staff, week):
    seed_import()
    assert turn_hits("voting pads")
    # A new version of the file without the words: the old turn is no longer found.
    seed_import(**{"voting pads": "clickers"})
    assert turn_hits("voting pads") == []
    assert turn_hits("clickers")

    event = event_make(week, title="Puppet parade")
    assert search.search("puppet") == []
    services.event_approve(event=event, by=staff)
    assert [hit.label for hit in search.search("puppet")] == ["Puppet parade"]
    services.event_change(event=event, details=event_details(week, title="Kite festival"), by=staff)
    assert search.search("puppet") == []
    assert [hit.kind for hit in search.search("kite")] == ["event"]
    services.event_decline(event=event, reason="Not in Scotland.", by=staff)
    assert search.search("kite") == []

    story = story_make(week, approve_by=staff, title="Seed swap")
    assert search.search("seed swap")
    services.story_delete(story=story, by=staff)
    assert search.search("seed swap") == []

    episode = seed_import(**{"clickers": "voting pads"}).episode
    services.episode_delete(episode=episode)
    assert turn_hits("voting pads") == []
    assert SearchEntry.objects.filter(kind=SearchEntry.Kind.TURN).count() == 0


def test_a_story_s_result_says_which_week_it_is_from(network, staff, week):
    story_make(week, approve_by=staff, title="Seed swap")
    assert search.search("seed swap")[0].context.endswith(f"Co-production Week {week.year}")


def test_the_backend_is_chosen_by_the_database():
    assert search.backend_name() == ("postgresql" if ON_POSTGRESQL else "fts5")


@pytest.mark.skipif(ON_POSTGRESQL, reason="SQLite's own index: the default run")
def test_on_sqlite_an_fts5_table_mirrors_the_entries(network, staff, week):
    story_make(week, approve_by=staff, title="Kite festival")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM stories_search_fts WHERE stories_search_fts MATCH 'kite'"
        )
        assert cursor.fetchone()[0] == 1
        SearchEntry.objects.all().delete()
        cursor.execute(
            "SELECT count(*) FROM stories_search_fts WHERE stories_search_fts MATCH 'kite'"
        )
        assert cursor.fetchone()[0] == 0


@pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="runs on PostgreSQL (CI's second run, with DATABASE_URL): its own full-text index",
)
def test_on_postgresql_a_gin_index_serves_the_search(network, staff, week):
    seed_import()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'stories_searchentry_vector'"
        )
        (definition,) = cursor.fetchone()
        assert "gin" in definition
        assert "to_tsvector" in definition
        # The planner may use the index for the same expression the search runs.
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(
            f"EXPLAIN SELECT e.id FROM stories_searchentry e "  # noqa: S608 - ours
            f"WHERE ({search.PG_VECTOR}) @@ plainto_tsquery('english'::regconfig, 'fiver')"
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
        assert "stories_searchentry_vector" in plan
    assert turn_hits("Bid for a Fiver")


def test_event_details_are_searchable(network, staff, week):
    event_make(
        week,
        approve_by=staff,
        title="Open day",
        accessibility="British Sign Language interpreter",
    )
    assert [hit.label for hit in search.search("sign language")] == ["Open day"]
