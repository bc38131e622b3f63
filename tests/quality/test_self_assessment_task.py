"""Issue 39, the self-assessment as its users go through it: submitting and agreeing ask first and list the criteria
not filled, each linked; a criterion's page leads to the next and the previous and says how many are filled; the
help says what the label cannot; the rule box comes after the criteria; the start page is a form; the due date is
not read as money; the quality home names criteria by their text, never by their code."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.core.scope import WHOLE_CITY
from eduboard.quality import selectors, services
from eduboard.quality.choices import FRAMEWORK_AREAS7
from eduboard.quality.forms import SelfAssessmentEntryForm
from eduboard.quality.models import Observation, SelfAssessment, SelfAssessmentEntry
from tests.factories import UserFactory
from tests.quality.conftest import World

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@pytest.fixture
def assessment(world: World) -> SelfAssessment:
    return services.self_assessment_start(
        institution=world.school,
        school_year=school_year_get_or_create(code="2024/2025"),
        framework=selectors.framework_in_use(code=FRAMEWORK_AREAS7),
        viewer=WHOLE_CITY,
    )


@pytest.fixture
def board(world: World) -> User:
    return UserFactory(username="valde", role=Role.BOARD_ADMIN)


def fill(assessment: SelfAssessment, *codes: str) -> None:
    for entry in assessment.entries.filter(criterion__code__in=codes):
        entry.level, entry.description = "good", f"Apraksts {entry.criterion.code}"
        entry.save()


def entry(assessment: SelfAssessment, code: str) -> SelfAssessmentEntry:
    return assessment.entries.get(criterion__code=code)


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def listed_unfilled(page: str) -> list[str]:
    """The criteria the confirmation lists as not filled, as the links' targets."""
    section = re.search(r'<section id="unfilled".*?</section>', page, re.S)
    return re.findall(r'href="/quality/self-assessments/criteria/(\d+)/"', section.group(0)) if section else []


@pytest.mark.usefixtures("english")
def test_submitting_asks_first_and_lists_each_unfilled_criterion_with_a_link(
    world: World, assessment: SelfAssessment, signed_in: Callable[[User], Client]
) -> None:
    fill(assessment, "2.1", "3.1")
    only_level = entry(assessment, "4.1")
    only_level.level = "good"
    only_level.save()
    head = signed_in(world.head)
    url = f"/quality/self-assessments/{assessment.pk}/submit/"

    detail = head.get(assessment.get_absolute_url()).content.decode()
    assert f'<form method="get" action="{url}">' in detail  # the button asks first, it does not submit
    assert re.search(r'id="progress">2 of 20', detail)

    page = head.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == "draft"  # asking changed nothing
    unfilled = assessment.entries.exclude(criterion__code__in=["2.1", "3.1"]).order_by("criterion__position")
    assert listed_unfilled(text) == [str(e.pk) for e in unfilled]
    assert "18 criteria of 20 are not filled" in text
    assert re.search(r"4\.1 [^<]*</a>: no description</li>", text)  # a level, but no description
    assert re.search(r"4\.2 [^<]*</a>: no level, no description</li>", text)
    assert f'name="version" value="{assessment.version}"' in text

    head.post(url, {"version": assessment.version})
    assessment.refresh_from_db()
    assert assessment.status == "submitted" and assessment.submitted_by == world.head


@pytest.mark.usefixtures("english")
def test_with_every_criterion_filled_the_confirmation_is_simple(
    world: World, assessment: SelfAssessment, signed_in: Callable[[User], Client]
) -> None:
    fill(assessment, *assessment.entries.values_list("criterion__code", flat=True))
    text = signed_in(world.head).get(f"/quality/self-assessments/{assessment.pk}/submit/").content.decode()
    assert "All 20 criteria are filled." in text and 'id="unfilled"' not in text
    assert re.search(r'<button type="submit">Submit to the board</button>', text)


@pytest.mark.usefixtures("english")
def test_without_the_level_of_2_1_the_confirmation_says_why_and_offers_no_submit(
    world: World, assessment: SelfAssessment, signed_in: Callable[[User], Client]
) -> None:
    fill(assessment, "3.1")
    text = signed_in(world.head).get(f"/quality/self-assessments/{assessment.pk}/submit/").content.decode()
    assert "Criterion 2.1 is reviewed every year: give it a level before submitting." in text
    assert 'method="post"' not in text.split('id="blocked"')[1]
    assert str(entry(assessment, "2.1").pk) in listed_unfilled(text)  # and the way to it


@pytest.mark.usefixtures("english")
def test_the_board_is_shown_what_is_unfilled_before_agreeing(
    world: World, assessment: SelfAssessment, board: User, signed_in: Callable[[User], Client]
) -> None:
    fill(assessment, "2.1", "2.2", "2.3")
    services.self_assessment_submit(assessment=assessment, viewer=world.head, expected_version=assessment.version)
    valde = signed_in(board)
    url = f"/quality/self-assessments/{assessment.pk}/agree/"
    assert f'<form method="get" action="{url}">' in valde.get(assessment.get_absolute_url()).content.decode()

    text = valde.get(url).content.decode()
    assert "17 criteria of 20 are not filled" in text and len(listed_unfilled(text)) == 17
    assessment.refresh_from_db()
    assert assessment.status == "submitted"
    valde.post(url, {"version": assessment.version})
    assessment.refresh_from_db()
    assert assessment.status == "agreed" and assessment.agreed_by == board


