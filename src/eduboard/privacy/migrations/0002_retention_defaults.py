"""The retention rules as the system starts with them (privacy.retention.KINDS' defaults, copied here as they were):
a period in months and its legal ground per kind of personal data; the board edits them on /privacy/retention/."""

from typing import Any

from django.db import migrations

DEFAULTS = (
    ("enrolments", 900, "Arhīvu likums; izglītojamo reģistrācijas un uzskaites grāmata glabājama 75 gadus"),
    ("absences", 60, "Izglītības likums; priekšlaicīgas mācību pārtraukšanas prevencijas kārtība (MK not. Nr. 89)"),
    ("term_results", 60, "Izglītības likums; priekšlaicīgas mācību pārtraukšanas prevencijas kārtība (MK not. Nr. 89)"),
    ("support_plans", 60, "Izglītības likums; atbalsta plāns glabājams 5 gadus pēc tā noslēguma"),
    ("device_loans", 36, "Civillikums (patapinājuma līgums); grāmatvedības attaisnojuma dokumenti"),
    ("booking_contacts", 12, "VDAR 6. panta 1. punkta f) apakšpunkts: saziņa par apmeklējumu"),
    ("waiting_contacts", 12, "VDAR 6. panta 1. punkta f) apakšpunkts: saziņa par brīvu vietu"),
    ("visitor_cards", 24, "VDAR 6. panta 1. punkta f) apakšpunkts: apmeklētāja punktu uzskaite"),
    ("survey_codes", 12, "VDAR 5. panta 1. punkta e) apakšpunkts: kods vajadzīgs tikai aptaujas laikā"),
    ("import_files", 3, "VDAR 5. panta 1. punkta e) apakšpunkts: datne vajadzīga, kamēr pārbauda importu"),
    ("audit_entries", 60, "VDAR 5. panta 2. punkts un 32. pants; Fizisko personu datu apstrādes likums"),
)


def seed(apps: Any, schema_editor: Any) -> None:
    rule = apps.get_model("privacy", "RetentionRule")
    for kind, months, ground in DEFAULTS:
        rule.objects.get_or_create(kind=kind, defaults={"months": months, "legal_ground": ground})


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_access_and_retention")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
