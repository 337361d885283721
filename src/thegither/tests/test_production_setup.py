"""A new operator following docs/deployment.md ends with their own organisation, no demo.

Each step is the real `thegither` command in a fresh process with production
settings, on an empty data folder, in the order the deployment guide gives.
"""

import subprocess
import sys

import pytest

from thegither.demo.services import DEMO_PASSWORD
from thegither.tests.test_deploy_check import production_environment, run_deploy_check

# A fresh SQLite file and no Redis (production_environment), whatever the run was given.
pytestmark = [pytest.mark.slow, pytest.mark.own_database]


def thegither(environment: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "thegither.cli", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def test_following_the_deployment_guide_makes_your_organisation_and_no_demo(tmp_path):
    environment = production_environment(tmp_path)

    up = thegither(environment, "up", "--no-serve")
    assert up.returncode == 0, up.stderr
    assert DEMO_PASSWORD not in up.stdout
    assert "thegither setup" in up.stdout

    setup = thegither(
        environment,
        "setup",
        "--organisation",
        "Govan Young People's Network",
        "--username",
        "aileen",
        "--name",
        "Aileen",
        "--email",
        "aileen@example.org",
        "--link",
    )
    assert setup.returncode == 0, setup.stderr
    assert "https://thegither.example.org/accounts/password-reset/" in setup.stdout

    listed = thegither(
        environment,
        "shell",
        "--no-imports",
        "-c",
        "from thegither.accounts.models import User, Membership;"
        "print(sorted(User.objects.values_list('username', flat=True)));"
        "print(Membership.objects.get().role, Membership.objects.get().organisation.slug)",
    )
    assert listed.stdout.split("\n")[:2] == ["['aileen']", "org-admin govan-young-peoples-network"]

    check = run_deploy_check(environment)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "no issues" in check.stdout


def test_the_demo_needs_a_flag_on_a_real_site_and_then_fails_the_deploy_check(tmp_path):
    environment = production_environment(tmp_path)
    assert thegither(environment, "migrate").returncode == 0

    refused = thegither(environment, "demo")
    assert refused.returncode != 0
    assert "thegither setup" in refused.stderr
    assert DEMO_PASSWORD not in refused.stdout

    loaded = thegither(environment, "demo", "--on-a-real-site")
    assert loaded.returncode == 0, loaded.stderr

    check = run_deploy_check(environment)
    assert check.returncode == 1
    assert "thegither.E001" in check.stderr
    assert "alex.admin" in check.stderr


def test_setup_without_a_terminal_or_link_saves_nothing_and_says_why(tmp_path):
    environment = production_environment(tmp_path)
    assert thegither(environment, "migrate").returncode == 0

    result = thegither(
        environment, "setup", "--organisation", "Govan", "--username", "a", "--name", "A"
    )

    assert result.returncode != 0
    assert "--link" in result.stderr
    count = thegither(
        environment,
        "shell",
        "--no-imports",
        "-c",
        "from thegither.accounts.models import Organisation; print(Organisation.objects.count())",
    )
    assert count.stdout.strip() == "0"
