"""The surveys area's rules: copying last year's survey, issuing one-time codes and institution links, and taking
an answer on the public page (started, saved half-way, finished once and never changed).

Anonymity is built in, not promised: a response is created with a random key of its own; neither it nor its
answers refer to a user, an address or a moment. A one-time code points to the response it began only while that
response is unsent (so the code resumes it on any device); sending it cuts the link in the same transaction, so no
sent answer is linked to a code or a link."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from eduboard.core.audit import audit_bulk_write
from eduboard.core.dates import add_months
from eduboard.core.scope import Viewer
from eduboard.core.text import CONTROL_CHARACTER, validate_no_control_characters
from eduboard.registry.models import Group, Institution
from eduboard.surveys.choices import (
    CHOICE_KINDS,
    CODE_ALPHABET,
    CODE_LENGTH,
    SCALES,
    Audience,
    QuestionKind,
    grade_band,
)
from eduboard.surveys.models import AccessCode, Answer, Question, Response, Survey, SurveyLink
from eduboard.surveys.rules import is_open
from eduboard.surveys.selectors import questions_for

MAX_CODES = 500  # codes issued at once
MAX_TEXT = 2000  # characters of a free-text answer


def _next_year(day: date | None) -> date | None:
    if day is None:
        return None
    return add_months(day, 12)


def survey_copy(*, viewer: Viewer, survey: Survey, code: str) -> Survey:
    """A copy of `survey` for the next round: its questions, titles and dates a year on, compared with it."""
    if not viewer.has_perm("surveys.add_survey"):
        raise PermissionDenied(_("Only the board copies surveys."))
    if Survey.objects.filter(board_id=survey.board_id, code=code).exists():
        raise ValidationError({"code": _("There is a survey with the code %s already.") % code})
    with transaction.atomic():
        copy = Survey(
            board_id=survey.board_id,
            code=code,
            title_lv=survey.title_lv,
            title_en=survey.title_en,
            title_ru=survey.title_ru,
            opens_on=_next_year(survey.opens_on),
            closes_on=_next_year(survey.closes_on),
            census_date=_next_year(survey.census_date),
            previous=survey,
        )
        copy.full_clean()
        copy.save()
        Question.objects.bulk_create(
            Question(
                survey=copy,
                audience=q.audience,
                code=q.code,
                text_lv=q.text_lv,
                text_en=q.text_en,
                text_ru=q.text_ru,
                kind=q.kind,
                choices=list(q.choices),
                position=q.position,
            )
            for q in survey.questions.all()
        )
        audit_bulk_write(
            actor=viewer, model=Question, action=LogEntry.Action.CREATE, rows=copy.questions.count(),
            what=f"questions copied from {survey.code}", instance=copy,
        )  # fmt: skip
    return copy


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _index in range(CODE_LENGTH))


def _check_audience(survey: Survey, audience: str) -> None:
    if not survey.questions.filter(audience=audience).exists():
        raise ValidationError({"audience": _("The survey has no questions for this audience.")})


def access_codes_issue(
    *,
    viewer: Viewer,
    survey: Survey,
    institution: Institution,
    audience: str,
    count: int,
    group: Group | None = None,
    label: str = "",
) -> list[AccessCode]:
    """`count` one-time codes for a class (`group`: its grade band and name) or an institution's audience."""
    if not viewer.has_perm("surveys.add_response"):
        raise PermissionDenied(_("Your role does not issue survey codes."))
    if not Institution.objects.editable_by(viewer).filter(pk=institution.pk).exists():
        raise PermissionDenied(_("This institution is not in your scope."))
    if group is not None and group.institution_id != institution.pk:
        raise ValidationError({"group": _("The class is not of this institution.")})
    if not 1 <= count <= MAX_CODES:
        raise ValidationError({"count": _("From 1 to %d codes at once.") % MAX_CODES})
    _check_audience(survey, audience)
    band = grade_band(group.grade) if group is not None else ""
    label = CONTROL_CHARACTER.sub("", label or (group.name if group is not None else "")).strip()[:60]
    codes: list[AccessCode] = []
    with transaction.atomic():
        while len(codes) < count:
            try:
                with transaction.atomic():
                    codes.append(
                        AccessCode.objects.create(
                            survey=survey,
                            code=_new_code(),
                            institution=institution,
                            audience=audience,
                            grade_band=band,
                            label=label,
                        )
                    )
            except IntegrityError:  # the same random code twice: draw again
                continue
    return codes


