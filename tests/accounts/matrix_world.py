"""One small city for the permission matrix: institution A (own) and B (foreign), a row of every scoped kind in
each, a row of every kind of city-wide reference data, and one user per role.

Heads, institution staff and centre staff hold institution A only; `head_b` holds B (the owner of B's rows, e.g.
the first-choice head of a queue entry that names A second). The institution staff member is the teacher
observed in A's observation, so they see it as the teacher. A and B stand for innovation centres too (the
centre's rows of each); the centre staff also hold the city's innovation centre (`World.centre`, no rows of its
own), which the centre's per-centre pages (visitor cards) ask for. Everything is made the way the system makes it.
"""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from eduboard.accounts.models import ApiToken, User
from eduboard.accounts.roles import Role
from eduboard.accounts.services import api_token_create
from eduboard.core import stored_files
from eduboard.core.models import ImportJob
from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.core.scope import WHOLE_CITY
from eduboard.dataquality.models import CheckRun, DataIssue
from eduboard.dataquality.services import quality_rules_for_new_board
from eduboard.finance.models import (
    Allocation,
    CateringContract,
    CostRate,
    DayOff,
    Expenditure,
    FundingSource,
    InstitutionSet,
    MealRule,
    SettlementLine,
)
from eduboard.finance.sources import ensure_standard_sources
from eduboard.people.models import (
    Employment,
    PositionKind,
    Qualification,
    StaffMember,
    TrainingRecord,
    TrainingRequirement,
    Vacancy,
)
from eduboard.people.positions import ensure_standard_positions
from eduboard.privacy.models import AccessRequest, RetentionRule
from eduboard.quality import selectors as quality_selectors
from eduboard.quality import services as quality_services
from eduboard.quality.choices import FRAMEWORK_HEADS, FRAMEWORK_MK325
from eduboard.quality.defaults import ensure_default_form
from eduboard.quality.frameworks import ensure_frameworks
from eduboard.quality.models import (
    Accreditation,
    ExamResult,
    ExamSitting,
    Framework,
    GraduateEmployment,
    HeadEvaluation,
    Inspection,
    InterestParticipation,
    LearnerResult,
    ObservationForm,
    QualificationExamResult,
    Recommendation,
    UnifiedSchoolStatus,
)
from eduboard.registry.models import (
    Enrolment,
    Group,
    Institution,
    Learner,
    Municipality,
    PriorityGround,
    Programme,
    QueueEntry,
)
from eduboard.registry.synthetic import PersonalCodes
from eduboard.reports import services as report_services
from tests.factories import UserFactory, totp_device_for
from tests.finance.world import seed_meal_rules

CODES = PersonalCodes()
YEAR_CODE = "2024/2025"
AS_OF = date(2025, 1, 15)  # in YEAR_CODE: a report edition of that year can be published

BOARD_ROLES = frozenset({Role.BOARD_ADMIN, Role.BOARD_ANALYST, Role.OBSERVER})  # see every institution
LOCAL_ROLES = frozenset({Role.INSTITUTION_HEAD, Role.INSTITUTION_STAFF, Role.CENTRE_STAFF})  # hold A only
ROLES: tuple[str, ...] = tuple(Role.values)


@dataclass
class Pair:
    """A row of one kind in the own institution (A) and the same kind in the foreign one (B)."""

    own: models.Model
    foreign: models.Model | None


@dataclass
class World:
    a: Institution
    b: Institution
    users: dict[str, User]
    head_b: User
    centre: Institution  # the city's innovation centre: no rows of its own, held by the centre staff and the board
    pairs: dict[str, Pair] = field(default_factory=dict)
    # first choice B, second choice A: readable by A's head, writable only by B's
    cross_entry: QueueEntry | None = None

    def own(self, key: str) -> Any:
        return self.pairs[key].own

    def foreign(self, key: str) -> Any:
        return self.pairs[key].foreign


def person(model: type[models.Model], first: str, last: str, birth: date, **extra: Any) -> Any:
    return model.objects.create(personal_code=CODES.for_birth_date(birth), first_name=first, last_name=last, **extra)


