"""Demo data: a fictional youth charity to explore Thegither with.

Everything here is made up. Other parts (Youth Bank, workshops) extend
`demo_load` with their own demo rows.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from thegither.accounts.models import (
    STAFF_ROLES,
    AgeBand,
    Area,
    Membership,
    Organisation,
    Role,
    User,
)
from thegither.demo.meetings import demo_meetings_load
from thegither.demo.stories import STAFF_USERNAME, stories_load
from thegither.demo.youth_bank import youth_bank_load
from thegither.live import services as live_services
from thegither.live.models import LiveSession

DEMO_PASSWORD = "together-demo-2026"  # noqa: S105 - printed on screen for the demo on purpose


@dataclass(frozen=True)
class DemoLogin:
    username: str
    display_name: str
    role: str
    age_band: str
    email: str = ""
    note: str = ""


DEMO_LOGINS = (
    DemoLogin(
        "alex.admin", "Alex (admin)", Role.ORGANISATION_ADMIN, AgeBand.OVER_25, "alex@example.org"
    ),
    DemoLogin("sam.worker", "Sam (youth worker)", Role.STAFF, AgeBand.OVER_25, "sam@example.org"),
    DemoLogin("jay", "Jay", Role.PANEL_MEMBER, AgeBand.FROM_16_TO_17),
    DemoLogin("ruby", "Ruby", Role.PANEL_MEMBER, AgeBand.FROM_13_TO_15),
    DemoLogin(
        "mo",
        "Mo",
        Role.PANEL_MEMBER,
        AgeBand.UNDER_13,
        note="under 13: waiting for a grown-up's yes, so sees the waiting page",
    ),
    DemoLogin("kai", "Kai", Role.PANEL_MEMBER, AgeBand.FROM_18_TO_25, "kai@example.org"),
    DemoLogin(
        "dunmore.gardeners",
        "Morag (Dunmore Street Gardeners)",
        Role.APPLICANT_CONTACT,
        AgeBand.OVER_25,
        "morag@example.org",
    ),
    DemoLogin(
        "canal.youth",
        "Priya (Canal Side Youth Club)",
        Role.APPLICANT_CONTACT,
        AgeBand.OVER_25,
        "priya@example.org",
        note="has sent an application to the Youth Bank",
    ),
)


# Staff at the demo's co-production network (demo/stories.py), not at the trust.
NETWORK_LOGIN = DemoLogin(
    STAFF_USERNAME,
    "Nadia (network staff)",
    Role.STAFF,
    AgeBand.OVER_25,
    "nadia@example.org",
    note="staff at the demo co-production network: checks events and stories",
)


def demo_is_needed() -> bool:
    """Return True when the database has no people yet and this is not a real site.

    On a real site (the production profile) the demo is never loaded by itself:
    `thegither setup` makes the first organisation and its admin instead.
    """
    return not settings.PRODUCTION and not User.objects.exists()


def accounts_with_demo_password() -> list[str]:
    """Return the usernames, among the demo's and everyone with power, using the demo password."""
    powerful = (
        Q(username__in=[login.username for login in (*DEMO_LOGINS, NETWORK_LOGIN)])
        | Q(is_superuser=True)
        | Q(is_staff=True)
        | Q(memberships__role__in=STAFF_ROLES)
    )
    return [
        user.username
        for user in User.objects.filter(powerful).distinct().order_by("username")
        if user.has_usable_password() and user.check_password(DEMO_PASSWORD)
    ]


@transaction.atomic
def demo_load() -> list[DemoLogin]:
    """Create the fictional Riverside Youth Trust with staff, a panel, groups and a Youth Bank."""
    trust, _created = Organisation.objects.get_or_create(
        slug="riverside-youth-trust",
        defaults={"name": "Riverside Youth Trust", "kind": Organisation.Kind.CHARITY},
    )
    for area in ("North West", "North East"):
        Area.objects.get_or_create(organisation=trust, name=area)
    for login in DEMO_LOGINS:
        user, created = User.objects.get_or_create(
            username=login.username,
            defaults={
                "display_name": login.display_name,
                "age_band": login.age_band,
                "email": login.email,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(
            user=user, organisation=trust, defaults={"role": login.role}
        )
    users = {user.username: user for user in User.objects.filter(memberships__organisation=trust)}
    youth_bank_load(trust, users["sam.worker"], users)
    demo_workshop_load(trust, User.objects.get(username="sam.worker"))
    demo_meetings_load(trust, User.objects.get(username="sam.worker"))
    stories_load(DEMO_PASSWORD)
    return [*DEMO_LOGINS, NETWORK_LOGIN]


DEMO_WORKSHOP_TITLE = "In it together: what do we know about co-production with young people?"
# One activity of each kind, in the order a youth worker might run them.
DEMO_ACTIVITIES = (
    {"kind": "yes-no", "prompt": "Have you heard the word co-production before?"},
    {
        "kind": "ladder",
        "prompt": "Is this co-production? Young people are asked to fill in a survey "
        "about a plan that is already made.",
    },
    {
        "kind": "choice",
        "prompt": "Who should decide how the youth club's money is spent?",
        "options": ["Staff", "Young people", "Staff and young people together", "The council"],
    },
    {
        "kind": "choice",
        "prompt": "What stops young people taking part? Choose all that fit.",
        "options": ["Jargon", "Meeting times", "Not feeling listened to", "Travel costs"],
        "several": True,
    },
    {
        "kind": "scale",
        "prompt": "How much do adults listen to young people where you live?",
        "options": ["Not at all", "A little", "Some", "A lot", "Completely"],
        "faces": True,
    },
    {"kind": "word-cloud", "prompt": "One word for what co-production means to you."},
    {"kind": "open-text", "prompt": "What would make our meetings better for you?"},
    {
        "kind": "ranking",
        "prompt": "Put these in order: what matters most in a good workshop?",
        "options": ["Plain words", "Snacks", "Being listened to", "Having fun"],
    },
    {
        "kind": "points",
        "prompt": "Share out £5 (500p) between these ideas for the community.",
        "options": ["Seeds for a garden", "A litter pick", "A games night"],
        "points_total": 500,
    },
)


def demo_workshop_load(trust: Organisation, facilitator: User) -> LiveSession:
    """Make the demo workshop, ready to present, unless it is there already."""
    existing = LiveSession.objects.filter(organisation=trust, title=DEMO_WORKSHOP_TITLE).first()
    if existing is not None:
        return existing
    session = live_services.session_create(
        organisation=trust, title=DEMO_WORKSHOP_TITLE, by=facilitator
    )
    for activity in DEMO_ACTIVITIES:
        live_services.activity_add(session=session, by=facilitator, **activity)
    return session
