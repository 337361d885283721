"""Full-text search over transcripts, stories and events, on SQLite or PostgreSQL.

One code path: `SearchEntry` rows hold what can be found (only public things), and the
same functions write them whichever database runs. Only the query differs, chosen by
`connection.vendor`:

- SQLite (the default): an FTS5 table mirrors the entries (triggers keep it in step,
  migration 0002), ranked by bm25 and cut to a snippet by FTS5's `snippet()`.
- PostgreSQL: a GIN index on the entries' text search vector, ranked by `ts_rank_cd`
  and cut by `ts_headline`.

Both take the words of the query, less common words like "a" and "for" (the list
PostgreSQL's English dictionary leaves out), and find entries holding every one, in
any form ("voting" finds "vote"). The title of an entry counts more than its body.
Snippets come back with the matched words marked; they are escaped here and the marks
turned into <mark>, so nothing typed by anyone reaches a page as HTML.
"""

import re
from dataclasses import dataclass

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from thegither.stories.models import Episode, Event, SearchEntry, Story, Turn

RESULTS_MAX = 50
QUERY_WORDS_MAX = 12
SNIPPET_WORDS = 24
# Marks around matched words in a snippet: characters from Unicode's private area, which
# never appear in real text (they are taken out of every entry before it is indexed).
START, STOP = "\ue000", "\ue001"
WORD = re.compile(r"\w+")

# PostgreSQL's English stop words (Snowball's list), so both databases drop the same words.
STOP_WORDS = frozenset(
    [
        "i",
        "me",
        "my",
        "myself",
        "we",
        "our",
        "ours",
        "ourselves",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "he",
        "him",
        "his",
        "himself",
        "she",
        "her",
        "hers",
        "herself",
        "it",
        "its",
        "itself",
        "they",
        "them",
        "their",
        "theirs",
        "themselves",
        "what",
        "which",
        "who",
        "whom",
        "this",
        "that",
        "these",
        "those",
        "am",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "have",
        "has",
        "had",
        "having",
        "do",
        "does",
        "did",
        "doing",
        "a",
        "an",
        "the",
        "and",
        "but",
        "if",
        "or",
        "because",
        "as",
        "until",
        "while",
        "of",
        "at",
        "by",
        "for",
        "with",
        "about",
        "against",
        "between",
        "into",
        "through",
        "during",
        "before",
        "after",
        "above",
        "below",
        "to",
        "from",
        "up",
        "down",
        "in",
        "out",
        "on",
        "off",
        "over",
        "under",
        "again",
        "further",
        "then",
        "once",
        "here",
        "there",
        "when",
        "where",
        "why",
        "how",
        "all",
        "any",
        "both",
        "each",
        "few",
        "more",
        "most",
        "other",
        "some",
        "such",
        "no",
        "nor",
        "not",
        "only",
        "own",
        "same",
        "so",
        "than",
        "too",
        "very",
        "s",
        "t",
        "can",
        "will",
        "just",
        "don",
        "should",
        "now",
    ]
)

# The FTS5 table and the PostgreSQL index (migration 0002 makes them).
FTS_TABLE = "stories_search_fts"
PG_VECTOR = (
    "setweight(to_tsvector('english'::regconfig, e.title), 'A') || "
    "setweight(to_tsvector('english'::regconfig, e.body), 'B')"
)


@dataclass(frozen=True)
class Hit:
    kind: str
    kind_label: str
    url: str
    label: str
    context: str
    snippet: SafeString
    rank: float


def query_words(query: str) -> list[str]:
    """Return the words search looks for: lower case, common words left out, at most 12."""
    words = [word.lower() for word in WORD.findall(query or "")]
    kept = [word for word in words if word not in STOP_WORDS]
    return list(dict.fromkeys(kept))[:QUERY_WORDS_MAX]


def backend_name() -> str:
    """Return which search this database uses: "postgresql" or "fts5"."""
    return "postgresql" if connection.vendor == "postgresql" else "fts5"


def _clean(text: str) -> str:
    return (text or "").replace(START, "").replace(STOP, "")


def _marked(snippet: str) -> SafeString:
    return mark_safe(  # noqa: S308 - escaped first; only our own marks become <mark>
        escape(snippet).replace(START, "<mark>").replace(STOP, "</mark>")
    )


def search(query: str, *, limit: int = RESULTS_MAX) -> list[Hit]:
    """Return the public things matching every word of the query, best first."""
    words = query_words(query)
    if not words:
        return []
    if backend_name() == "postgresql":
        rows = _search_postgresql(words, limit)
    else:
        rows = _search_fts5(words, limit)
    entries = SearchEntry.objects.in_bulk([row[0] for row in rows])
    kinds = dict(SearchEntry.Kind.choices)
    hits = []
    for entry_id, rank, snippet in rows:
        entry = entries[entry_id]
        hits.append(
            Hit(
                kind=entry.kind,
                kind_label=str(kinds[entry.kind]),
                url=entry.url,
                label=entry.label,
                context=entry.context,
                snippet=_marked(snippet or ""),
                rank=float(rank),
            )
        )
    return hits