def build_world() -> World:
    """The whole matrix world; about a hundred rows."""
    ensure_standard_positions()
    ensure_default_form()
    ensure_frameworks()
    ensure_standard_sources()
    year = school_year_get_or_create(code=YEAR_CODE)
    Municipality.objects.get_or_create(name="Daugavpils", defaults={"is_home": True})
    elsewhere, _ = Municipality.objects.get_or_create(name="Augšdaugavas novads")
    basic, _ = Programme.objects.get_or_create(
        code="21011111", defaults={"name": "Pamatizglītības programma", "level": "basic"}
    )
    PriorityGround.objects.get_or_create(code="sibling", defaults={"name": "Brālis vai māsa", "rank": 1})
    a = Institution.objects.create(name="Zinātņu vidusskola", type="secondary", registration_number="9000000011")
    b = Institution.objects.create(name="Centra vidusskola", type="secondary", registration_number="9000000015")
    centre = Institution.objects.create(
        name="Inovāciju māja", type="innovation_centre", registration_number="9000000020"
    )
    held: dict[str, list[Institution]] = {Role.CENTRE_STAFF: [a, centre]}  # the centre staff work at the centre too

    users = {
        role: UserFactory(
            username=f"matrix-{role}", role=role, institutions=held.get(role, [a]) if role in LOCAL_ROLES else []
        )
        for role in ROLES
    }
    head_b = UserFactory(username="matrix-head-b", role=Role.INSTITUTION_HEAD, institutions=[b])
    world = World(a=a, b=b, users=users, head_b=head_b, centre=centre)
    tag = {a: "Alfa", b: "Beta"}  # a word in the names of A's and B's rows: what the lists show of them
    pairs = world.pairs
    pairs["institution"] = Pair(a, b)

    # registry
    group_a = Group.objects.create(institution=a, school_year=year, programme=basic, name="1.a", grade=1)
    group_b = Group.objects.create(institution=b, school_year=year, programme=basic, name="1.b", grade=1)
    pairs["group"] = Pair(group_a, group_b)
    robotics, _ = Programme.objects.get_or_create(
        code="20V21101", defaults={"name": "Robotika", "level": "interest", "field": "technical", "stem": True}
    )
    pairs["interestgroup"] = Pair(
        *(
            Group.objects.create(institution=where, school_year=year, programme=robotics, name=f"Pulciņš {tag[where]}")
            for where in (a, b)
        )
    )
    from eduboard.registry.models import Club, MunicipalLicence

    pairs["club"] = Pair(*(Club.objects.create(institution=where, name=f"Klubs {tag[where]}") for where in (a, b)))
    pairs["municipallicence"] = Pair(
        *(
            MunicipalLicence.objects.create(
                number=f"IIL-700{number}",
                kind="interest",
                programme_name="Robotika",
                hours=120,
                provider=where,
                provider_name=where.name,
                issued_on=date(2024, 8, 1),
            )
            for number, where in ((1, a), (2, b))
        )
    )
    from eduboard.interest.models import FestivalParticipation

    pairs["festivalparticipation"] = Pair(
        *(
            FestivalParticipation.objects.create(
                festival=f"Svētki {tag[where]}",
                year=2025,
                institution=where,
                kind="dance_group",
                collectives=2,
                participants=40,
            )
            for where in (a, b)
        )
    )
    learner_a = person(Learner, "Anna", "Zinātne", date(2017, 3, 1), birth_date=date(2017, 3, 1))
    learner_b = person(
        Learner, "Ivans", "Centrs", date(2017, 5, 1), birth_date=date(2017, 5, 1), declared_municipality=elsewhere
    )
    pairs["learner"] = Pair(learner_a, learner_b)
    pairs["enrolment"] = Pair(
        Enrolment.objects.create(learner=learner_a, group=group_a, enrolled_on=date(2024, 9, 1)),
        Enrolment.objects.create(learner=learner_b, group=group_b, enrolled_on=date(2024, 9, 1)),
    )
    child_a = person(Learner, "Mia", "Rinda", date(2022, 2, 2), birth_date=date(2022, 2, 2))
    child_b = person(Learner, "Oto", "Rinda", date(2022, 4, 4), birth_date=date(2022, 4, 4))
    child_cross = person(Learner, "Ēva", "Otrā", date(2022, 6, 6), birth_date=date(2022, 6, 6))
    registered, start = date(2024, 10, 1), date(2025, 9, 1)
    pairs["queueentry"] = Pair(
        QueueEntry.objects.create(child=child_a, registered_on=registered, wanted_start_on=start, first_choice=a),
        QueueEntry.objects.create(child=child_b, registered_on=registered, wanted_start_on=start, first_choice=b),
    )
    world.cross_entry = QueueEntry.objects.create(
        child=child_cross, registered_on=registered, wanted_start_on=start, first_choice=b, second_choice=a
    )

    # people: the institution staff user is A's teacher
    teacher = PositionKind.objects.get(code="subject_teacher")
    staff_a = person(StaffMember, "Anna", "Ozola", date(1980, 3, 15), user=users[Role.INSTITUTION_STAFF])
    staff_b = person(StaffMember, "Kārlis", "Liepa", date(1990, 1, 20))
    pairs["staffmember"] = Pair(staff_a, staff_b)
    pairs["employment"] = Pair(
        *(
            Employment.objects.create(
                staff_member=who, institution=where, position=teacher, fte=1, start_date=date(2020, 9, 1)
            )
            for who, where in ((staff_a, a), (staff_b, b))
        )
    )
    pairs["qualification"] = Pair(
        *(
            Qualification.objects.create(
                staff_member=who, title="Skolotājs", document=f"D-{n}", issued_on=date(2010, 6, 1)
            )
            for n, who in enumerate((staff_a, staff_b))
        )
    )
    requirement = TrainingRequirement.objects.create(name="Bērnu tiesību aizsardzība", hours=8)
    pairs["trainingrecord"] = Pair(
        *(
            TrainingRecord.objects.create(
                staff_member=who, requirement=requirement, completed_on=date(2024, 1, 10), hours=8
            )
            for who in (staff_a, staff_b)
        )
    )
    yesterday = timezone.localdate() - timedelta(days=1)
    pairs["vacancy"] = Pair(
        Vacancy.objects.create(
            institution=a, position=teacher, subject="Fizika", fte=1, declared_on=yesterday, published_on=yesterday
        ),
        Vacancy.objects.create(institution=b, position=teacher, subject="Ķīmija", fte=1, declared_on=yesterday),
    )

    # finance
    source = FundingSource.objects.get(code="state")
    everyone = InstitutionSet.objects.create(name="visas skolas")
    everyone.members.set([a, b])
    allocations = [
        Allocation.objects.create(year=2025, institution=where, purpose="teaching_aids", source=source, amount=100)
        for where in (a, b)
    ]
    pairs["allocation"] = Pair(*allocations)
    pairs["expenditure"] = Pair(
        *(
            Expenditure.objects.create(
                allocation=target, date=date(2025, 1, 10), amount=Decimal("10.00"), document=f"R-{n}"
            )
            for n, target in enumerate(allocations)
        )
    )
    seed_meal_rules()

    # quality: observations through the service, as the observer makes them
    form = quality_selectors.form_in_use()
    answers = {criterion.code: "yes" for criterion in quality_selectors.form_criteria(form)}
    subject = quality_services.subject_get_or_create(name="Matemātika")
    pairs["observation"] = Pair(
        *(
            quality_services.observation_record(
                form=form,
                on=date(2025, 1, 14),
                institution=where,
                kind="external",
                teacher=who,
                subject=subject,
                grade="7.b",
                answers=answers,
                observer=users[Role.OBSERVER],
                viewer=WHOLE_CITY,
            )
            for who, where in ((staff_a, a), (staff_b, b))
        )
    )
    sitting = ExamSitting.objects.create(year=2024, exam="monitoring", subject=subject, level="", grade=9)
    pairs["examresult"] = Pair(
        *(
            ExamResult.objects.create(sitting=sitting, institution=where, candidates=10, mean_percent=Decimal("55.00"))
            for where in (a, b)
        )
    )
    # a pupil of A and one of B below the support list's threshold (20 %) in that monitoring test
    pairs["learnerresult"] = Pair(
        *(
            LearnerResult.objects.create(
                sitting=sitting, personal_code=who.personal_code, learner=who, institution=where, percent=Decimal("15")
            )
            for who, where in ((learner_a, a), (learner_b, b))
        )
    )

    # assets: a device of each institution, lent to that institution's pupil; a licence and a room of each
    from eduboard.assets import services as asset_services
    from eduboard.assets.choices import ensure_standard_kinds
    from eduboard.assets.models import Asset, AssetKind, Licence, Room

    ensure_standard_kinds()  # transactional tests empty the tables the migrations filled
    chromebook = AssetKind.objects.get(code="chromebook")
    assets = [
        asset_services.asset_save(
            asset=Asset(
                inventory_number=f"INV-700{number}", kind=chromebook, institution=where, acquired_on=date(2024, 8, 1)
            ),
            viewer=WHOLE_CITY,
        )
        for number, where in ((1, a), (2, b))
    ]
    pairs["asset"] = Pair(*assets)
    pairs["loan"] = Pair(
        *(
            asset_services.loan_create(asset=device, learner=who, lent_on=date(2024, 9, 2), viewer=WHOLE_CITY)
            for device, who in zip(assets, (learner_a, learner_b), strict=True)
        )
    )
    pairs["licence"] = Pair(
        *(
            Licence.objects.create(
                product=f"Uzdevumi {tag[where]}", institution=where, seats=30, valid_from=date(2024, 9, 1)
            )
            for where in (a, b)
        )
    )
    # privacy: a subject-access request prepared in each institution for its learner
    pairs["accessrequest"] = Pair(
        *(
            AccessRequest.objects.create(learner=who, institution=where, requester="Vecāks", answer={"sections": []})
            for who, where in ((learner_a, a), (learner_b, b))
        )
    )
    pairs["stocktake"] = Pair(
        *(
            asset_services.stocktake_start(institution_id=where.pk, on=date(2025, 1, 10), viewer=WHOLE_CITY)
            for where in (a, b)
        )
    )
    # data quality: a finding of each institution's learner in its board's latest run of the checks (with the
    # board's rules, which a run makes first)
    quality_rules_for_new_board(board=a.board)
    runs = {where: CheckRun.objects.create(board_id=where.board_id, as_of=AS_OF, trigger="command") for where in (a, b)}
    pairs["dataissue"] = Pair(
        *(
            DataIssue.objects.create(
                run=runs[where],
                board_id=where.board_id,
                institution=where,
                rule="duplicate_learner",
                severity="warning",
                object=f"registry.learner:{who.pk}",
                url=who.get_absolute_url(),
                params={"learner": str(who), "other": str(who), "other_id": str(who.pk)},
            )
            for where, who in ((a, learner_a), (b, learner_b))
        )
    )
    pairs["room"] = Pair(
        *(
            Room.objects.create(institution=where, name=f"Telpa {tag[where]}", kind="classroom", places=30)
            for where in (a, b)
        )
    )

    # projects: a project each institution takes part in, with a partner, a payment received, prefinancing, a
    # mobility and a deadline
    from eduboard.projects import services as project_services
    from eduboard.projects.choices import ensure_standard_programmes
    from eduboard.projects.models import Deadline, Mobility, Partner, Prefinancing, Project, ProjectProgramme

    ensure_standard_programmes()
    ka2 = ProjectProgramme.objects.get(code="erasmus_ka2")
    projects = []
    for number, where in ((1, a), (2, b)):
        project = Project(
            reference=f"2024-1-LV01-KA220-SCH-00000{number}",
            title=f"Projekts {tag[where]}",
            programme=ka2,
            role="partner",
            start_date=date(2024, 9, 1),
            end_date=date(2026, 8, 31),
            status="running",
            grant=Decimal("60000.00"),
            city_share=Decimal("20000.00"),
        )
        projects.append(project_services.project_save(project=project, viewer=WHOLE_CITY, institutions=[where]))
    pairs["project"] = Pair(*projects)
    pairs["partner"] = Pair(
        *(Partner.objects.create(project=p, organisation="Partneris", country="PL") for p in projects)
    )
    pairs["payment"] = Pair(
        *(
            project_services.payment_record(
                project=p, received_on=date(2024, 10, 1), amount=Decimal("8000.00"), viewer=WHOLE_CITY
            )
            for p in projects
        )
    )
    pairs["prefinancing"] = Pair(
        *(
            Prefinancing.objects.create(project=p, paid_on=date(2024, 9, 10), amount=Decimal("4000.00"))
            for p in projects
        )
    )
    pairs["mobility"] = Pair(
        *(
            Mobility.objects.create(
                project=p,
                direction="outgoing",
                from_date=date(2025, 3, 3),
                to_date=date(2025, 3, 7),
                host_city="Kraków" if p == projects[0] else "Gdańsk",
                host_country="PL",
                participants=4,
                flow="staff_training",
            )
            for p in projects
        )
    )
    pairs["deadline"] = Pair(
        *(
            Deadline.objects.create(project=p, title=f"Atskaite {tag[where]}", due_on=date(2025, 9, 30))
            for p, where in zip(projects, (a, b), strict=True)
        )
    )

    # the innovation centre: an activity of each institution (standing for a centre) with a slot and a booking
    from eduboard.centre import services as innovation_services
    from eduboard.centre.models import Activity, Module, Slot, Visit
    from eduboard.competitions.reference import ensure_reference

    ensure_reference()
    bookings, activities, soon = [], [], []
    tomorrow = timezone.localdate() + timedelta(days=1)
    for number, where in ((1, a), (2, b)):
        activity = Activity.objects.create(
            centre=where, code=f"matrix-{number}", kind="workshop", module=Module.objects.get(code="ecology"),
            duration_min=60, places=20, languages="lv", title_lv=f"Darbnīca {tag[where]}", published=True,
        )  # fmt: skip
        activities.append(activity)
        slot = Slot.objects.create(activity=activity, date=date(2099, 5, 4), start=time(10), end=time(11), places=20)
        # tomorrow's slot: the schedule shows the next two weeks
        soon.append(Slot.objects.create(activity=activity, date=tomorrow, start=time(12), end=time(13), places=20))
        wanted = innovation_services.BookingRequest(
            school_name=f"Skola {tag[where]}", municipality="Novads", contact_name="Anna", email="anna@example.lv",
            phone="1", group_size=5, grade="5", language="lv",
        )  # fmt: skip
        bookings.append(innovation_services.booking_create(slot=slot, request=wanted))
    pairs["booking"] = Pair(*bookings)
    pairs["activity"] = Pair(*activities)
    pairs["slot"] = Pair(*soon)
    # a visitor card of each centre, given to a class, with points recorded on it today (the leaderboards)
    cards = [
        innovation_services.cards_issue(
            viewer=users[Role.BOARD_ADMIN], centre=where, count=1, school_name=f"Punktu vācēji {tag[where]}"
        )[0]
        for where in (a, b)
    ]
    pairs["card"] = Pair(*cards)
    pairs["pointentry"] = Pair(
        *(
            innovation_services.points_record(viewer=users[Role.BOARD_ADMIN], card=card.number, task="Robots", points=5)
            for card in cards
        )
    )
    pairs["visit"] = Pair(
        *(
            Visit.objects.create(
                centre=where, kind="walk_in", activity=activity, date=date(2099, 5, 4),
                school_name=f"Apmeklētāji {tag[where]}", learners=3,
            )
            for where, activity in zip((a, b), activities, strict=True)
        )
    )  # fmt: skip
    # the centre's programme and the kits it lends to groups (issue 44)
    from eduboard.assets.models import Asset, AssetKind
    from eduboard.centre.models import CentrePartner, Fair, KitLoan, ProgrammeEvent, StudentCompany

    pairs["studentcompany"] = Pair(*(
        StudentCompany.objects.create(centre=where, name=f"SMU {tag[where]}", school_name=f"Skola {tag[where]}",
                                      members=3, founded_on=date(2025, 9, 1))
        for where in (a, b)
    ))  # fmt: skip
    pairs["fair"] = Pair(*(
        Fair.objects.create(centre=where, title=f"Tirgus {tag[where]}", date=date(2025, 12, 12)) for where in (a, b)
    ))  # fmt: skip
    pairs["programmeevent"] = Pair(*(
        ProgrammeEvent.objects.create(centre=where, kind="camp", title=f"Nometne {tag[where]}",
                                      starts_on=date(2026, 1, 5), ends_on=date(2026, 1, 9), learners=10)
        for where in (a, b)
    ))  # fmt: skip
    pairs["centrepartner"] = Pair(*(
        CentrePartner.objects.create(centre=where, name=f"Partneris {tag[where]}", country="NO",
                                     kind="science_centre", cooperation="Darbnīcas")
        for where in (a, b)
    ))  # fmt: skip
    tablet = AssetKind.objects.get(code="tablet")
    pairs["kitloan"] = Pair(*(
        KitLoan.objects.create(
            centre=where, group=f"Grupa {tag[where]}", lent_on=date(2025, 11, 5),
            asset=Asset.objects.create(inventory_number=f"IC-{number}", kind=tablet, institution=where),
        )
        for number, where in ((1, a), (2, b))
    ))  # fmt: skip
    from eduboard.competitions.models import Competition, Discipline, Team
    from eduboard.events.models import Event

    competitions, teams = [], []
    for number, where in ((1, a), (2, b)):
        competition = Competition.objects.create(
            centre=where,
            code=f"matrix-{number}",
            title_lv=f"Čempionāts {tag[where]}",
            date=date(2099, 5, 4),
            place="Zāle",
        )
        competition.disciplines.set(Discipline.objects.filter(code__in=["mini_sumo", "line_follower"]))
        competitions.append(competition)
        teams.append(
            Team.objects.create(
                competition=competition,
                discipline=Discipline.objects.get(code="mini_sumo"),
                name=f"Zibens {tag[where]}",
                school_name="Skola",
                members=[{"name": "Anna", "age": 12}],
                robot="Z",
                coach_email="c@example.lv",
            )
        )
    pairs["competition"] = Pair(*competitions)
    pairs["team"] = Pair(*teams)
    from eduboard.competitions.models import ScoreSheet

    pairs["scoresheet"] = Pair(*(
        ScoreSheet.objects.create(competition=team.competition, discipline=team.discipline, team=team, attempt=1)
        for team in teams
    ))  # fmt: skip
    from eduboard.courses.models import Course, CourseSession, Participant

    courses = [
        Course.objects.create(
            centre=where,
            code=f"matrix-course-{number}",
            title=f"Robotika {tag[where]}",
            hours=8,
            starts_on=date(2025, 10, 1),
            ends_on=date(2025, 10, 8),
            places=20,
            lecturer="Lektors",
        )
        for number, where in ((1, a), (2, b))
    ]
    pairs["course"] = Pair(*courses)
    from eduboard.materials.models import Material

    pairs["material"] = Pair(
        *(Material.objects.create(centre=where, title=f"Materiāls {tag[where]}", author="Autors") for where in (a, b))
    )
    pairs["coursesession"] = Pair(*(CourseSession.objects.create(course=c, date=date(2025, 10, 1)) for c in courses))
    pairs["participant"] = Pair(
        *(
            Participant.objects.create(
                course=course,
                name=f"Inga {tag[where]}",
                school=where,
                school_name=where.name,
                certificate_number=f"IC-2025-000{number}",
                certificate_key=f"matrix-key-{number}",
                certified_on=date(2025, 10, 8),
            )
            for number, (course, where) in enumerate(zip(courses, (a, b), strict=True), 1)
        )
    )

    pairs["event"] = Pair(
        *(
            Event.objects.create(
                title=f"Pasākums {tag[where]}", starts_at=datetime(2025, 3, 3, 10, tzinfo=UTC), organiser=where
            )
            for where in (a, b)
        )
    )

    # reference data: one row of each kind, no foreign one
    reference: dict[str, models.Model] = {
        "programme": basic,
        "positionkind": teacher,
        "trainingrequirement": requirement,
        "fundingsource": source,
        "institutionset": everyone,
        "costrate": CostRate.objects.create(year=2025, kind="general", monthly_cost=Decimal("93.24")),
        "mealrule": MealRule.objects.order_by("pk").first(),
        "cateringcontract": CateringContract.objects.create(
            serves="preschools", status="planned", decided_on=date(2025, 7, 1), years=3
        ),
        "dayoff": DayOff.objects.create(name="Darba svētki", start=date(2025, 5, 1), end=date(2025, 5, 1)),
        "settlementline": SettlementLine.objects.create(
            municipality=elsewhere,
            direction="incoming",
            level="basic",
            period_start=date(2025, 1, 1),
            period_end=date(2025, 1, 31),
            learners=1,
            months=1,
            monthly_cost=Decimal("58.02"),
        ),
        "observationform": ObservationForm.objects.order_by("pk").first(),
        "municipality": elsewhere,
        "assetkind": chromebook,
        "projectprogramme": ka2,
    }
    reference["framework"] = Framework.objects.get(code=FRAMEWORK_MK325)
    # a rule of the migrations' seed, made again when a test that empties the tables ran before
    reference["retentionrule"] = RetentionRule.objects.get_or_create(
        kind="absences", defaults={"months": 60, "legal_ground": "Izglītības likums"}
    )[0]
    for key, row in reference.items():
        assert row is not None, key
        pairs[key] = Pair(row, None)

    # quality judgements: A's and B's self-assessments; heads' evaluations of A's head (A's head user) and B's head
    assessments = [
        quality_services.self_assessment_start(
            institution=where, school_year=year, framework=reference["framework"], viewer=WHOLE_CITY
        )
        for where in (a, b)
    ]
    pairs["selfassessment"] = Pair(*assessments)
    pairs["selfassessmententry"] = Pair(*(assessment.entries.order_by("pk").first() for assessment in assessments))
    pairs["accreditation"] = Pair(
        *(
            quality_services.accreditation_save(
                accreditation=Accreditation(institution=where, accredited_on=date(2021, 12, 1), term_years=6),
                viewer=WHOLE_CITY,
            )
            for where in (a, b)
        )
    )
    # the self-assessment report's tables (issue 40): a row of each in A and in B, named with the tag
    pairs["qualificationexamresult"] = Pair(
        *(QualificationExamResult.objects.create(institution=w, school_year=year, qualification=tag[w]) for w in (a, b))
    )
    pairs["interestparticipation"] = Pair(
        *(InterestParticipation.objects.create(institution=w, school_year=year, activity=tag[w], participants=3)
          for w in (a, b))
    )  # fmt: skip
    pairs["graduateemployment"] = Pair(
        *(GraduateEmployment.objects.create(institution=w, school_year=year, programme_name=tag[w], qualification="Q")
          for w in (a, b))
    )  # fmt: skip
    pairs["inspection"] = Pair(
        *(Inspection.objects.create(institution=w, address=tag[w], body="health", issued_on=date(2020, 6, 1))
          for w in (a, b))
    )  # fmt: skip
    pairs["recommendation"] = Pair(
        *(Recommendation.objects.create(institution=w, given_on=date(2021, 12, 1), follow_up=tag[w]) for w in (a, b))
    )
    head_a = person(StaffMember, "Vilis", "Vadītājs", date(1970, 1, 5), user=users[Role.INSTITUTION_HEAD])
    head_b_person = person(StaffMember, "Vera", "Vadītāja", date(1971, 2, 6))
    heads = ((head_a, a), (head_b_person, b))
    pairs["head"] = Pair(head_a, head_b_person)
    for who, where in heads:
        Employment.objects.create(
            staff_member=who, institution=where, position=PositionKind.objects.get(code="head"), fte=1,
            start_date=date(2020, 9, 1),
        )  # fmt: skip
    heads_framework = Framework.objects.get(code=FRAMEWORK_HEADS)
    pairs["headevaluation"] = Pair(
        *(
            quality_services.head_evaluation_save(
                evaluation=HeadEvaluation(
                    head=who, institution=where, framework=heads_framework, evaluated_on=date(2024, 5, 31),
                    overall_level="good",
                ),
                levels={"4.1": "good"},
                viewer=WHOLE_CITY,
            )
            for who, where in heads
        )
    )  # fmt: skip
    pairs["unifiedschoolstatus"] = Pair(
        *(
            quality_services.unified_school_status_save(
                status=UnifiedSchoolStatus(
                    institution=where, head=who, assessed_on=date(2023, 9, 30), environment="meets",
                    head_transition="ensured",
                ),
                viewer=WHOLE_CITY,
            )
            for who, where in heads
        )
    )  # fmt: skip
    pairs["public-vacancy"] = Pair(pairs["vacancy"].own, pairs["vacancy"].foreign)  # published / not published

    # reports: a published edition everyone signed in reads, a draft only the board reads
    board = users[Role.BOARD_ADMIN]
    published = report_services.edition_create(school_year=year, as_of=AS_OF, viewer=board)
    published = report_services.edition_publish(edition_id=published.pk, version=published.version, viewer=board)
    draft = report_services.edition_create(school_year=year, as_of=AS_OF, viewer=board)
    pairs["edition"] = Pair(published, draft)

    # per-user rows: the head's own import and API token, and B's head's
    pairs["importjob"] = Pair(
        *(
            ImportJob.objects.create(
                area="registry",
                kind="learners",
                filename="learners.csv",
                created_by=who,
                status=ImportJob.Status.DONE,
                change_log_path=change_log_file(f"imports/matrix-{number}.changes.csv.gz"),
            )
            for number, who in enumerate((users[Role.INSTITUTION_HEAD], head_b))
        )
    )
    tokens: list[ApiToken] = [
        api_token_create(account=who, name=f"Žetons {tag[where]}")[0]
        for who, where in ((users[Role.INSTITUTION_HEAD], a), (head_b, b))
    ]
    pairs["apitoken"] = Pair(*tokens)
    return world


