"""Demonstration data of the robotics competitions (illustrative; seed 000 names the disciplines, not the teams):
the city's robotics championship of November 2025 with 24 teams over three disciplines (mini sumo, Lego sumo, line
follower; eight each), its robots checked (one Lego sumo robot too heavy), both sumo brackets fought to the end (a
few ties fought again) and the line followers' three runs; and next spring's championship of all five disciplines
with registration open. The centre's demonstration user is both championships' head referee."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from eduboard.competitions import services
from eduboard.competitions.models import Competition, Discipline, Match, RobotCheck, Team
from eduboard.competitions.reference import ensure_reference
from eduboard.core.scope import WHOLE_CITY
from eduboard.registry.choices import InstitutionType
from eduboard.registry.models import Institution

CODE = "robotika-2025"
UPCOMING = "robotika-2026-pavasaris"
TEAM_NAMES = [
    "Zibens", "Bites", "Tērauda ezis", "Ķirzakas", "Pūce", "Vētra", "Dzirkstele", "Kosmoss", "Ūdrs", "Skudras",
    "Magnēts", "Čipsis", "Lāčplēsis", "Mēness", "Ņiprie", "Gaismeklis", "Sliede", "Strēlnieks", "Atoms", "Kvarks",
    "Dzenis", "Orbīta", "Zobrats", "Bultas",
]  # fmt: skip
ROBOTS = ["R-1", "Tanks", "Bulta", "Kubs", "Lode", "Vilks", "Ezis", "Sprīdītis"]
FIRST_NAMES = [
    "Anna", "Pēteris", "Marta", "Jānis", "Elza", "Kristaps", "Līga", "Artūrs", "Sofija", "Daniels", "Alise", "Roberts",
    "Katrīna", "Nikita", "Darja", "Maksims", "Ēriks", "Viktorija", "Ņikita", "Polina",
]  # fmt: skip
REGIONAL = ["Krāslavas Varavīksnes vidusskola", "Līvānu 1. vidusskola", "Preiļu Valsts ģimnāzija"]
# (discipline, mass g, width mm, length mm): a robot's measurements at the check, inside the limits.
SIZES = {"mini_sumo": (480, 98, 99), "lego_sumo": (950, 195, 198), "line_follower": (640, 180, 230)}


def load(institutions: dict[str, Institution]) -> None:
    """The 2025 championship, fought, and the spring 2026 one open for registration; once (idempotent)."""
    centre = next((i for i in institutions.values() if i.type == InstitutionType.INNOVATION_CENTRE), None)
    if centre is None or Competition.objects.filter(code=CODE).exists():
        return
    ensure_reference()
    draw = random.Random(2511)  # noqa: S311  # demonstration data, the same on every machine
    disciplines = {d.code: d for d in Discipline.objects.all()}
    chosen = [disciplines["mini_sumo"], disciplines["lego_sumo"], disciplines["line_follower"]]
    championship = Competition.objects.create(
        centre=centre,
        code=CODE,
        title_lv="Daugavpils robotikas čempionāts 2025",
        title_en="Daugavpils robotics championship 2025",
        title_ru="Чемпионат Даугавпилса по робототехнике 2025",
        date=date(2025, 11, 15),
        place="Daugavpils Inovāciju centrs, Saules iela 1",
        published=True,
    )
    championship.disciplines.set(chosen)
    kinds = {InstitutionType.BASIC_SCHOOL, InstitutionType.SECONDARY_SCHOOL, InstitutionType.GYMNASIUM}
    schools = [i for i in institutions.values() if i.type in kinds and i.is_active_on(championship.date)][:10]
    names = iter(TEAM_NAMES)
    for discipline in chosen:
        for index in range(8):
            school = schools[(index + chosen.index(discipline) * 3) % len(schools)] if index < 6 else None
            members = [
                {"name": draw.choice(FIRST_NAMES), "age": draw.randint(10, 17)} for _member in range(draw.randint(2, 3))
            ]
            team = Team.objects.create(
                competition=championship,
                discipline=discipline,
                name=next(names),
                school=school,
                school_name=school.name if school else REGIONAL[index % len(REGIONAL)],
                members=members,
                robot=f"{ROBOTS[index]}-{discipline.code[:1].upper()}",
                coach_name="Skolotājs Demo",
                coach_email=f"treneris{index + 1}@example.lv",
            )
            mass, width, length = SIZES[discipline.code]
            heavy = discipline.code == "lego_sumo" and index == 7  # one robot over the limit
            services.robot_check(
                viewer=WHOLE_CITY,
                team_id=team.pk,
                expected_version=None,
                mass_g=1080 if heavy else mass - index * 5,
                width_mm=width,
                length_mm=length,
                height_mm=None,
                robot_build="lego" if discipline.code.startswith("lego") else "self_built",
            )
    for discipline in chosen[:2]:
        services.bracket_draw(viewer=WHOLE_CITY, competition_id=championship.pk, discipline_id=discipline.pk)
        _fight(championship, discipline, draw)
    teams = Team.objects.filter(competition=championship, discipline=chosen[2], robot_check=RobotCheck.PASSED)
    for team in teams:
        for number in range(1, chosen[2].attempts + 1):
            finished = draw.random() > 0.15
            time_ms = draw.randint(14_000, 45_000) if finished else None
            services.attempt_record(viewer=WHOLE_CITY, team_id=team.pk, number=number, time_ms=time_ms)
    upcoming = Competition.objects.create(
        centre=centre,
        code=UPCOMING,
        title_lv="Daugavpils robotikas čempionāts, pavasaris",
        title_en="Daugavpils robotics championship, spring",
        title_ru="Чемпионат Даугавпилса по робототехнике, весна",
        date=timezone.localdate() + timedelta(days=120),
        place="Daugavpils Inovāciju centrs, Saules iela 1",
        registration_open=True,
        published=True,
    )
    # The spring championship runs all five of the city's disciplines (seed 000).
    upcoming.disciplines.set(Discipline.objects.all())


def link_head_referee(user: object) -> None:
    """The demonstration centre's staff member is both championships' head referee (the undo at the ring)."""
    Competition.objects.filter(code__in=[CODE, UPCOMING], head_referee__isnull=True).update(head_referee=user)


def _fight(competition: Competition, discipline: Discipline, draw: random.Random) -> None:
    """Every match to its end: the stronger seed wins more often; now and then a tie is fought again."""
    for _step in range(500):
        match = (
            Match.objects.filter(competition=competition, discipline=discipline, winner__isnull=True)
            .select_related("team_a", "team_b")
            .order_by("round", "bracket", "number")
            .first()
        )
        if match is None:
            return
        if match.rematches == 0 and draw.random() < 0.12:
            a, b = 1, 1
        else:
            seed_a, seed_b = match.team_a.seed or 99, (match.team_b.seed if match.team_b else 99) or 99
            a_wins = draw.random() < (0.65 if seed_a < seed_b else 0.35)
            loser_points = draw.choice([0, 1])
            a, b = (2, loser_points) if a_wins else (loser_points, 2)
        services.match_record(viewer=WHOLE_CITY, match_id=match.pk, expected_version=None, points_a=a, points_b=b)