def survey_link_get_or_create(*, viewer: Viewer, survey: Survey, institution: Institution, audience: str) -> SurveyLink:
    """The institution's open answering link for an audience (parents), made the first time it is asked for."""
    if not viewer.has_perm("surveys.add_response"):
        raise PermissionDenied(_("Your role does not hand out survey links."))
    if not Institution.objects.editable_by(viewer).filter(pk=institution.pk).exists():
        raise PermissionDenied(_("This institution is not in your scope."))
    _check_audience(survey, audience)
    link, _created = SurveyLink.objects.get_or_create(
        survey=survey,
        institution=institution,
        audience=audience,
        defaults={"token": secrets.token_urlsafe(18)},
    )
    return link


def survey_links_get_or_create(
    *, viewer: Viewer, survey: Survey, institutions: QuerySet[Institution], audience: str
) -> list[SurveyLink]:
    """The open links of every institution the viewer may change (made where missing), in a fixed number of
    queries whatever their number."""
    if not viewer.has_perm("surveys.add_response"):
        raise PermissionDenied(_("Your role does not hand out survey links."))
    institutions = Institution.objects.editable_by(viewer).filter(pk__in=institutions.values("pk"))
    _check_audience(survey, audience)
    have = set(SurveyLink.objects.filter(survey=survey, audience=audience).values_list("institution_id", flat=True))
    missing = [pk for pk in institutions.values_list("pk", flat=True) if pk not in have]
    SurveyLink.objects.bulk_create(
        [
            SurveyLink(survey=survey, institution_id=pk, audience=audience, token=secrets.token_urlsafe(18))
            for pk in missing
        ],
        ignore_conflicts=True,
    )
    audit_bulk_write(
        actor=viewer, model=SurveyLink, action=LogEntry.Action.CREATE, rows=len(missing),
        what=f"answering links of {survey.code} for {audience}", ids=missing,
    )  # fmt: skip
    return list(
        SurveyLink.objects.filter(survey=survey, audience=audience, institution__in=institutions)
        .select_related("institution")
        .order_by("institution__sort_name")
    )


def _refuse_closed(survey: Survey) -> None:
    if not is_open(survey):
        raise ValidationError(_("This survey is not taking answers now."), code="closed")


def _start(*, survey: Survey, institution_id: int, audience: str, band: str) -> Response:
    return Response.objects.create(
        survey=survey,
        key=secrets.token_urlsafe(24),
        institution_id=institution_id,
        audience=audience,
        grade_band=band,
        finished=False,
    )


def response_start_with_code(*, code: str) -> Response:
    """Use a one-time code. Its first use spends it at once (a second device at the same moment cannot spend it
    too) and begins an unsent response of its institution, audience and grade band, which the code points to while
    it is unsent: typed again, on any device, the code opens that response. Once the response is sent the link is
    cut (`response_answers_save`) and the code is refused as used."""
    text = "".join(ch for ch in code.upper() if ch.isalnum())[:16]
    found = AccessCode.objects.select_related("survey").filter(code=text).first()
    if found is None:
        raise ValidationError(_("There is no such code; check it and type it again."), code="unknown")
    _refuse_closed(found.survey)
    with transaction.atomic():
        if AccessCode.objects.filter(pk=found.pk, used=False).update(used=True):
            answer = _start(
                survey=found.survey, institution_id=found.institution_id, audience=found.audience, band=found.grade_band
            )
            AccessCode.objects.filter(pk=found.pk).update(draft=answer)
            return answer
        # spent before, or a moment ago by another device (the update above waited for its commit): its unsent answer
        draft: Response | None = (
            Response.objects.select_related("survey")
            .filter(pk__in=AccessCode.objects.filter(pk=found.pk).values("draft_id"), finished=False)
            .first()
        )
        if draft is None:
            raise ValidationError(_("This code has been used already: a code answers once."), code="used")
        return draft


