"""Demo Co-production Week: a made-up network's week in 2018, with the real Iriss.fm episode.

The episode is the seed file as it was found (`data/co-production-week-2018.txt`, with
its "Â£30,000"), imported by the same reader and service as `thegither episodes import`.
The week's two events are the ones the episode talks about; the stories are made up.
Next year's week is set up too, so its "Tell us what you can do" form is open.
Everything goes through the services a person's clicks call. Loading it again changes
nothing.
"""

import dataclasses
import datetime
from pathlib import Path

from django.utils import timezone

from thegither.accounts.models import AgeBand, Membership, Organisation, Role, User
from thegither.stories import services
from thegither.stories.importing import episode_read
from thegither.stories.models import Week
from thegither.stories.services import EventDetails, StoryDetails, WeekDetails

SEED_EPISODE = Path(__file__).parent / "data" / "co-production-week-2018.txt"
NETWORK_SLUG = "co-production-network"
NETWORK_NAME = "Co-production Network Scotland (demo)"
STAFF_USERNAME = "nadia.network"

EVENTS_2018 = (
    EventDetails(
        title="Legislative theatre: acting out the problem, writing the solution",
        starts_at=datetime.datetime(2018, 11, 20, 10, 0),
        ends_at=datetime.datetime(2018, 11, 20, 15, 0),
        place="Community Hall, Glasgow",
        organiser="Co-production Network Scotland (demo)",
        audience="People who design services and people who use them",
        accessibility="Step-free entrance, hearing loop, quiet room. Lunch provided.",
        description=(
            "A workshop in legislative theatre: a group acts out an issue, then the audience "
            "steps in to change what happens and works out what the solutions should be."
        ),
    ),
    EventDetails(
        title="In it together: what do we know about co-production with children and young people?",
        starts_at=datetime.datetime(2018, 11, 22, 13, 30),
        ends_at=datetime.datetime(2018, 11, 22, 16, 30),
        place="Easterhouse, Glasgow",
        organiser="Young Movers (YO MO)",
        audience="Youth workers, staff and young people",
        accessibility="Step-free. Plain words: no jargon.",
        description=(
            "Youth Scotland and Young Movers share how they involve young people in service "
            "design. Workshops: is it co-production or not? With voting pads, and Bid for a "
            "Fiver: plan something for your community for £5."
        ),
    ),
)

STORIES_2018 = (
    (
        StoryDetails(
            title="Bid for a Fiver: how far £5 can go",
            text=(
                "We split everyone into groups for ten minutes and asked them to plan something "
                "for their community with young people, spending no more than a fiver.\n\n"
                "At first everyone said it was impossible. By the end they were all taking ideas "
                "back to their organisations."
            ),
            organisation_name="Young Movers (YO MO)",
            theme="Stories",
            sector="Youth work",
            place="Glasgow",
        ),
        "approve",
    ),
    (
        StoryDetails(
            title="The sticky bits: when co-production got hard",
            text=(
                "Our first planning meeting went wrong: the adults did all the talking. We "
                "brought in cards – 'I want to speak' and 'Stop, I don't understand' – and the "
                "next meeting was different."
            ),
            organisation_name="Riverside Youth Trust",
            theme="Stories",
            sector="Youth work",
            place="Riverside",
        ),
        "approve",
    ),
    (
        StoryDetails(
            title="Designing the health forum with young people",
            link="https://example.org/blog/health-forum-with-young-people",
            text="A short blog about planning a health forum together, back in October.",
            organisation_name="Glasgow health partnership (demo)",
            theme="Stories",
            sector="Health",
            place="Glasgow",
        ),
        "approve",
    ),
    (
        StoryDetails(
            title="Our first co-produced youth club menu",
            text="The young people chose the food, the prices and the posters. Sales went up.",
            organisation_name="Canal Side Youth Club",
            theme="Stories",
            sector="Youth work",
            place="Riverside",
        ),
        "wait",
    ),
)


def _local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.make_aware(moment, timezone.get_current_timezone())


def _staff(network: Organisation, password: str) -> User:
    user = User.objects.filter(username=STAFF_USERNAME).first()
    if user is None:
        user = User.objects.create_user(
            username=STAFF_USERNAME,
            password=password,
            display_name="Nadia (network staff)",
            age_band=AgeBand.OVER_25,
            email="nadia@example.org",
        )
    Membership.objects.get_or_create(user=user, organisation=network, defaults={"role": Role.STAFF})
    return user


def stories_load(password: str) -> User:
    """Make the demo network, its 2018 and next year's weeks, and import the seed episode.

    Return the network's staff member (a demo log-in).
    """
    network, _created = Organisation.objects.get_or_create(
        slug=NETWORK_SLUG,
        defaults={"name": NETWORK_NAME, "kind": Organisation.Kind.NETWORK},
    )
    staff = _staff(network, password)
    services.episode_import(parsed=episode_read(SEED_EPISODE), by=staff)
    week = Week.objects.filter(organisation=network, year=2018).first()
    if week is None:
        week = services.week_create(
            organisation=network,
            details=WeekDetails(
                starts_on=datetime.date(2018, 11, 19),
                ends_on=datetime.date(2018, 11, 25),
                theme="Stories",
                summary=(
                    "A week to learn, discuss and celebrate how co-production puts people and "
                    "communities at the heart of the support and services they're part of. "
                    "This year we asked for your stories: the small ones, the big ones, and the "
                    "sticky bits and the barriers."
                ),
            ),
            by=staff,
        )
        _week_2018_fill(week, staff)
    next_year = timezone.localdate().year + 1
    if not Week.objects.filter(organisation=network, year=next_year).exists():
        services.week_create(
            organisation=network,
            details=WeekDetails(
                starts_on=datetime.date(next_year, 11, 16),
                ends_on=datetime.date(next_year, 11, 22),
                theme="Young people leading",
                summary="Tell us what you can do, and share your stories.",
            ),
            by=staff,
        )
    return staff


def _week_2018_fill(week: Week, staff: User) -> None:
    for written in EVENTS_2018:
        details = dataclasses.replace(
            written, starts_at=_local(written.starts_at), ends_at=_local(written.ends_at)
        )
        event = services.event_submit(
            week=week,
            details=details,
            sender_name="Nadia",
            sender_email="nadia@example.org",
            by=staff,
        )
        services.event_approve(event=event, by=staff)
    for details, decision in STORIES_2018:
        story = services.story_submit(
            week=week,
            details=details,
            sender_name="Demo sender",
            sender_email="stories@example.org",
            consent=True,
        )
        if decision == "approve":
            services.story_approve(story=story, by=staff)
