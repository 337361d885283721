"""Helpers for scoring tests: declare and score in one line."""

from thegither.grants import services


def declare(application, person, knows=False):
    services.conflict_declare(
        application=application,
        has_conflict=knows,
        reason="My cousin runs it." if knows else "",
        by=person,
    )


def score(application, person, values, comment=""):
    """Score every criterion (in order) with `values`; returns the assessment."""
    criteria = application.round.criteria.order_by("position", "pk")
    return services.scores_save(
        application=application,
        entries={
            c.pk: services.ScoreEntry(v, comment) for c, v in zip(criteria, values, strict=True)
        },
        by=person,
    )
