"""Server logs keep no client addresses, no link secrets and no typed passwords.

The last test runs the real `thegither up` in a subprocess and reads what it prints.
"""

import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from thegither.core.logs import AccessFormatter, RedactFilter, redact, uvicorn_log_config

TOKEN = "Zq8pX3vK9mW2rT5yB7nL4cF6hJ1dS0aG_e-uQwErTy"  # shaped like an invitation token


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (f"GET /accounts/join/{TOKEN}/ 200", "GET /accounts/join/[hidden]/ 200"),
        ("GET /accounts/join/short/", "GET /accounts/join/[hidden]/"),
        (
            "GET /accounts/password-reset/MTI/c4x-9a8b7c/ 302",
            "GET /accounts/password-reset/[hidden]/[hidden]/ 302",
        ),
        (
            "GET /accounts/password-reset/MTI/set-password/",
            "GET /accounts/password-reset/[hidden]/[hidden]/",
        ),
        ("GET /accounts/login/?next=/x&code=123 200", "GET /accounts/login/?[hidden] 200"),
        ("Not Found: /accounts/join/abc/", "Not Found: /accounts/join/[hidden]/"),
        (f"GET /live/{TOKEN}", "GET /live/[hidden]"),
    ],
)
def test_secrets_in_paths_are_hidden(line, expected):
    assert redact(line) == expected


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/password-reset/",
        "/accounts/password-reset/sent/",
        "/accounts/password-reset/done/",
        "/accounts/password-reset/code/",
        "/accounts/organisations/riverside-youth-trust/people/",
    ],
)
def test_ordinary_paths_are_kept(path):
    assert redact(f"GET {path} 200") == f"GET {path} 200"


def test_the_filter_rewrites_a_django_request_warning():
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "%s: %s",
        ("Not Found", f"/accounts/join/{TOKEN}/"),
        None,
    )
    assert RedactFilter().filter(record) is True
    assert record.getMessage() == "Not Found: /accounts/join/[hidden]/"


def test_the_filter_hides_paths_in_tracebacks_too():
    try:
        raise ValueError(f"no invitation for /accounts/join/{TOKEN}/")
    except ValueError:
        record = logging.LogRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error",
            (),
            sys.exc_info(),
        )
    RedactFilter().filter(record)
    line = logging.Formatter().format(record)
    assert "/accounts/join/[hidden]/" in line
    assert TOKEN not in line


def test_access_lines_have_no_client_address():
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("203.0.113.7:5123", "GET", f"/accounts/join/{TOKEN}/?code=K7MQ2P", "1.1", 404),
        None,
    )
    line = AccessFormatter("%(levelname)s: %(message)s").format(record)
    assert line == "INFO: GET /accounts/join/[hidden]/?[hidden] 404"


def test_websocket_access_lines_have_no_client_address_either():
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "WebSocket %s" [accepted]',
        ("203.0.113.7:5123", f"/live/{TOKEN}/"),
        None,
    )
    line = AccessFormatter("%(message)s").format(record)
    assert line == '- - "WebSocket /live/[hidden]/" [accepted]'


def test_websocket_handshakes_in_the_error_log_have_no_client_address():
    """uvicorn's sans-I/O WebSockets log "[accepted]" on uvicorn.error, with the client first."""
    record = logging.LogRecord(
        "uvicorn.error",
        logging.INFO,
        __file__,
        1,
        '%s - "WebSocket %s" [accepted]',
        ("203.0.113.7:5123", "/ws/live/p/K7MQ2P/"),
        None,
    )
    assert RedactFilter().filter(record) is True
    assert record.getMessage() == '- - "WebSocket /ws/live/p/K7MQ2P/" [accepted]'


def test_django_and_uvicorn_logs_pass_through_the_filter():
    assert settings.LOGGING["handlers"]["console"]["filters"] == ["redact"]
    assert settings.LOGGING["loggers"]["django"]["handlers"] == []
    assert settings.LOGGING["loggers"]["django.server"]["handlers"] == ["console"]
    config = uvicorn_log_config()
    assert config["handlers"]["default"]["filters"] == ["redact"]
    assert config["formatters"]["access"]["()"] is AccessFormatter


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, *, data: bytes | None = None, headers: dict | None = None) -> int:
    request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310 - local
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - local
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.slow
def test_thegither_up_logs_requests_without_addresses_or_secrets(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "THEGITHER_DATA_DIR": str(tmp_path),
        "PYTHONPATH": os.pathsep.join(sys.path),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DATABASE_URL", None)  # its own SQLite file, not the test database
    env.pop("THEGITHER_TRUSTED_PROXIES", None)
    output = tmp_path / "output.txt"
    with output.open("w") as sink:
        server = subprocess.Popen(
            [sys.executable, "-m", "thegither.cli", "up", "--port", str(port)],
            cwd=tmp_path,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if fetch(base + "/") == 200:
                        break
                except OSError:
                    pass
                assert server.poll() is None, Path(output).read_text()
                assert time.monotonic() < deadline, "thegither up did not start in 2 minutes"
                time.sleep(0.5)
            spoofed = {"X-Forwarded-For": "198.51.100.99"}
            assert fetch(f"{base}/accounts/join/{TOKEN}/?code=K7MQ2P", headers=spoofed) == 404
            assert fetch(f"{base}/accounts/password-reset/MTI/c4x-9a8b7c0d1e2f/") == 200
            assert (
                fetch(
                    f"{base}/accounts/login/",
                    data=b"username=ruby&password=Typed-Secret-Pass-31",
                    headers={"Content-Type": "application/x-www-form-urlencoded"},
                )
                == 403
            )  # no CSRF cookie: refused, and logged
        finally:
            server.terminate()
            server.wait(timeout=30)
    text = output.read_text()
    requests = [line for line in text.splitlines() if '"GET' in line or "GET /" in line]
    assert "INFO: GET /accounts/join/[hidden]/?[hidden] 404" in text, text
    assert "INFO: GET /accounts/password-reset/[hidden]/[hidden]/ 200" in text, text
    assert "INFO: POST /accounts/login/ 403" in text, text
    assert "Not Found: /accounts/join/[hidden]/" in text, text
    for secret in [TOKEN, "K7MQ2P", "c4x-9a8b7c0d1e2f", "Typed-Secret-Pass-31", "198.51.100.99"]:
        assert secret not in text
    assert requests
    for line in requests:
        assert "127.0.0.1" not in line


@pytest.mark.django_db
def test_privacy_notice_says_server_logs_keep_no_addresses_or_secret_links(client):
    html = client.get("/privacy/").content.decode()
    assert "That list has no internet addresses" in html
    assert "never the secret part of a link" in html
