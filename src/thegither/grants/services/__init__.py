"""Writes for grants: funds, rounds, pots, criteria, questions, applications, awards and money.

Every change goes through these functions and is written to the audit log.
Callers write `from thegither.grants.services import round_phase_move`.
"""

from thegither.grants.services.applications import (
    ApplicationDraft,
    application_draft_save,
    application_screen,
    application_submit,
    application_withdraw,
)
from thegither.grants.services.deciding import (
    allocation_propose,
    attendance_set,
    award_change,
    award_decline,
    casting_vote_cast,
    decision_rules_set,
    meeting_confirm,
    meeting_open,
    pot_given_pence,
    tie_choices,
    vote_set,
)
from thegither.grants.services.money import (
    award_accept,
    award_lapse,
    award_reminders_send,
    award_withdraw,
    awards_lapse_overdue,
    payment_cancel,
    payment_record,
    pot_transfer,
    reoffer_confirm,
)
from thegither.grants.services.panel import (
    conflict_declare,
    panel_chair_set,
    panel_member_add,
    panel_member_remove,
)
from thegither.grants.services.rounds import (
    criterion_add,
    criterion_remove,
    fund_create,
    pot_remove,
    pot_set,
    question_add,
    question_remove,
    round_change,
    round_create,
    round_phase_move,
)
from thegither.grants.services.scoring import (
    ScoreEntry,
    scores_save,
    scoring_reminders_send,
)
from thegither.grants.services.uploads import (
    application_upload_add,
    application_upload_remove,
    upload_display_name,
)

__all__ = [
    "ApplicationDraft",
    "ScoreEntry",
    "allocation_propose",
    "application_draft_save",
    "application_screen",
    "application_submit",
    "application_upload_add",
    "application_upload_remove",
    "application_withdraw",
    "attendance_set",
    "award_accept",
    "award_change",
    "award_decline",
    "award_lapse",
    "award_reminders_send",
    "award_withdraw",
    "awards_lapse_overdue",
    "casting_vote_cast",
    "conflict_declare",
    "criterion_add",
    "criterion_remove",
    "decision_rules_set",
    "fund_create",
    "meeting_confirm",
    "meeting_open",
    "panel_chair_set",
    "panel_member_add",
    "panel_member_remove",
    "payment_cancel",
    "payment_record",
    "pot_given_pence",
    "pot_remove",
    "pot_set",
    "pot_transfer",
    "question_add",
    "question_remove",
    "reoffer_confirm",
    "round_change",
    "round_create",
    "round_phase_move",
    "scores_save",
    "scoring_reminders_send",
    "tie_choices",
    "upload_display_name",
    "vote_set",
]
