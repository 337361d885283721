"""Scores: a panel member's assessment of each application, and panel numbers for pseudonyms."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def number_panel_members(apps, schema_editor):
    """Give every panel member already on a panel a number, in the order they joined."""
    PanelMember = apps.get_model("grants", "PanelMember")
    counts: dict[int, int] = {}
    for member in PanelMember.objects.order_by("round_id", "added_at", "pk"):
        counts[member.round_id] = counts.get(member.round_id, 0) + 1
        member.number = counts[member.round_id]
        member.save(update_fields=["number"])


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0002_panel_and_conflicts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Assessment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "notes",
                    models.TextField(
                        blank=True, max_length=3000, verbose_name="notes from a visit or interview"
                    ),
                ),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                ("changed_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name": "assessment",
                "verbose_name_plural": "assessments",
            },
        ),
        migrations.CreateModel(
            name="Score",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("value", models.PositiveSmallIntegerField(verbose_name="score")),
                ("comment", models.CharField(blank=True, max_length=500, verbose_name="comment")),
            ],
            options={
                "verbose_name": "score",
                "verbose_name_plural": "scores",
            },
        ),
        migrations.AddField(
            model_name="panelmember",
            name="number",
            field=models.PositiveSmallIntegerField(null=True, verbose_name="number on the panel"),
        ),
        migrations.RunPython(number_panel_members, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="panelmember",
            name="number",
            field=models.PositiveSmallIntegerField(verbose_name="number on the panel"),
        ),
        migrations.AddConstraint(
            model_name="panelmember",
            constraint=models.UniqueConstraint(
                fields=("round", "number"), name="grants_panelmember_number_unique_in_round"
            ),
        ),
        migrations.AddField(
            model_name="assessment",
            name="application",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="assessments",
                to="grants.application",
            ),
        ),
        migrations.AddField(
            model_name="assessment",
            name="panel_member",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="assessments",
                to="grants.panelmember",
            ),
        ),
        migrations.AddField(
            model_name="score",
            name="assessment",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="scores",
                to="grants.assessment",
            ),
        ),
        migrations.AddField(
            model_name="score",
            name="criterion",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="scores",
                to="grants.criterion",
            ),
        ),
        migrations.AddConstraint(
            model_name="assessment",
            constraint=models.UniqueConstraint(
                fields=("panel_member", "application"),
                name="grants_assessment_once_per_member_and_application",
            ),
        ),
        migrations.AddConstraint(
            model_name="score",
            constraint=models.UniqueConstraint(
                fields=("assessment", "criterion"), name="grants_score_once_per_criterion"
            ),
        ),
        migrations.AddConstraint(
            model_name="score",
            constraint=models.CheckConstraint(
                condition=models.Q(("value__gte", 1), ("value__lte", 5)), name="grants_score_1_to_5"
            ),
        ),
    ]