@pytest.mark.usefixtures("english")
def test_no_confirmation_is_offered_to_whoever_may_not_take_the_step(
    world: World, assessment: SelfAssessment, signed_in: Callable[[User], Client]
) -> None:
    submit = f"/quality/self-assessments/{assessment.pk}/submit/"
    teacher = signed_in(world.anna_user).get(submit, follow=True)
    assert teacher.redirect_chain[-1][0] == assessment.get_absolute_url()
    assert "This step cannot be taken on this self-assessment now." in teacher.content.decode()
    head_agrees = signed_in(world.head).get(f"/quality/self-assessments/{assessment.pk}/agree/")
    assert head_agrees.status_code == 302
    other_head = UserFactory(username="cits", role=Role.INSTITUTION_HEAD, institutions=[world.other_school])
    assert signed_in(other_head).get(submit).status_code == 404


@pytest.mark.usefixtures("english")
def test_a_criterion_leads_to_the_next_and_the_previous_and_counts_what_is_filled(
    world: World, assessment: SelfAssessment, signed_in: Callable[[User], Client]
) -> None:
    fill(assessment, "1", "2.1", "2.3")
    head = signed_in(world.head)
    ordered = list(assessment.entries.order_by("criterion__position"))
    current = ordered[2]  # 2.2
    text = head.get(f"/quality/self-assessments/criteria/{current.pk}/").content.decode()
    assert "Criterion 3 of 20" in text and "3 of 20 filled" in text
    assert f'href="/quality/self-assessments/criteria/{ordered[1].pk}/" rel="prev"' in text
    assert f'href="/quality/self-assessments/criteria/{ordered[3].pk}/" rel="next"' in text
    # The next one (2.3) is filled: the next unfilled one is offered as well.
    next_unfilled = re.search(r'criteria/(\d+)/">Next unfilled criterion \(([\d.]+)\)', text)
    assert next_unfilled and next_unfilled.groups() == (str(ordered[4].pk), "3.1")

    saved = head.post(
        f"/quality/self-assessments/criteria/{current.pk}/",
        {"save_entry": "next", "level": "good", "description": "Skaidri.", "version": current.version},
    )
    assert saved.status_code == 302 and saved["Location"] == f"/quality/self-assessments/criteria/{ordered[3].pk}/"
    assert entry(assessment, "2.2").description == "Skaidri."
    last = head.get(f"/quality/self-assessments/criteria/{ordered[-1].pk}/").content.decode()
    assert 'rel="next"' not in last and 'value="next"' not in last and "4 of 20 filled" in last


@pytest.mark.usefixtures("english")
def test_help_says_more_than_the_label_and_follows_the_criterions_review_rule(assessment: SelfAssessment) -> None:
    every_year = SelfAssessmentEntryForm(instance=entry(assessment, "2.1"), framework=assessment.framework)
    other = SelfAssessmentEntryForm(instance=entry(assessment, "2.2"), framework=assessment.framework)
    for form in (every_year, other):
        for name, field in form.fields.items():
            if field.help_text:  # at least five words the label does not say (not the label again, in any language)
                new_words = words(str(field.help_text)) - words(str(field.label))
                assert len(new_words) >= 5, (name, field.label, field.help_text)
    assert all(other.fields[name].help_text for name in ("level", "description", "strengths", "next_steps"))
    assert "every year" in str(every_year.fields["level"].help_text)
    assert "four years" in str(other.fields["level"].help_text)


@pytest.mark.usefixtures("english")
def test_the_criteria_come_before_the_review_rule_which_is_folded(
    world: World, assessment: SelfAssessment, signed_in: Callable[[User], Client]
) -> None:
    text = signed_in(world.head).get(assessment.get_absolute_url()).content.decode()
    assert text.index('id="criterion-7.3"') < text.index('id="review-rule"')
    assert re.search(r'<details id="review-rule"><summary>The review rule: 20 criteria not reviewed in time', text)


def test_the_due_date_of_a_self_assessment_is_not_read_as_a_sum_payable(
    world: World, assessment: SelfAssessment, signed_in: Callable[[User], Client]
) -> None:
    text = signed_in(world.head).get(assessment.get_absolute_url()).content.decode()
    assert "Maksājams" not in text and "01.10.2025" in text


@pytest.mark.usefixtures("english")
def test_the_start_page_is_a_form_and_shows_what_was_wrong_beside_the_field(
    world: World, signed_in: Callable[[User], Client]
) -> None:
    head = signed_in(world.head)
    page = head.get("/quality/self-assessments/start/")
    assert page.status_code == 200
    assert 'name="start-institution"' in page.content.decode()
    framework = selectors.framework_in_use(code=FRAMEWORK_AREAS7)
    data = {"start-institution": world.school.pk, "start-school_year": "2024/2025", "start-framework": framework.pk}
    started = head.post("/quality/self-assessments/start/", data)
    assessment = SelfAssessment.objects.get(institution=world.school)
    assert started.status_code == 302 and started["Location"] == assessment.get_absolute_url()
    again = head.post("/quality/self-assessments/start/", data)
    assert again.status_code == 200 and "has a self-assessment of 2024/2025 already" in again.content.decode()
    assert SelfAssessment.objects.count() == 1
    teacher = signed_in(world.anna_user).get("/quality/self-assessments/start/")
    assert teacher.status_code == 403


def test_the_quality_home_names_criteria_by_their_text_never_their_code(
    world: World, observe: Callable[..., Observation], signed_in: Callable[[User], Client]
) -> None:
    observe(on=date(2024, 3, 12))
    page = signed_in(world.observer).get("/quality/?date_from=2023-09-01&date_to=2024-06-30").content.decode()
    shown = re.sub(r'id="[^"]*"', "", page)  # a row's id may carry the code; nothing a reader sees does
    assert 'id="criterion-learner_centred"' in page
    assert "learner_centred" not in shown and "results_defined" not in shown
    assert "Mācību process ir izglītojamo centrēts" in shown