def sign_in(user: User | None) -> Client:
    """A test client signed in as `user` (past the second factor where the role needs one); None: the public."""
    client = Client()
    if user is None:
        return client
    client.force_login(user)
    if user.needs_second_factor:
        device = totp_device_for(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def reload(row: models.Model) -> models.Model | None:
    """The row as stored now, or None when it is gone."""
    return type(row)._default_manager.filter(pk=row.pk).first()


def fingerprint(row: models.Model) -> dict[str, Any] | None:
    """Every concrete field of the row as stored (None when deleted): a refused write changes none."""
    stored = reload(row)
    if stored is None:
        return None
    return {f.attname: getattr(stored, f.attname) for f in stored._meta.concrete_fields}


def table_counts() -> dict[str, int]:
    """Rows in every table of the eduboard apps (one query): a refused write adds or removes none."""
    from django.apps import apps

    tables = sorted(
        {
            model._meta.db_table
            for config in apps.get_app_configs()
            if config.name.startswith("eduboard.")
            for model in config.get_models(include_auto_created=True)
        }
    )
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in tables))  # noqa: S608
        counts = cursor.fetchone()
    return dict(zip(tables, counts, strict=True))


def change_log_file(name: str) -> str:
    """An import's change log with one entry, kept in the storage as `name` (the matrix asks who may read it, not
    what it says)."""
    data = gzip.compress(b"row,action,object,field,old,new\n2,created,learner,,,\n")
    return stored_files.keep_whole(name, io.BytesIO(data))
