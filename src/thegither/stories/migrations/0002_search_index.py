"""The full-text index for search.py: FTS5 on SQLite, a GIN index on PostgreSQL.

On SQLite the FTS5 table reads its text from stories_searchentry (an "external
content" table) and three triggers keep it in step with every insert, change and
delete, so the code that writes entries is the same on both databases.
"""

from django.db import migrations

SQLITE_UP = [
    """
    CREATE VIRTUAL TABLE stories_search_fts USING fts5(
        title, body,
        content='stories_searchentry', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER stories_search_added AFTER INSERT ON stories_searchentry BEGIN
        INSERT INTO stories_search_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END
    """,
    """
    CREATE TRIGGER stories_search_removed AFTER DELETE ON stories_searchentry BEGIN
        INSERT INTO stories_search_fts(stories_search_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    END
    """,
    """
    CREATE TRIGGER stories_search_changed AFTER UPDATE ON stories_searchentry BEGIN
        INSERT INTO stories_search_fts(stories_search_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO stories_search_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END
    """,
    # Entries made before this migration (none in practice) go into the index too.
    "INSERT INTO stories_search_fts(stories_search_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS stories_search_changed",
    "DROP TRIGGER IF EXISTS stories_search_removed",
    "DROP TRIGGER IF EXISTS stories_search_added",
    "DROP TABLE IF EXISTS stories_search_fts",
]
# The same expression as search.PG_VECTOR, so queries can use the index.
POSTGRESQL_UP = [
    """
    CREATE INDEX stories_searchentry_vector ON stories_searchentry USING gin ((
        setweight(to_tsvector('english'::regconfig, title), 'A') ||
        setweight(to_tsvector('english'::regconfig, body), 'B')
    ))
    """,
]
POSTGRESQL_DOWN = ["DROP INDEX IF EXISTS stories_searchentry_vector"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("stories", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRESQL_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRESQL_DOWN}),
        )
    ]
