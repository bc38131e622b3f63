"""The default observation form: the criteria seed 002 reports on (Latvian, as the board's form has them).

Used by the data migration that creates version 1 and by tests; codes are the column names of the
`observations` import file.
"""

from __future__ import annotations

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
