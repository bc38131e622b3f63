"""A survey's results cannot be rewritten: a closed survey's responses and populations are frozen, responses come
only from the answering pages or the board's import, a population below its responses is refused, and a response
rate never exceeds 100 % (issue 37: a head's import of 40 responses and a population of 45 into a closed survey took
the teachers' rate from 67,57 % to 255,56 %)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from eduboard.accounts.roles import Role
from eduboard.core.imports import ImportFailed
from eduboard.core.scope import WHOLE_CITY
from eduboard.registry.models import Institution
from eduboard.surveys import services
from eduboard.surveys.importers import PopulationImporter, QuestionImporter, ResponseImporter
from eduboard.surveys.models import Answer, Population, Response, Survey
from eduboard.surveys.selectors import survey_figures
from tests.factories import InstitutionFactory, UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("english"),
    pytest.mark.both_databases,
]  # the messages are asserted in English

QUESTIONS = (
    "survey,audience,code,text_lv,text_en,text_ru,kind,choices\n"
    "lb,teachers,important_part,Jūtos nozīmīga daļa.,I feel an important part.,,frequency,\n"
)
SCHOOL = "9000000011"


def write(tmp_path: Path, text: str, name: str = "f.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def responses(count: int, *, start: int = 0) -> str:
    return "survey,response_id,institution,audience,question,answer\n" + "".join(
        f"lb,r-{number},{SCHOOL},teachers,important_part,often\n" for number in range(start, start + count)
    )


def population(size: int) -> str:
    return f"survey,institution,audience,population\nlb,{SCHOOL},teachers,{size}\n"


@pytest.fixture
def school(db: None, tmp_path: Path) -> Institution:
    school = InstitutionFactory(name="Zinātņu vidusskola", registration_number=SCHOOL, type="secondary")
    QuestionImporter(viewer=WHOLE_CITY).run(write(tmp_path, QUESTIONS, "q.csv"))
    return school


def close(survey_code: str = "lb") -> Survey:
    today = timezone.localdate()
    Survey.objects.filter(code=survey_code).update(opens_on=today - timedelta(days=40), closes_on=today - timedelta(1))
    return Survey.objects.get(code=survey_code)


def refusal(error: ImportFailed) -> str:
    return " ".join(f"{e.row}:{e.column}:{e.message}" for e in error.errors)


def test_a_closed_surveys_population_and_responses_cannot_be_imported_and_stay_as_they_were(
    school: Institution, tmp_path: Path
) -> None:
    """The attack of the issue: 40 responses and a population of 45 into a closed survey."""
    PopulationImporter(viewer=WHOLE_CITY).run(write(tmp_path, population(37)))
    ResponseImporter(viewer=WHOLE_CITY).run(write(tmp_path, responses(25)))
    survey = close()
    before = survey_figures(survey=survey, visible_to=WHOLE_CITY)["response_rates"]["teachers"]
    assert before == {"responses": 25, "population": 37, "percent": Decimal("67.57")}

    with pytest.raises(ImportFailed) as refused:
        ResponseImporter(viewer=WHOLE_CITY).run(write(tmp_path, responses(40, start=100)))
    assert "2:survey:" in refusal(refused.value) and "frozen" in refusal(refused.value)
    with pytest.raises(ImportFailed) as refused:
        PopulationImporter(viewer=WHOLE_CITY).run(write(tmp_path, population(45)))
    assert "frozen" in refusal(refused.value)

    assert Response.objects.filter(survey=survey).count() == 25
    assert Population.objects.get(survey=survey).population == 37
    assert survey_figures(survey=survey, visible_to=WHOLE_CITY)["response_rates"]["teachers"] == before


def test_no_write_reaches_a_closed_surveys_rows_whatever_the_path(school: Institution, tmp_path: Path) -> None:
    """The importers, the models' own save and delete, and an answer begun while the survey was open but sent after
    its last day."""
    PopulationImporter(viewer=WHOLE_CITY).run(write(tmp_path, population(37)))
    ResponseImporter(viewer=WHOLE_CITY).run(write(tmp_path, responses(6)))
    survey = close()
    stored = Population.objects.get(survey=survey)
    stored.population = 45
    with pytest.raises(ValidationError, match="frozen"):
        stored.save()
    with pytest.raises(ValidationError, match="frozen"):
        Response.objects.create(survey=survey, key="x", institution=school, audience="teachers")
    answer = Answer.objects.filter(response__survey=survey).first()
    assert answer is not None
    answer.value = "never"
    with pytest.raises(ValidationError, match="frozen"):
        answer.save()
    with pytest.raises(ValidationError, match="frozen"):
        Response.objects.filter(survey=survey).first().delete()  # type: ignore[union-attr]
    with pytest.raises(ValidationError, match="frozen"):
        answer.delete()
    assert Population.objects.get(survey=survey).population == 37
    assert Answer.objects.filter(response__survey=survey, value="often").count() == 6


def test_answering_a_closed_survey_online_is_refused(school: Institution) -> None:
    survey = close()
    link = services.survey_link_get_or_create(survey=survey, institution=school, audience="teachers", viewer=WHOLE_CITY)
    with pytest.raises(ValidationError):
        services.response_start_with_link(link=link)
    assert not Response.objects.filter(survey=survey).exists()


def test_a_head_cannot_import_responses_even_for_their_own_school(school: Institution, tmp_path: Path) -> None:
    head = UserFactory(role=Role.INSTITUTION_HEAD)
    head.institutions.add(school)
    with pytest.raises(ImportFailed) as refused:
        ResponseImporter(viewer=head).run(write(tmp_path, responses(5)))
    assert "board only" in refusal(refused.value)
    assert not Response.objects.exists()


def test_a_population_below_the_responses_is_refused_whole(school: Institution, tmp_path: Path) -> None:
    ResponseImporter(viewer=WHOLE_CITY).run(write(tmp_path, responses(30)))
    with pytest.raises(ImportFailed) as refused:
        PopulationImporter(viewer=WHOLE_CITY).run(write(tmp_path, population(29)))
    message = refusal(refused.value)
    assert message.startswith("2:population:") and "29" in message and "30" in message
    assert not Population.objects.exists()
    assert PopulationImporter(viewer=WHOLE_CITY).run(write(tmp_path, population(30))).created == 1


def test_responses_beyond_an_entered_population_are_refused_whole(school: Institution, tmp_path: Path) -> None:
    PopulationImporter(viewer=WHOLE_CITY).run(write(tmp_path, population(10)))
    ResponseImporter(viewer=WHOLE_CITY).run(write(tmp_path, responses(8)))
    with pytest.raises(ImportFailed) as refused:
        ResponseImporter(viewer=WHOLE_CITY).run(write(tmp_path, responses(3, start=50)))
    assert "population 10" in refusal(refused.value) and "11" in refusal(refused.value)
    assert Response.objects.count() == 8


def test_a_response_rate_never_exceeds_100_percent_on_a_computed_population(school: Institution) -> None:
    """Teachers' size is computed from the people area (none here is employed): answers by a link outnumber it."""
    from eduboard.people.models import Employment, PositionKind, StaffMember
    from eduboard.people.positions import ensure_standard_positions
    from eduboard.registry.synthetic import PersonalCodes

    ensure_standard_positions()
    codes = PersonalCodes()
    survey = Survey.objects.get(code="lb")
    Survey.objects.filter(pk=survey.pk).update(census_date=date(2024, 5, 1))
    teacher = PositionKind.objects.get(code="subject_teacher")
    for number in range(5):
        person = StaffMember.objects.create(
            personal_code=codes.for_birth_date(date(1980, 1, 1 + number)), first_name="Anna", last_name=f"S{number}"
        )
        Employment.objects.create(
            staff_member=person, institution=school, position=teacher, fte=1, start_date=date(2020, 9, 1)
        )
    link = services.survey_link_get_or_create(survey=survey, institution=school, audience="teachers", viewer=WHOLE_CITY)
    for _ in range(7):
        response = services.response_start_with_link(link=link)
        services.response_answers_save(response=response, values={"important_part": ["often"]}, finish=True)
    rate = survey_figures(survey=Survey.objects.get(pk=survey.pk), visible_to=WHOLE_CITY)["response_rates"]["teachers"]
    assert rate["responses"] == 7 and rate["population"] == 5
    assert rate["percent"] == 100


def test_an_answer_begun_while_open_cannot_be_sent_or_cleared_after_the_last_day(school: Institution) -> None:
    survey = Survey.objects.get(code="lb")
    link = services.survey_link_get_or_create(survey=survey, institution=school, audience="teachers", viewer=WHOLE_CITY)
    response = services.response_start_with_link(link=link)
    services.response_answers_save(response=response, values={"important_part": ["often"]}, finish=False)
    close()
    with pytest.raises(ValidationError):
        services.response_answers_save(response=response, values={"important_part": ["often"]}, finish=True)
    with pytest.raises(ValidationError):
        services.response_answers_save(response=response, values={}, finish=False)
    assert not Response.objects.get(pk=response.pk).finished
    assert Answer.objects.filter(response=response, value="often").count() == 1
