"""Many people awarding from one pot at the same moment never give out more than it holds."""

import threading

import pytest
from django.db import connection

from thegither.accounts.tests import factories
from thegither.core.refusals import Refusal, Refused
from thegither.grants import services
from thegither.grants.models import Award, AwardStatus
from thegither.grants.tests.deciding_helpers import deciding_make, meeting_with_everyone

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="runs on PostgreSQL (CI's second run): SQLite's in-memory test database "
        "can't be shared by threads",
    ),
]

APPLICATIONS = 8


def test_awards_made_at_once_from_one_pot_never_pass_it_and_each_refusal_says_why():
    organisation = factories.organisation_make()
    # Eight applications of £1,000 and a pot of £3,000: at most three can be given in full.
    deciding = deciding_make(
        organisation, amounts=(100_000,) * APPLICATIONS, pot_pence=300_000, max_grant_pence=100_000
    )
    meeting = meeting_with_everyone(deciding)
    services.allocation_propose(meeting=meeting, by=deciding.chair)  # nobody voted: none funded
    awards = list(Award.objects.filter(pot=deciding.pot))
    assert all(award.status == AwardStatus.NOT_FUNDED for award in awards)
    start = threading.Barrier(len(awards))
    outcomes: list[object] = []

    def award(target):
        start.wait()
        try:
            services.award_change(award=target, amount_pence=100_000, by=deciding.chair)
            outcomes.append("ok")
        except Refused as refused:
            outcomes.append(refused)
        except Exception as error:  # a deadlock or lost update would show here
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=award, args=(a,)) for a in awards]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes.count("ok") == 3
    refused = [o for o in outcomes if isinstance(o, Refused)]
    assert len(refused) == APPLICATIONS - 3
    for refusal in refused:
        assert refusal.kind == Refusal.UNUSABLE
        assert "only £0 left" in refusal.messages[0]
    assert services.pot_given_pence(deciding.pot) == 300_000
