"""The default observation form: the criteria seed 002 reports on (Latvian, as the board's form has them).

Used by the data migration that creates version 1 and by tests; codes are the column names of the
`observations` import file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

DEFAULT_FORM_CODE = "lesson"
DEFAULT_FORM_NAME = "Mācību stundas/nodarbības vērošanas lapa"
YES_PARTLY_NO = "yes_partly_no"
LEVELS = "levels"

# scale code -> (name, [(option code, label, meets the criterion)])
SCALES: dict[str, tuple[str, list[tuple[str, str, bool]]]] = {
    YES_PARTLY_NO: ("Jā / daļēji / nē", [("yes", "Jā", True), ("partly", "Daļēji", False), ("no", "Nē", False)]),
    LEVELS: (
        "Līmeņi",
        [
            ("excellent", "Izcili", True),
            ("very_good", "Ļoti labi", True),
            ("good", "Labi", True),
            ("needs_improvement", "Jāpilnveido", False),
            ("insufficient", "Nepietiekami", False),
        ],
    ),
}

# (group code, group name, [(criterion code, text)]); every criterion on the yes/partly/no scale
GROUPS: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "lesson",
        "Mācību stundas/nodarbības norise",
        [
            ("results_defined", "Sasniedzamie rezultāti ir skaidri definēti"),
            ("three_parts", "Stundai ir 3 daļas (ierosināšana, apjēgšana, refleksija)"),
            ("differentiated_tasks", "Dažāda līmeņa uzdevumi atbilstoši izglītojamo gatavībai mācībām"),
            ("individual_support", "Ir pieejams individualizēts atbalsts"),
            ("learner_centred", "Mācību process ir izglītojamo centrēts"),
            ("in_latvian", "Stunda notiek latviešu valodā"),
            ("lecture_format", "Stunda notiek lekcijas formātā"),
        ],
    ),
    (
        "thinking",
        "Ko izglītojamie darīja",
        [
            ("name_cite_describe", "Nosauca, citēja, stāstīja, aprakstīja, atbildēja uz jautājumiem"),
            ("argue_justify", "Argumentēja, pamatoja"),
            ("create_evaluate", "Veidoja, formulēja jaunas sakarības, vērtēja paveikto"),
        ],
    ),
    (
        "critical_thinking",
        "Kritiskā domāšana un problēmrisināšana",
        [
            ("defined_problem", "Precīzi definēja problēmu vai iespēju"),
            ("chose_solution", "Formulēja un izvēlējās risinājumu problēmai"),
            ("planned_acted", "Plānoja un rīkojās"),
            ("checked_evaluated", "Pārbaudīja un novērtēja risinājumu"),
        ],
    ),
]


def criterion_codes() -> list[str]:
    """The default form's criterion codes in order."""
    return [code for _group, _name, criteria in GROUPS for code, _text in criteria]


def create_default_form(get_model: Callable[[str, str], Any]) -> None:
    """Create the answer scales and version 1 of the default form when missing.

    `get_model` is `apps.get_model` (a data migration's historical models, or the app registry's):
    the migration calls it, and so can tests whose transactional database was emptied.
    """
    AnswerScale = get_model("quality", "AnswerScale")
    ScaleOption = get_model("quality", "ScaleOption")
    ObservationForm = get_model("quality", "ObservationForm")
    CriterionGroup = get_model("quality", "CriterionGroup")
    Criterion = get_model("quality", "Criterion")
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


def ensure_default_form() -> None:
    """`create_default_form` with the current models (for tests whose database was emptied)."""
    from django.apps import apps

    from eduboard.quality import reference_texts

    create_default_form(apps.get_model)
    reference_texts.fill()
