"""Surveys: the three file formats (whole or nothing, idempotent), response rates on computed and entered
populations, the share of each answer, suppression of any cut under 5 answers in the command and the API, scoping,
and that nothing links an answer to a person."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.imports import ImportFailed
from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.core.scope import WHOLE_CITY
from eduboard.people.models import Employment, PositionKind, StaffMember
from eduboard.people.positions import ensure_standard_positions
from eduboard.registry.models import Enrolment, Group, Institution, Learner, Programme
from eduboard.registry.synthetic import PersonalCodes
from eduboard.surveys.importers import PopulationImporter, QuestionImporter, ResponseImporter
from eduboard.surveys.models import Answer, Population, Question, Response, Survey
from eduboard.surveys.selectors import survey_figures
from tests.factories import InstitutionFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

CODES = PersonalCodes()
QUESTIONS = (
    "survey,audience,code,text_lv,text_en,text_ru,kind,choices\n"
    "lb-2024,teachers,important_part,Jūtos nozīmīga daļa.,I feel an important part.,,frequency,\n"
    "lb-2024,pupils_5_12,important_part,Jūtos nozīmīga daļa.,,,frequency,\n"
    "lb-2024,parents,safe,Bērns jūtas droši.,,,yes_partly_no,\n"
    "lb-2024,parents,clubs,Kādos pulciņos?,,,multiple,sports;music;art\n"
    "lb-2024,teachers,comment,Ieteikumi,,,text,\n"
)


def write(tmp_path: Path, text: str, name: str = "f.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def schools(db: None) -> tuple[Institution, Institution]:
    ensure_standard_positions()
    school = InstitutionFactory(name="Zinātņu vidusskola", registration_number="9000000011", type="secondary")
    preschool = InstitutionFactory(name="PII Zīlīte", registration_number="9000000021", type="preschool")
    return school, preschool


def responses_csv(rows: list[tuple[str, str, str, str, str]]) -> str:
    return "survey,response_id,institution,audience,question,answer\n" + "".join(
        f"lb-2024,{key},{reg},{audience},{question},{answer}\n" for key, reg, audience, question, answer in rows
    )


def test_questions_create_the_survey_titled_by_its_code_and_a_second_run_changes_nothing(
    schools: tuple[Institution, Institution], tmp_path: Path
) -> None:
    path = write(tmp_path, QUESTIONS)
    result = QuestionImporter(viewer=WHOLE_CITY).run(path)
    assert (result.created, result.updated) == (5, 0)
    survey = Survey.objects.get(code="lb-2024")
    assert survey.title_lv == "lb-2024"
    clubs = Question.objects.get(survey=survey, code="clubs")
    assert clubs.kind == "multiple" and clubs.choices == ["sports", "music", "art"]
    assert Question.objects.filter(survey=survey, code="important_part").count() == 2  # shared by two audiences
    again = QuestionImporter(viewer=WHOLE_CITY).run(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)


def test_bad_question_files_save_nothing_and_say_where(
    schools: tuple[Institution, Institution], tmp_path: Path
) -> None:
    head = UserFactory(username="head", role=Role.INSTITUTION_HEAD, institutions=[schools[0]])
    bad = (
        "survey,audience,code,text_lv,text_en,text_ru,kind,choices\n"
        "lb-2024,grandparents,q1,Teksts,,,frequency,\n"  # 2: no such audience
        "lb-2024,teachers,q2,Teksts,,,scale,\n"  # 3: no such kind
        "lb-2024,teachers,q3,Teksts,,,single,only\n"  # 4: one choice
        "lb-2024,teachers,q4,Teksts,,,frequency,a;b\n"  # 5: choices on a scale
        "lb-2024,teachers,q5,,,,text,\n"  # 6: no Latvian text
        "lb 2024,teachers,q6,Teksts,,,text,\n"  # 7: a code with a space
    )
    with pytest.raises(ImportFailed) as failure:
        QuestionImporter(viewer=WHOLE_CITY).run(write(tmp_path, bad))
    assert [(e.row, e.column) for e in failure.value.errors] == [
        (2, "audience"), (3, "kind"), (4, "choices"), (5, "choices"), (6, "text_lv"), (7, "survey"),
    ]  # fmt: skip
    assert not Survey.objects.exists()
    with pytest.raises(ImportFailed) as refused:
        QuestionImporter(viewer=head).run(write(tmp_path, QUESTIONS))
    assert refused.value.errors[0].row == 2 and not Question.objects.exists()  # the board's only


def test_responses_in_long_form_are_checked_against_their_questions(
    schools: tuple[Institution, Institution], tmp_path: Path
) -> None:
    QuestionImporter(viewer=WHOLE_CITY).run(write(tmp_path, QUESTIONS))
    good = responses_csv(
        [
            ("r1", "9000000011", "teachers", "important_part", "often"),
            ("r1", "9000000011", "teachers", "comment", "Vairāk laika =SUM(A1)"),
            ("r2", "9000000011", "parents", "clubs", "music;sports"),
            ("r2", "9000000011", "parents", "safe", "partly"),
        ]
    )
    result = ResponseImporter(viewer=WHOLE_CITY).run(write(tmp_path, good))
    assert (result.created, Response.objects.count(), Answer.objects.count()) == (4, 2, 4)
    again = ResponseImporter(viewer=WHOLE_CITY).run(write(tmp_path, good))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    bad = responses_csv(
        [
            ("r3", "9000000011", "teachers", "important_part", "sometimes"),
            ("r3", "9000000021", "teachers", "comment", "x"),  # 3: r3 was given another institution above
            ("r4", "9000000011", "teachers", "important_part", "maybe"),  # 4: not a frequency answer
            ("r5", "9000000011", "parents", "clubs", "music;chess"),  # 5: not a choice
            ("r6", "9000000011", "pupils_3_4", "important_part", "often"),  # 6: not asked of this audience
            ("r1", "9000000021", "teachers", "important_part", "often"),  # 7: r1 is stored with another school
            ("r7", "9000000099", "teachers", "important_part", "often"),  # 8: no such institution
        ]
    )
    with pytest.raises(ImportFailed) as failure:
        ResponseImporter(viewer=WHOLE_CITY).run(write(tmp_path, bad))
    assert [(e.row, e.column) for e in failure.value.errors] == [
        (3, "response_id"), (4, "answer"), (5, "answer"), (6, "question"), (7, "response_id"), (8, "institution"),
    ]  # fmt: skip
    assert Response.objects.count() == 2  # nothing of the bad file


def test_nothing_links_an_answer_to_a_person() -> None:
    for model in (Response, Answer):
        related = {field.related_model for field in model._meta.get_fields() if field.is_relation}
        assert not related & {Learner, StaffMember, User}, model
        assert not any("name" in field.name or "personal" in field.name for field in model._meta.get_fields())


def answer_many(survey: Survey, school: Institution, audience: str, question: str, answers: dict[str, int]) -> None:
    asked = Question.objects.get(survey=survey, audience=audience, code=question)
    for value, count in answers.items():
        for _n in range(count):
            response = Response.objects.create(
                survey=survey, key=f"{audience}-{question}-{value}-{_n}-{school.pk}", institution=school,
                audience=audience,
            )  # fmt: skip
            Answer.objects.create(response=response, question=asked, value=value)


def test_response_rates_and_shares_with_suppression_under_five(
    schools: tuple[Institution, Institution], tmp_path: Path, signed_in: Callable[[User], Client]
) -> None:
    school, preschool = schools
    QuestionImporter(viewer=WHOLE_CITY).run(write(tmp_path, QUESTIONS))
    survey = Survey.objects.get(code="lb-2024")
    survey.census_date = date(2025, 5, 7)
    survey.save()
    # Teachers: 8 pedagogues at the school on the census date (one left before it: not counted).
    position = PositionKind.objects.get(code="subject_teacher")
    for n in range(9):
        person = StaffMember.objects.create(
            personal_code=CODES.for_birth_date(date(1980, 1, 1 + n)), first_name="Skolotājs", last_name=f"S{n}"
        )
        Employment.objects.create(
            staff_member=person, institution=school, position=position, fte=1, start_date=date(2020, 9, 1),
            end_date=date(2025, 1, 31) if n == 8 else None,
        )  # fmt: skip
    # Pupils of grades 5–12: 10 in the registry on the census date.
    year = school_year_get_or_create(code="2024/2025")
    programme = Programme.objects.create(code="21011111", name="Pamatizglītība", level="basic")
    group = Group.objects.create(institution=school, school_year=year, programme=programme, name="6.a", grade=6)
    for n in range(10):
        learner = Learner.objects.create(
            personal_code=CODES.for_birth_date(date(2013, 2, 1 + n)), first_name="Skolēns", last_name=f"L{n}",
            birth_date=date(2013, 2, 1 + n),
        )  # fmt: skip
        Enrolment.objects.create(learner=learner, group=group, enrolled_on=date(2024, 9, 1))
    answer_many(survey, school, "teachers", "important_part", {"always": 3, "often": 2, "never": 1})
    answer_many(survey, school, "pupils_5_12", "important_part", {"often": 4})  # 4 answers: withheld
    answer_many(survey, school, "parents", "safe", {"yes": 5, "partly": 2})
    answer_many(survey, preschool, "parents", "safe", {"yes": 6})
    Population.objects.create(survey=survey, institution=school, audience="parents", population=20)
    Population.objects.create(survey=survey, institution=preschool, audience="parents", population=10)

    city = survey_figures(survey=survey, visible_to=WHOLE_CITY)
    assert city["response_rates"]["teachers"] == {"responses": 6, "population": 8, "percent": Decimal("75.00")}
    assert city["response_rates"]["pupils_5_12"] == {"responses": None, "population": None, "percent": None}
    assert city["response_rates"]["parents"] == {"responses": 13, "population": 30, "percent": Decimal("43.33")}
    assert city["questions"]["important_part"]["teachers"] == {
        "always": Decimal("50.00"), "often": Decimal("33.33"), "sometimes": Decimal("0.00"),
        "rarely": Decimal("0.00"), "never": Decimal("16.67"),
    }  # fmt: skip
    assert city["questions"]["important_part"]["pupils_5_12"] is None  # fewer than 5 answers
    assert city["questions"]["safe"]["parents"]["yes"] == Decimal("84.62")  # 11 of 13
    schools_only = survey_figures(survey=survey, visible_to=WHOLE_CITY, institution_types=["secondary"])
    assert schools_only["questions"]["safe"]["parents"]["yes"] == Decimal("71.43")  # 5 of 7
    preschools_only = survey_figures(survey=survey, visible_to=WHOLE_CITY, institution=preschool)
    assert preschools_only["questions"]["safe"]["parents"] == {
        "yes": Decimal("100.00"), "partly": Decimal("0.00"), "no": Decimal("0.00"),
    }  # fmt: skip
    # An entered population overrides the computed one.
    Population.objects.create(survey=survey, institution=school, audience="teachers", population=12)
    assert survey_figures(survey=survey, visible_to=WHOLE_CITY)["response_rates"]["teachers"]["percent"] == Decimal(
        "50.00"
    )

    # The command and the API give the same JSON; a head gets their own institution's figures only.
    out = StringIO()
    call_command("survey_stats", "lb-2024", stdout=out)
    printed = json.loads(out.getvalue(), parse_float=Decimal)
    assert printed["response_rates"]["parents"]["percent"] == Decimal("43.33")
    assert printed["questions"]["important_part"]["pupils_5_12"] is None
    board = signed_in(UserFactory(username="analitiķe", role=Role.BOARD_ANALYST))
    api = board.get("/api/surveys/lb-2024/stats/").json()
    assert api["response_rates"]["parents"]["responses"] == 13
    assert Decimal(str(api["questions"]["safe"]["parents"]["yes"])) == Decimal("84.62")
    assert board.get("/api/surveys/nav-tada/stats/").status_code == 404
    head = signed_in(UserFactory(username="vaditaja", role=Role.INSTITUTION_HEAD, institutions=[preschool]))
    own = head.get("/api/surveys/lb-2024/stats/").json()
    assert own["response_rates"]["parents"]["responses"] == 6 and own["response_rates"]["teachers"]["responses"] is None
    teacher = signed_in(UserFactory(username="skolotaja", role=Role.INSTITUTION_STAFF, institutions=[school]))
    assert teacher.get("/api/surveys/lb-2024/stats/").status_code == 403


def test_populations_import_is_scoped_and_idempotent(schools: tuple[Institution, Institution], tmp_path: Path) -> None:
    school = schools[0]
    QuestionImporter(viewer=WHOLE_CITY).run(write(tmp_path, QUESTIONS))
    head = UserFactory(username="head", role=Role.INSTITUTION_HEAD, institutions=[school])
    text = "survey,institution,audience,population\nlb-2024,9000000011,parents,540\n"
    assert PopulationImporter(viewer=head).run(write(tmp_path, text)).created == 1
    assert PopulationImporter(viewer=head).run(write(tmp_path, text)).unchanged == 1
    with pytest.raises(ImportFailed) as failure:
        PopulationImporter(viewer=head).run(
            write(
                tmp_path,
                "survey,institution,audience,population\nlb-2024,9000000021,parents,80\nnav,9000000011,parents,1\n",
            )
        )
    assert [(e.row, e.column) for e in failure.value.errors] == [(2, "institution"), (3, "survey")]
    assert Population.objects.get().population == 540
