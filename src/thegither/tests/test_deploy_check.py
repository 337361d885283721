"""`thegither check --deploy` passes with production settings, and fails when they are weak.

Each run is a fresh process, because settings are read from the environment once.
"""

import os
import secrets
import subprocess
import sys

import pytest

# A fresh SQLite file and no Redis (production_environment), whatever the run was given.
pytestmark = [pytest.mark.slow, pytest.mark.own_database]


def production_environment(tmp_path, **overrides: str) -> dict[str, str]:
    """Return the environment of a correctly configured production deployment."""
    # Start clean: no Thegither settings, and not the browser tests' async switch,
    # which the deploy check rightly refuses.
    # The database and cache are the deployment's own: a fresh SQLite file in tmp_path,
    # never the database the test run was given (commands here write to it).
    left_out = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "REDIS_URL"}
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("THEGITHER_") and key not in left_out
    }
    environment.update(
        THEGITHER_PROFILE="production",
        THEGITHER_SECRET_KEY=secrets.token_urlsafe(64),
        THEGITHER_ALLOWED_HOSTS="thegither.example.org",
        THEGITHER_EMAIL_HOST="smtp.example.org",
        THEGITHER_DATA_DIR=str(tmp_path),
    )
    environment.update(overrides)
    return environment


def run_deploy_check(environment: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "thegither.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = run_deploy_check(production_environment(tmp_path))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_fails_without_hsts(tmp_path):
    result = run_deploy_check(production_environment(tmp_path, THEGITHER_HSTS_SECONDS="0"))

    assert result.returncode == 1
    assert "security.W004" in result.stderr


def test_deploy_check_fails_with_a_short_secret_key(tmp_path):
    result = run_deploy_check(production_environment(tmp_path, THEGITHER_SECRET_KEY="too-short"))

    assert result.returncode == 1
    assert "security.W009" in result.stderr


def test_deploy_check_fails_when_email_would_only_be_printed(tmp_path):
    environment = production_environment(tmp_path)
    del environment["THEGITHER_EMAIL_HOST"]

    result = run_deploy_check(environment)

    assert result.returncode == 1
    assert "mail.E001" in result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    environment = production_environment(tmp_path)
    del environment["THEGITHER_SECRET_KEY"]

    result = run_deploy_check(environment)

    assert result.returncode != 0
    assert "Set THEGITHER_SECRET_KEY" in result.stderr
