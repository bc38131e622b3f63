"""Leaving reasons become codes (registry.choices.LeavingReason): the free text moves to `leaving_note`, and every
left enrolment gets a reason inferred by the one rule (registry.leaving), marked inferred."""

from django.db import migrations, models


def text_to_note(apps, schema_editor):  # noqa: ANN001, ARG001 - a migration's signature
    Enrolment = apps.get_model("registry", "Enrolment")
    Enrolment.objects.exclude(leaving_reason="").update(leaving_note=models.F("leaving_reason"))
    Enrolment.objects.update(leaving_reason="")


def note_to_text(apps, schema_editor):  # noqa: ANN001, ARG001
    Enrolment = apps.get_model("registry", "Enrolment")
    Enrolment.objects.update(leaving_reason=models.F("leaving_note"))


def infer(apps, schema_editor):  # noqa: ANN001, ARG001
    from eduboard.registry.leaving import infer_leaving_reasons

    infer_leaving_reasons(enrolment_model=apps.get_model("registry", "Enrolment"))


class Migration(migrations.Migration):
    dependencies = [("registry", "0011_programme_sort_name")]

    operations = [
        migrations.AddField(
            model_name="enrolment",
            name="leaving_note",
            field=models.CharField(blank=True, max_length=255, verbose_name="note on leaving"),
        ),
        migrations.AddField(
            model_name="enrolment",
            name="leaving_reason_inferred",
            field=models.BooleanField(
                default=False,
                help_text="The reason was inferred by the system, not given.",
                verbose_name="reason inferred",
            ),
        ),
        migrations.RunPython(text_to_note, note_to_text),
        migrations.AlterField(
            model_name="enrolment",
            name="leaving_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("completed", "Completed the programme"),
                    ("transferred", "Continues in another institution"),
                    ("moved_municipality", "Moved to another municipality"),
                    ("moved_abroad", "Moved abroad"),
                    ("dropped_out", "Dropped out"),
                    ("other", "Other"),
                    ("unknown", "Unknown"),
                ],
                help_text=(
                    "Given with the leaving day; when none is given the system infers one (another institution within "
                    "30 days: transferred; the last grade left in summer: completed; else unknown)."
                ),
                max_length=20,
                verbose_name="reason for leaving",
            ),
        ),
        migrations.RunPython(infer, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="enrolment",
            constraint=models.CheckConstraint(
                condition=models.Q(("left_on__isnull", False), ("leaving_reason", ""), _connector="OR"),
                name="enrolment_reason_only_when_left",
                violation_error_message="A reason for leaving is given only with the day of leaving.",
            ),
        ),
    ]