def response_start_with_link(*, link: SurveyLink) -> Response:
    """Begin an answer through an institution's open link."""
    if not link.active:
        raise ValidationError(_("This link has been closed."), code="closed")
    _refuse_closed(link.survey)
    return _start(survey=link.survey, institution_id=link.institution_id, audience=link.audience, band="")


@dataclass
class AnswerProblems:
    """Errors per question code, to show beside each question."""

    errors: dict[str, str]


def _parse(question: Question, values: list[str]) -> str | None:
    """The stored form of a question's answer from the form's values; None for no answer."""
    values = [value.strip() for value in values if value and value.strip()]
    if not values:
        return None
    if question.kind in SCALES or question.kind == QuestionKind.SINGLE:
        allowed = SCALES.get(question.kind) or [str(c) for c in question.choices]
        if len(values) != 1 or values[0] not in allowed:
            raise ValidationError(_("Choose one of the answers."))
        return values[0]
    if question.kind in CHOICE_KINDS:  # multiple
        allowed = [str(c) for c in question.choices]
        if any(value not in allowed for value in values):
            raise ValidationError(_("Choose among the answers given."))
        return ";".join(dict.fromkeys(values))
    if question.kind == QuestionKind.NUMBER:
        try:
            number = Decimal(values[0].replace(",", "."))
        except InvalidOperation:
            raise ValidationError(_("Write a number, e.g. 3 or 2,5.")) from None
        if not number.is_finite() or abs(number) >= Decimal("1e9"):
            raise ValidationError(_("Write a number, e.g. 3 or 2,5."))
        return format(number.normalize(), "f")
    text = values[0]
    validate_no_control_characters(text)
    if len(text) > MAX_TEXT:
        raise ValidationError(_("At most %d characters.") % MAX_TEXT)
    return text


def response_answers_save(*, response: Response, values: dict[str, list[str]], finish: bool) -> AnswerProblems:
    """Save the answers given (by question code) to an unfinished response, and finish it when asked and every
    answer is valid. A finished response is never changed: saving to it is refused."""
    questions = questions_for(response)
    problems: dict[str, str] = {}
    parsed: dict[int, str | None] = {}
    for question in questions:
        try:
            parsed[question.pk] = _parse(question, values.get(question.code, []))
        except ValidationError as error:
            problems[question.code] = " ".join(error.messages)
    with transaction.atomic():
        locked = (
            Response.objects.select_for_update().select_related("survey").filter(pk=response.pk, finished=False).first()
        )
        if locked is None:
            raise ValidationError(_("This answer has been sent already and can no longer be changed."), code="finished")
        _refuse_closed(locked.survey)  # begun while open, sent after the last day: the results are frozen by then
        stored = {a.question_id: a for a in Answer.objects.filter(response=locked)}
        for question_id, value in parsed.items():
            answer = stored.get(question_id)
            if value is None:
                if answer is not None:
                    answer.delete()
            elif answer is None:
                Answer.objects.create(response=locked, question_id=question_id, value=value)
            elif answer.value != value:
                answer.value = value
                answer.save(update_fields=["value"])
        if finish and not problems:
            Response.objects.filter(pk=locked.pk).update(finished=True)
            # sent: the code it was begun with no longer leads to it, so nothing links a sent answer to a code
            AccessCode.objects.filter(draft=locked).update(draft=None)
            response.finished = True
    return AnswerProblems(errors=problems)


PARENTS = Audience.PARENTS.value
