"""Django's SQLite backend, with writers queued inside the process (decision 0057)."""
