"""Keep server logs free of client addresses and of secrets carried in links.

A join link (`/accounts/join/<token>/`) and a password-reset link
(`/accounts/password-reset/<uid>/<token>/`) open an account to whoever has them,
and a query string can carry anything, so no log line keeps them. Request lines
are logged without the client's address (decision 0016).
"""

import logging
import re

HIDDEN = "[hidden]"

# Paths whose parts are secrets: each match's groups are replaced by HIDDEN.
SECRET_PATHS = (
    re.compile(r"/accounts/join/([^/?#\s]+)"),
    # Two parts (uid and token, or uid and "set-password"); "sent/", "done/" and "code/" are one.
    re.compile(r"/accounts/password-reset/([^/?#\s]+)/([^/?#\s]+)"),
)
# Anything that looks like a long random token in any path, for links added later.
LONG_TOKEN = re.compile(r"(?<=/)[A-Za-z0-9_\-]{32,}(?=[/?#\s\"']|$)")
QUERY_STRING = re.compile(r"\?[^\s\"']*")


def _hide_groups(match: re.Match) -> str:
    text = match.group(0)
    start = match.start(0)
    # Replace from the last group backwards so earlier offsets stay right.
    for index in range(match.re.groups, 0, -1):
        begin, end = match.start(index) - start, match.end(index) - start
        text = text[:begin] + HIDDEN + text[end:]
    return text


def redact(text: str) -> str:
    """Return `text` with secret link parts and query strings replaced by [hidden]."""
    text = QUERY_STRING.sub("?" + HIDDEN, text)
    for pattern in SECRET_PATHS:
        text = pattern.sub(_hide_groups, text)
    return LONG_TOKEN.sub(HIDDEN, text)


class RedactFilter(logging.Filter):
    """Rewrite every record's message through `redact` before a handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if (
            isinstance(record.msg, str)
            and record.msg.startswith('%s - "WebSocket')
            and isinstance(record.args, tuple)
            and record.args
        ):
            # uvicorn's WebSocket handshakes go to its error log, not the access log,
            # and start with the client's address: drop it, as the access log does.
            record.args = ("-", *record.args[1:])
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record: keep it as logging would
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            # A traceback can quote a path too; handlers use exc_text when it is set.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


class AccessFormatter(logging.Formatter):
    """Format uvicorn's access records as "GET /path 200": no client address, path redacted.

    uvicorn logs each request with args (client, method, path, http version, status);
    every other access record (such as a WebSocket's) also starts with the client.
    """

    def formatMessage(self, record: logging.LogRecord) -> str:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5:
            _client, method, path, _version, status = args
            record.message = f"{method} {redact(str(path))} {status}"
        elif isinstance(args, tuple) and args:
            try:
                record.message = redact(str(record.msg) % ("-", *args[1:]))
            except (TypeError, ValueError):
                record.message = redact(str(record.msg))
        else:
            record.message = redact(record.getMessage())
        return super().formatMessage(record)


def uvicorn_log_config(level: str = "INFO") -> dict:
    """Return the logging set-up `thegither up` hands to uvicorn."""
    return {
        "version": 1,
        # Django's loggers were set up already; leave them as they are.
        "disable_existing_loggers": False,
        "filters": {"redact": {"()": RedactFilter}},
        "formatters": {
            "default": {"format": "%(levelname)s: %(message)s"},
            "access": {"()": AccessFormatter, "fmt": "%(levelname)s: %(message)s"},
        },
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "filters": ["redact"],
                "stream": "ext://sys.stderr",
            },
            "access": {
                "class": "logging.StreamHandler",
                "formatter": "access",
                "stream": "ext://sys.stdout",
            },
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": ["access"], "level": level, "propagate": False},
        },
    }
