from django.urls import path

from thegither.live import views

app_name = "live"
urlpatterns = [
    path("<slug:slug>/", views.sessions, name="sessions"),
    path("<slug:slug>/new/", views.session_create, name="session-create"),
    path("<slug:slug>/glossary/", views.glossary, name="glossary"),
    path("<slug:slug>/glossary/add/", views.glossary_add, name="glossary-add"),
    path("<slug:slug>/glossary/<int:pk>/", views.glossary_word, name="glossary-word"),
    path("<slug:slug>/words/", views.glossary_public, name="glossary-public"),
    path("s/<int:pk>/", views.session_edit, name="session-edit"),
    path("s/<int:pk>/settings/", views.session_settings, name="session-settings"),
    path("s/<int:pk>/activities/", views.activity_add, name="activity-add"),
    path(
        "s/<int:pk>/activities/<int:activity_pk>/move/",
        views.activity_move,
        name="activity-move",
    ),
    path("s/<int:pk>/copy/", views.session_copy, name="session-copy"),
    path("s/<int:pk>/console/", views.console, name="console"),
    path("s/<int:pk>/control/", views.session_control, name="control"),
    path(
        "s/<int:pk>/participants/<int:participant_pk>/remove/",
        views.participant_remove,
        name="participant-remove",
    ),
    path("s/<int:pk>/answers/<int:answer_pk>/review/", views.answer_review, name="answer-review"),
    path("s/<int:pk>/delete-answers/", views.answers_delete, name="answers-delete"),
    path("s/<int:pk>/queue/", views.queue, name="queue"),
    path("s/<int:pk>/queue/<int:card_pk>/", views.queue_card, name="queue-card"),
    path("s/<int:pk>/cards-down/", views.cards_put_down, name="cards-down"),
    path("s/<int:pk>/present/", views.present, name="present"),
    path("s/<int:pk>/results.csv", views.results_csv, name="results-csv"),
    path("s/<int:pk>/results.xlsx", views.results_xlsx, name="results-xlsx"),
    path("s/<int:pk>/snapshot/", views.session_snapshot, name="session-snapshot"),
    path("s/<int:pk>/glossary/", views.session_glossary, name="session-glossary"),
    path("s/<int:pk>/fiver/", views.fiver_control, name="fiver"),
    path("s/<int:pk>/fiver/settings/", views.fiver_settings, name="fiver-settings"),
    path("s/<int:pk>/teams/", views.team_add, name="team-add"),
    path("s/<int:pk>/teams/fill/", views.teams_fill, name="teams-fill"),
    path(
        "s/<int:pk>/participants/<int:participant_pk>/team/",
        views.participant_team,
        name="participant-team",
    ),
    path("s/<int:pk>/record.csv", views.record_csv, name="record-csv"),
    path("s/<int:pk>/record.pdf", views.record_pdf, name="record-pdf"),
    path("p/<str:code>/", views.phone, name="phone"),
    path("p/<str:code>/answer/", views.answer, name="answer"),
    path("p/<str:code>/upvote/", views.upvote, name="upvote"),
    path("p/<str:code>/cards/", views.card, name="card"),
    path("p/<str:code>/team/", views.team_join, name="team-join"),
    path("p/<str:code>/plan/", views.plan, name="plan"),
    path("p/<str:code>/snapshot/", views.phone_snapshot, name="phone-snapshot"),
]

# At the top of the site, short enough to type from a projector: /join and /join/ABC234.
join_patterns = (
    [
        path("join", views.join_start, name="start"),
        path("join/<str:code>", views.join_code, name="code"),
    ],
    "join",
)
