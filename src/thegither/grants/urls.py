from django.urls import path

from thegither.grants.views import (
    applying,
    deciding,
    letters,
    money,
    panel,
    public,
    public_money,
    reports,
    scoring,
    screening,
    setup,
    uploads,
)

app_name = "grants"
urlpatterns = [
    # Anyone: the rounds open now and each round's public page.
    path("", public.round_list, name="round-list"),
    path("rounds/<int:pk>/", public.round_detail, name="round-detail"),
    # Groups applying.
    path("rounds/<int:pk>/apply/", applying.application_new, name="application-create"),
    path("applications/", applying.my_applications, name="my-applications"),
    path("applications/<int:pk>/", applying.application_detail, name="application-detail"),
    path("applications/<int:pk>/edit/", applying.application_edit, name="application-edit"),
    path("applications/<int:pk>/check/", applying.application_check, name="application-check"),
    path(
        "applications/<int:pk>/withdraw/",
        applying.application_withdraw,
        name="application-withdraw",
    ),
    path("applications/<int:pk>/files/", uploads.application_uploads, name="application-uploads"),
    path("files/<int:pk>/remove/", uploads.upload_remove, name="upload-remove"),
    path("files/<int:pk>/", uploads.upload_download, name="upload-download"),
    # Staff setting rounds up (panel members write criteria and questions too).
    path("organisations/<slug:slug>/funds/", setup.funds, name="funds"),
    path("funds/<int:pk>/rounds/new/", setup.round_create, name="round-create"),
    path("rounds/<int:pk>/set-up/", setup.round_setup, name="round-setup"),
    path("rounds/<int:pk>/edit/", setup.round_edit, name="round-edit"),
    path("rounds/<int:pk>/step/", setup.round_phase, name="round-phase"),
    path("rounds/<int:pk>/pots/", setup.pots, name="pots"),
    path("pots/<int:pk>/remove/", setup.pot_remove, name="pot-remove"),
    path("rounds/<int:pk>/criteria/", setup.criteria, name="criteria"),
    path("criteria/<int:pk>/remove/", setup.criterion_remove, name="criterion-remove"),
    path("rounds/<int:pk>/questions/", setup.questions, name="questions"),
    path("questions/<int:pk>/remove/", setup.question_remove, name="question-remove"),
    # Staff screening.
    path("rounds/<int:pk>/screening/", screening.screening, name="screening"),
    path("applications/<int:pk>/screen/", screening.application_screen, name="application-screen"),
    # The panel: staff choose it; members say who they know.
    path("rounds/<int:pk>/panel/", panel.panel, name="panel"),
    path("panel-members/<int:pk>/remove/", panel.panel_member_remove, name="panel-member-remove"),
    path("panel-members/<int:pk>/chair/", panel.panel_chair, name="panel-chair"),
    path("rounds/<int:pk>/to-read/", panel.to_read, name="to-read"),
    path("applications/<int:pk>/declare/", panel.declare, name="declare"),
    # Scoring: members score; staff see who has finished; the review for the decision.
    path("applications/<int:pk>/score/", scoring.score, name="score"),
    path("rounds/<int:pk>/scoring/", scoring.scoring_progress, name="scoring-progress"),
    path("rounds/<int:pk>/scoring/remind/", scoring.scoring_remind, name="scoring-remind"),
    path("rounds/<int:pk>/review/", scoring.review, name="review"),
    # Deciding: staff set the rules; the chair leads the meeting; members vote.
    path("rounds/<int:pk>/decision-rules/", deciding.decision_rules, name="decision-rules"),
    path("rounds/<int:pk>/meeting/", deciding.meeting, name="meeting"),
    path("rounds/<int:pk>/meeting/open/", deciding.meeting_open, name="meeting-open"),
    path("rounds/<int:pk>/meeting/here/", deciding.meeting_attendance, name="meeting-attendance"),
    path("rounds/<int:pk>/meeting/propose/", deciding.meeting_propose, name="meeting-propose"),
    path("rounds/<int:pk>/meeting/confirm/", deciding.meeting_confirm, name="meeting-confirm"),
    path("rounds/<int:pk>/vote/", deciding.vote, name="vote"),
    path("applications/<int:pk>/vote/", deciding.vote_set, name="vote-set"),
    path("pot-allocations/<int:pk>/casting-vote/", deciding.casting_vote, name="casting-vote"),
    path("awards/<int:pk>/", deciding.award_change, name="award-change"),
    # Reports after the grant: the group writes one; the panel and staff read and thank.
    path("awards/<int:pk>/report/", reports.report_write, name="report-write"),
    path("reports/<int:pk>/", reports.report_detail, name="report-detail"),
    path("reports/<int:pk>/files/", reports.report_files, name="report-files"),
    path("reports/<int:pk>/send/", reports.report_check, name="report-check"),
    path("reports/<int:pk>/read/", reports.report_acknowledge, name="report-acknowledge"),
    path("report-files/<int:pk>/", reports.report_file, name="report-file"),
    path("report-files/<int:pk>/remove/", reports.report_file_remove, name="report-file-remove"),
    path("rounds/<int:pk>/reports/", reports.round_reports, name="round-reports"),
    # Letters (decision 0059): the group and staff read them; staff send waiting ones again.
    path("awards/<int:pk>/letter/", letters.letter, name="letter"),
    path("awards/<int:pk>/letter.pdf", letters.letter_download, name="letter-download"),
    path("rounds/<int:pk>/letters/", letters.round_letters, name="round-letters"),
    path("rounds/<int:pk>/letters/send/", letters.round_letters_send, name="round-letters-send"),
    # Where the money went (anyone): per round, per year, and 360Giving open data.
    path("rounds/<int:pk>/money/", public_money.round_money, name="round-money"),
    path("rounds/<int:pk>/money/areas.csv", public_money.round_money_csv, name="round-money-csv"),
    path(
        "rounds/<int:pk>/360giving.json",
        public_money.round_360giving_json,
        name="round-360giving-json",
    ),
    path(
        "rounds/<int:pk>/360giving.csv",
        public_money.round_360giving_csv,
        name="round-360giving-csv",
    ),
    path(
        "organisations/<slug:slug>/money/",
        public_money.organisation_money,
        name="organisation-money",
    ),
    path(
        "organisations/<slug:slug>/money/<int:year>/",
        public_money.year_money,
        name="year-money",
    ),
    path(
        "organisations/<slug:slug>/money/<int:year>/areas.csv",
        public_money.year_money_csv,
        name="year-money-csv",
    ),
    path(
        "organisations/<slug:slug>/360giving.json",
        public_money.organisation_360giving_json,
        name="organisation-360giving-json",
    ),
    path(
        "organisations/<slug:slug>/360giving.csv",
        public_money.organisation_360giving_csv,
        name="organisation-360giving-csv",
    ),
    # Money after the decision: groups accept or give back; staff pay, lapse and move money;
    # the panel re-offers what came back; finance exports (decision 0058).
    path("awards/<int:pk>/accept/", money.award_accept, name="award-accept"),
    path("awards/<int:pk>/give-back/", money.award_withdraw, name="award-withdraw"),
    path("awards/<int:pk>/payments/", money.award_payments, name="award-payments"),
    path("awards/<int:pk>/lapse/", money.award_lapse, name="award-lapse"),
    path("payments/<int:pk>/cancel/", money.payment_cancel, name="payment-cancel"),
    path("rounds/<int:pk>/finance/", money.money, name="money"),
    path("rounds/<int:pk>/finance/move/", money.pot_transfer, name="pot-transfer"),
    path("rounds/<int:pk>/finance/<slug:table>.csv", money.finance_csv, name="finance-csv"),
    path("rounds/<int:pk>/finance/finance.xlsx", money.finance_xlsx, name="finance-xlsx"),
    path("pots/<int:pk>/offer-again/", money.reoffer, name="reoffer"),
]
