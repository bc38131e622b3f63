"""Demonstration devices (seed 002, section II): 39 interactive screens bought through EU project 8.3.2.2/16/I/001
and 2124 Chromebooks of the recovery plan's investment 2.3.2.3.i, spread over the general schools by their pupils,
most Chromebooks lent to pupils of grades 5–12; a learning portal's PRO licence for grades 9, 11 and 12; and each
school's rooms. Idempotent: a second run changes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Count, Q

from eduboard.assets.choices import AssetStatus, ensure_standard_kinds
from eduboard.assets.models import Asset, AssetKind, AssetStatusChange, Licence, Loan, Room
from eduboard.finance import reference_texts as finance_texts
from eduboard.finance.models import FundingSource
from eduboard.projects.demo import CHROMEBOOKS_PROJECT, SCREENS_PROJECT
from eduboard.projects.models import Project
from eduboard.registry.choices import InstitutionType
from eduboard.registry.models import Enrolment, Institution

SCREENS, CHROMEBOOKS = 39, 2124
GENERAL = (InstitutionType.BASIC_SCHOOL, InstitutionType.SECONDARY_SCHOOL, InstitutionType.GYMNASIUM)
LENT_ON, DUE_ON = date(2024, 9, 2), date(2025, 6, 20)
SCHOOL_YEAR = "2024/2025"
RECOVERY_PLAN = ("recovery_plan", "Atveseļošanas un noturības mehānisms")
PORTAL = "Uzdevumi.lv PRO"
TEHNIKUMS = "2734003068"  # Daugavpils tehnikums (its demo data: quality.demo_evaluation)
# Seed 003: "55 mācību kabineti, 10 datoru klases (230 datori ar Internet pieslēgumu), 17 mācību darbnīcas un
# laboratorijas, 2 sporta zāles, 2 aktu zāles". How the 17 split into workshops and laboratories, and the places,
# are illustrative.
TEHNIKUMS_ROOMS = [
    ("kabinets", "classroom", 55, 30, 0),
    ("datorklase", "computer_room", 10, 23, 23),
    ("mācību darbnīca", "workshop", 12, 16, 0),
    ("laboratorija", "laboratory", 5, 16, 0),
    ("sporta zāle", "gym", 2, 60, 0),
    ("aktu zāle", "hall", 2, 200, 0),
]
# Seed 003's equipment: "interaktīvās tāfeles (13 kabinetos), skārienjutīgie ekrāni (10 kabinetos), dokumentu kameras
# (10 kabinetos)", in the rooms with a touch screen a multifunction device, and in the library 10 computers and one
# multifunction device: (kind code, Latvian, English, Russian name, inventory prefix, count). Kinds the standard list
# lacks are added as the board would (the touch screens apart from seed 002's 39 interactive screens of the city's
# schools, which the readiness report counts by their kind).
TEHNIKUMS_EQUIPMENT = [
    ("interactive_whiteboard", "Interaktīvā tāfele", "Interactive whiteboard", "Интерактивная доска", "DT-IT", 13),
    ("touch_screen", "Skārienjutīgais ekrāns", "Touch screen", "Сенсорный экран", "DT-SE", 10),
    ("document_camera", "Dokumentu kamera", "Document camera", "Документ-камера", "DT-DK", 10),
    ("multifunction_device", "Multifunkcionālā iekārta", "Multifunction device", "МФУ", "DT-MF", 11),
    ("desktop_computer", "Stacionārais dators", "Desktop computer", "Стационарный компьютер", "DT-DA", 10),
]


def _spread(total: int, weights: dict[int, int]) -> dict[int, int]:
    """`total` split over the keys in proportion to their weights (largest remainders), so the parts add up."""
    whole = sum(weights.values()) or 1
    shares = {key: total * weight / whole for key, weight in weights.items()}
    parts = {key: int(share) for key, share in shares.items()}
    for key in sorted(shares, key=lambda k: (-(shares[k] - parts[k]), k))[: total - sum(parts.values())]:
        parts[key] += 1
    return parts


def _pupils(schools: list[Institution], grades: Q) -> dict[int, list[int]]:
    """Learner ids enrolled on the first school day, per school, in the grades asked."""
    enrolled = (
        Enrolment.objects.holding_on(LENT_ON)
        .filter(group__institution__in=schools, group__school_year__code=SCHOOL_YEAR)
        .filter(grades)
        .order_by("group__institution_id", "learner__sort_name", "learner_id")
        .values_list("group__institution_id", "learner_id")
    )
    by_school: dict[int, list[int]] = {school.pk: [] for school in schools}
    for school_id, learner_id in enrolled:
        by_school[school_id].append(learner_id)
    return by_school


def _devices(
    schools: list[Institution],
    kind: AssetKind,
    prefix: str,
    count: dict[int, int],
    source: FundingSource,
    **values: object,
) -> list[Asset]:
    made, number = [], 0
    for school in schools:
        for _index in range(count.get(school.pk, 0)):
            number += 1
            made.append(
                Asset(
                    inventory_number=f"{prefix}-{number:05d}",
                    kind=kind,
                    institution=school,
                    funding_source=source,
                    status=AssetStatus.IN_STOCK,
                    **values,
                )
            )
    return made


def load(institutions: dict[str, Institution]) -> None:
    """Create the demonstration devices, loans, licences and rooms once."""
    ensure_standard_kinds()
    _tehnikums_rooms()
    _tehnikums_equipment()
    schools = sorted(
        (i for i in institutions.values() if i.type in GENERAL and i.closed_on is None), key=lambda i: i.pk
    )
    if not schools or Asset.objects.filter(inventory_number__startswith="DVS-").exists():
        return
    board = schools[0].board  # the demonstration board's funding sources
    eu = FundingSource.objects.get(board=board, code="eu_funds")
    recovery, _created = FundingSource.objects.get_or_create(
        board=board, code=RECOVERY_PLAN[0], defaults={"name": RECOVERY_PLAN[1]}
    )
    finance_texts.fill()  # its English and Russian names
    pupils_per_school = dict(
        Enrolment.objects.filter(group__institution__in=schools, group__school_year__code=SCHOOL_YEAR)
        .values_list("group__institution_id")
        .annotate(n=Count("pk"))
    )
    weights = {school.pk: pupils_per_school.get(school.pk, 0) for school in schools}
    kinds = {kind.code: kind for kind in AssetKind.objects.all()}
    assets = _devices(
        schools, kinds["interactive_screen"], "DVS-IE", _spread(SCREENS, weights), eu,
        model="Promethean ActivPanel 75", acquired_on=date(2019, 8, 20), price=Decimal("2450.00"),
    ) + _devices(
        schools, kinds["chromebook"], "DVS-CB", _spread(CHROMEBOOKS, weights), recovery,
        model="Lenovo 100e Chromebook Gen 3", acquired_on=date(2023, 8, 15), price=Decimal("259.00"),
    )  # fmt: skip
    for index, asset in enumerate(assets, start=1):
        asset.serial_number = f"SN{index:07d}"
        asset.status_since = asset.acquired_on
    Asset.objects.bulk_create(assets, batch_size=1000)
    assets = list(Asset.objects.filter(inventory_number__startswith="DVS-").order_by("inventory_number"))
    changes = [
        AssetStatusChange(asset=a, status=AssetStatus.IN_STOCK, changed_on=a.acquired_on or LENT_ON) for a in assets
    ]

    # Most Chromebooks lent to pupils of grades 5–12, one each; the rest kept in stock for the classes.
    pupils = _pupils(schools, Q(group__grade__gte=5))
    free: dict[int, list[Asset]] = {school.pk: [] for school in schools}
    for asset in assets:
        if asset.kind_id == kinds["chromebook"].pk:
            free[asset.institution_id].append(asset)
    loans, lent = [], []
    for school in schools:
        devices = free[school.pk]
        for asset, learner_id in zip(devices[: len(devices) * 4 // 5], pupils[school.pk], strict=False):
            loans.append(Loan(asset=asset, learner_id=learner_id, lent_on=LENT_ON, due_on=DUE_ON))
            lent.append(asset.pk)
            changes.append(AssetStatusChange(asset=asset, status=AssetStatus.LENT, changed_on=LENT_ON))
    Loan.objects.bulk_create(loans, batch_size=1000)
    Asset.objects.filter(pk__in=lent).update(status=AssetStatus.LENT, status_since=LENT_ON)
    AssetStatusChange.objects.bulk_create(changes, batch_size=1000)

    # The learning portal's PRO licence for the pupils of grades 9, 11 and 12.
    seats = _pupils(schools, Q(group__grade__in=[9, 11, 12]))
    for school in schools:
        if seats[school.pk]:
            Licence.objects.get_or_create(
                product=PORTAL,
                institution=school,
                valid_from=date(2024, 9, 1),
                defaults={"seats": len(seats[school.pk]), "valid_to": date(2025, 8, 31), "funding_source": recovery},
            )
    # Rooms: a classroom per class, a computer room, a laboratory, a workshop, a gym and a hall.
    classes = dict(
        Enrolment.objects.filter(group__institution__in=schools, group__school_year__code=SCHOOL_YEAR)
        .values_list("group__institution_id")
        .annotate(n=Count("group_id", distinct=True))
    )
    rooms = []
    for school in schools:
        for number in range(1, classes.get(school.pk, 0) + 1):
            rooms.append(Room(institution=school, name=f"{100 + number}. kabinets", kind="classroom", places=30))
        rooms += [
            Room(institution=school, name="Datorklase", kind="computer_room", places=24, computers=24),
            Room(institution=school, name="Dabaszinību laboratorija", kind="laboratory", places=24, computers=1),
            Room(institution=school, name="Mājturības darbnīca", kind="workshop", places=16),
            Room(institution=school, name="Sporta zāle", kind="gym", places=60),
            Room(institution=school, name="Aktu zāle", kind="hall", places=200),
        ]
    Room.objects.bulk_create(rooms, ignore_conflicts=True)


def _tehnikums_rooms() -> None:
    """The technical school's rooms as seed 003 counts them (when the quality demo made the school)."""
    tehnikums = Institution.objects.filter(registration_number=TEHNIKUMS).first()
    if tehnikums is None:
        return
    Room.objects.bulk_create(
        [
            Room(institution=tehnikums, name=f"{number}. {name}", kind=kind, places=places, computers=computers)
            for name, kind, count, places, computers in TEHNIKUMS_ROOMS
            for number in range(1, count + 1)
        ],
        ignore_conflicts=True,
    )


def _tehnikums_equipment() -> None:
    """The technical school's equipment as seed 003 counts it (when the quality demo made the school)."""
    tehnikums = Institution.objects.filter(registration_number=TEHNIKUMS).first()
    if tehnikums is None or Asset.objects.filter(inventory_number__startswith="DT-").exists():
        return
    assets = []
    for code, name, name_en, name_ru, prefix, count in TEHNIKUMS_EQUIPMENT:
        kind, _created = AssetKind.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "name_ru": name_ru}
        )
        assets += [
            Asset(inventory_number=f"{prefix}-{number:03d}", kind=kind, institution=tehnikums)
            for number in range(1, count + 1)
        ]
    Asset.objects.bulk_create(assets)


def link_projects() -> None:
    """The interactive screens and the Chromebooks were bought by two of seed 002's projects (projects.demo): link
    the devices not yet linked to them, once the projects exist."""
    for prefix, reference in (("DVS-IE-", SCREENS_PROJECT), ("DVS-CB-", CHROMEBOOKS_PROJECT)):
        project = Project.objects.filter(reference=reference).first()
        if project is not None:
            Asset.objects.filter(inventory_number__startswith=prefix, project__isnull=True).update(project=project)
