"""Version 1 of the default observation form and its answer scales (seed 002's criteria)."""

from typing import Any

from django.db import migrations

from eduboard.quality.defaults import DEFAULT_FORM_CODE, DEFAULT_FORM_NAME, GROUPS, SCALES, YES_PARTLY_NO


def create_default_form(apps: Any, schema_editor: Any) -> None:
    AnswerScale = apps.get_model("quality", "AnswerScale")
    ScaleOption = apps.get_model("quality", "ScaleOption")
    ObservationForm = apps.get_model("quality", "ObservationForm")
    CriterionGroup = apps.get_model("quality", "CriterionGroup")
    Criterion = apps.get_model("quality", "Criterion")
    scales = {}
    for code, (name, options) in SCALES.items():
        scale, _created = AnswerScale.objects.get_or_create(code=code, defaults={"name": name})
        scales[code] = scale
        for position, (option, label, meets) in enumerate(options):
            ScaleOption.objects.get_or_create(
                scale=scale, code=option, defaults={"label": label, "position": position, "meets": meets}
            )
    if ObservationForm.objects.filter(code=DEFAULT_FORM_CODE).exists():
        return
    form = ObservationForm.objects.create(code=DEFAULT_FORM_CODE, version=1, name=DEFAULT_FORM_NAME)
    position = 0
    for group_position, (group_code, group_name, criteria) in enumerate(GROUPS):
        group = CriterionGroup.objects.create(form=form, code=group_code, name=group_name, position=group_position)
        for code, text in criteria:
            Criterion.objects.create(
                form=form, group=group, code=code, text=text, scale=scales[YES_PARTLY_NO], position=position
            )
            position += 1


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_observations_and_exams")]

    operations = [migrations.RunPython(create_default_form, migrations.RunPython.noop)]