def _search_fts5(words: list[str], limit: int) -> list[tuple[int, float, str]]:
    # Each word quoted: FTS5 then reads it as a plain word, never as query syntax.
    match = " ".join(f'"{word}"' for word in words)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT {FTS_TABLE}.rowid, bm25({FTS_TABLE}, 4.0, 1.0),
                   snippet({FTS_TABLE}, 1, %s, %s, '…', %s)
            FROM {FTS_TABLE}
            WHERE {FTS_TABLE} MATCH %s
            ORDER BY bm25({FTS_TABLE}, 4.0, 1.0), {FTS_TABLE}.rowid
            LIMIT %s
            """,  # noqa: S608 - the table name is ours; every value is a parameter
            [START, STOP, SNIPPET_WORDS, match, limit],
        )
        # bm25 is lower for better matches: turn it round, so higher is better everywhere.
        return [(row[0], -row[1], row[2]) for row in cursor.fetchall()]


def _search_postgresql(words: list[str], limit: int) -> list[tuple[int, float, str]]:
    options = (
        f"StartSel={START}, StopSel={STOP}, MaxWords={SNIPPET_WORDS}, MinWords=12, "
        "ShortWord=2, MaxFragments=1"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH q AS (SELECT plainto_tsquery('english'::regconfig, %s) AS query)
            SELECT e.id, ts_rank_cd({PG_VECTOR}, q.query),
                   ts_headline('english'::regconfig, e.body, q.query, %s)
            FROM stories_searchentry e, q
            WHERE ({PG_VECTOR}) @@ q.query
            ORDER BY 2 DESC, e.id
            LIMIT %s
            """,  # noqa: S608 - the expression is ours; every value is a parameter
            [" ".join(words), options, limit],
        )
        return [(row[0], row[1], row[2]) for row in cursor.fetchall()]


# --- Keeping the entries in step: services call these after every change.


def index_episode(episode: Episode) -> int:
    """Put the episode's introduction and every turn in the index, or take them out.

    A draft has no entries. Return how many entries the episode has now.
    """
    SearchEntry.objects.filter(episode=episode).delete()
    SearchEntry.objects.filter(turn__episode=episode).delete()
    if episode.is_draft:
        return 0
    url = episode.get_absolute_url()
    entries = [
        SearchEntry(
            kind=SearchEntry.Kind.EPISODE,
            episode=episode,
            url=url,
            title=_clean(episode.title),
            body=_clean(f"{episode.subtitle}\n\n{episode.introduction}".strip()),
            label=episode.title[:400],
            context=str(SearchEntry.Kind.EPISODE.label),
        )
    ]
    turns = Turn.objects.filter(episode=episode).select_related("speaker").order_by("position")
    for turn in turns:
        entries.append(
            SearchEntry(
                kind=SearchEntry.Kind.TURN,
                turn=turn,
                url=f"{url}#{turn.anchor}",
                title=_clean(turn.speaker.name),
                body=_clean(turn.text),
                label=(
                    _("%(name)s, turn %(number)s")
                    % {"name": turn.speaker.name, "number": turn.position}
                )[:400],
                context=episode.title[:400],
            )
        )
    SearchEntry.objects.bulk_create(entries)
    return len(entries)


def index_story(story: Story) -> None:
    """Put an approved story in the index (again, after a change), or take it out."""
    SearchEntry.objects.filter(story=story).delete()
    if not story.is_approved:
        return
    SearchEntry.objects.create(
        kind=SearchEntry.Kind.STORY,
        story=story,
        url=story.get_absolute_url(),
        title=_clean(story.title),
        body=_clean(
            "\n\n".join(
                part
                for part in (
                    story.text,
                    story.image_alt,
                    story.organisation_name,
                    story.theme,
                    story.sector,
                    story.place,
                )
                if part
            )
        ),
        label=story.title,
        context=_week_context(story.week),
    )


def index_event(event: Event) -> None:
    """Put an approved event in the index (again, after a change), or take it out."""
    SearchEntry.objects.filter(event=event).delete()
    if not event.is_approved:
        return
    SearchEntry.objects.create(
        kind=SearchEntry.Kind.EVENT,
        event=event,
        url=event.get_absolute_url(),
        title=_clean(event.title),
        body=_clean(
            "\n\n".join(
                part
                for part in (
                    event.description,
                    event.organiser,
                    event.audience,
                    event.place,
                    event.accessibility,
                )
                if part
            )
        ),
        label=event.title,
        context=_week_context(event.week),
    )


def _week_context(week) -> str:
    return _("%(organisation)s: Co-production Week %(year)s") % {
        "organisation": week.organisation.name,
        "year": week.year,
    }
