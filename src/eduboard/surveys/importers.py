"""Survey file formats (all or nothing, idempotent):

- questions: `survey,audience,code,text_lv,text_en,text_ru,kind,choices` (choices `;`-separated, for `single` and
  `multiple`); key: survey, audience, code. A survey code with no survey yet creates it, titled by its code.
- populations: `survey,institution,audience,population`; key: survey, institution, audience.
- responses: `survey,response_id,institution,audience,question,answer` (long form: a row per answer); key:
  survey, response id, question. A response id keeps one institution and audience. Imported by the board only.

A closed survey's populations and responses are frozen, and an entered population is never below the finished
responses of its institution and audience (surveys.rules): such a file is refused whole.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from eduboard.core.imports import (
    ImportFailed,
    ImportResult,
    RowError,
    RowProblem,
    ScopedImporter,
    parse_choice,
    parse_int,
    parse_required,
    parse_text,
)
from eduboard.core.scope import Viewer
from eduboard.registry.board_data import new_row_board_or_problem
from eduboard.registry.models import Institution
from eduboard.surveys.choices import CHOICE_KINDS, SCALES, Audience, QuestionKind
from eduboard.surveys.models import Answer, Population, Question, Response, Survey, answer_parts
from eduboard.surveys.rules import frozen_message, is_closed, may_import_responses, population_overruns

AUDIENCES = "|".join(Audience.values)
KINDS = "|".join(QuestionKind.values)
CODE_LIMIT = 40


def parse_code(values: dict[str, str], column: str) -> str:
    code = parse_required(values, column, max_length=CODE_LIMIT)
    if not all(ch.isalnum() or ch in "-_." for ch in code):
        raise RowProblem(column, _("“%s” may hold only letters, digits, “-”, “_” and “.”") % code)
    return code


class SurveyImporter(ScopedImporter):
    """Looks surveys and institutions up once per pass."""

    #: Whether rows of a closed survey are refused (its populations and responses are frozen).
    refuses_closed_surveys: ClassVar[bool] = False

    def prepare(self) -> None:
        # Each survey read once: its id by code, and the row itself, which the results' freeze guard reads.
        # A survey is its board's: the viewer's boards' surveys are the ones a file names.
        self.survey_rows = {
            survey.pk: survey
            for survey in Survey.objects.editable_by(self.viewer).only("pk", "board_id", "code", "closes_on")
        }
        self.surveys = {survey.code: pk for pk, survey in self.survey_rows.items()}
        self.closes_on = {survey.code: survey.closes_on for survey in self.survey_rows.values()}
        self.institutions = dict(Institution.objects.values_list("registration_number", "pk"))
        self.new_board, self.new_board_problem = new_row_board_or_problem(self.viewer)

    def survey_id(self, values: dict[str, str]) -> int:
        code = parse_code(values, "survey")
        found = self.surveys.get(code)
        if found is None:
            raise RowProblem("survey", _("no survey %s: import its questions first") % code)
        closes_on = self.closes_on.get(code)
        if self.refuses_closed_surveys and closes_on is not None and is_closed(closes_on):
            raise RowProblem("survey", frozen_message(code, closes_on))
        return found

    def institution_id(self, values: dict[str, str]) -> int:
        number = parse_required(values, "institution")
        found = self.institutions.get(number)
        if found is None:
            raise RowProblem("institution", _("unknown institution %s") % number)
        if not self.institution_allowed(found):
            raise RowProblem("institution", _("institution %s is not in your scope") % number)
        return found


@dataclass(frozen=True)
class QuestionRow:
    survey: str
    audience: str
    code: str
    text_lv: str
    text_en: str
    text_ru: str
    kind: str
    choices: tuple[str, ...]


class QuestionImporter(SurveyImporter):
    """`survey,audience,code,text_lv,text_en,text_ru,kind,choices`."""

    kind = "questions"
    title = gettext_lazy("Survey questions")
    permission = "surveys.add_question"
    columns: ClassVar[list[str]] = ["survey", "audience", "code", "text_lv", "text_en", "text_ru", "kind", "choices"]
    codes: ClassVar[dict[str, StrOrPromise]] = {
        "survey": gettext_lazy(
            "the survey's code; a new code creates the survey, titled by its code until someone edits it"
        ),
        "audience": AUDIENCES,
        "code": gettext_lazy("the question's code; the same code in several audiences compares them side by side"),
        "text_lv": gettext_lazy("the question in Latvian"),
        "text_en": gettext_lazy("in English (optional)"),
        "text_ru": gettext_lazy("in Russian (optional)"),
        "kind": KINDS,
        "choices": gettext_lazy(
            "single|multiple: the choices separated by ; (e.g. sports;music;art); empty for the other kinds"
        ),
    }
    example: ClassVar[list[str]] = [
        "labbutiba-2024", "teachers", "important_part", "Es jūtos kā nozīmīga iestādes daļa.",
        "I feel an important part of my institution.", "Я чувствую себя важной частью учреждения.", "frequency", "",
    ]  # fmt: skip

    def parse(self, values: dict[str, str]) -> QuestionRow:
        if self.scope is not None:
            raise RowProblem("survey", _("the board writes the surveys' questions"))
        if values.get("survey", "").strip() not in self.surveys and self.new_board is None:
            raise RowProblem("survey", self.new_board_problem)  # a new survey is the viewer's only board's
        kind = parse_choice(values, "kind", QuestionKind.values)
        choices = tuple(answer_parts(values.get("choices", "")))
        if kind in CHOICE_KINDS:
            if len(choices) < 2:
                raise RowProblem("choices", _("a %s question needs two or more choices, separated by ;") % kind)
            if len(set(choices)) != len(choices):
                raise RowProblem("choices", _("a choice is given twice"))
        elif choices:
            raise RowProblem("choices", _("only single and multiple choice questions take choices"))
        return QuestionRow(
            parse_code(values, "survey"),
            parse_choice(values, "audience", Audience.values),
            parse_code(values, "code"),
            parse_required(values, "text_lv", max_length=2000),
            parse_text(values, "text_en", max_length=2000),
            parse_text(values, "text_ru", max_length=2000),
            kind,
            choices,
        )

    def key(self, record: QuestionRow) -> Hashable:
        return (record.survey, record.audience, record.code)

    def describe(self, record: QuestionRow) -> str:
        return f"{record.survey} {record.audience} {record.code}"

    def write(self, records: list[QuestionRow], result: ImportResult) -> None:
        for record in records:
            survey_id = self.surveys.get(record.survey)
            if survey_id is None:
                assert self.new_board is not None  # noqa: S101 - parse refused a new survey without its board
                survey_id = Survey.objects.create(board=self.new_board, code=record.survey, title_lv=record.survey).pk
                self.surveys[record.survey] = survey_id
            values: dict[str, Any] = {
                "text_lv": record.text_lv,
                "text_en": record.text_en,
                "text_ru": record.text_ru,
                "kind": record.kind,
                "choices": list(record.choices),
            }
            found = Question.objects.filter(survey_id=survey_id, audience=record.audience, code=record.code).first()
            if found is None:
                position = Question.objects.filter(survey_id=survey_id).count()
                created = Question.objects.create(
                    survey_id=survey_id, audience=record.audience, code=record.code, position=position, **values
                )
                self.counted(result, "created", record, label=created)
                continue
            self.write_changes(result, record, found, values)


@dataclass(frozen=True)
class PopulationRow:
    survey_id: int
    institution_id: int
    audience: str
    population: int


class SurveyDataImporter(SurveyImporter):
    """Populations and responses: refused for a closed survey, and refused whole when an entered population would be
    below the finished responses of its institution and audience."""

    refuses_closed_surveys = True

    def __init__(self, *, viewer: Viewer) -> None:
        super().__init__(viewer=viewer)
        self.cuts: dict[tuple[int, int, str], int] = {}  # (survey, institution, audience) written -> its first row

    def touched(self, record: PopulationRow | ResponseRow) -> None:
        """Note the cut a written record belongs to, checked against its population when every row is saved."""
        cut = (record.survey_id, record.institution_id, record.audience)
        self.cuts.setdefault(cut, self._chunk_rows.get(id(record), 0))

    def finish(self, result: ImportResult) -> None:
        overruns = population_overruns(self.cuts)
        if overruns:
            surveys = {pk: code for code, pk in self.surveys.items()}
            institutions = {pk: number for number, pk in self.institutions.items()}
            raise ImportFailed([
                RowError(self.cuts[(o.survey_id, o.institution_id, o.audience)], "population", _(
                    "survey %(survey)s, institution %(institution)s, %(audience)s: the population %(population)s is "
                    "below the %(responses)s finished responses"
                ) % {
                    "survey": surveys.get(o.survey_id, o.survey_id),
                    "institution": institutions.get(o.institution_id, o.institution_id),
                    "audience": o.audience, "population": o.population, "responses": o.responses,
                })
                for o in overruns
            ])  # fmt: skip


class PopulationImporter(SurveyDataImporter):
    """`survey,institution,audience,population`."""

    kind = "populations"
    title = gettext_lazy("Survey populations")
    permission = "surveys.add_population"
    columns: ClassVar[list[str]] = ["survey", "institution", "audience", "population"]
    codes: ClassVar[dict[str, StrOrPromise]] = {
        "survey": gettext_lazy("the survey's code"),
        "institution": gettext_lazy("registration number"),
        "audience": AUDIENCES,
        "population": gettext_lazy("the audience's size in the institution on the census date (a whole number)"),
    }
    example: ClassVar[list[str]] = ["labbutiba-2024", "9000000011", "parents", "540"]

    def parse(self, values: dict[str, str]) -> PopulationRow:
        population = parse_int(values, "population", minimum=0, maximum=1_000_000)
        assert population is not None  # noqa: S101 - required=True
        return PopulationRow(
            self.survey_id(values),
            self.institution_id(values),
            parse_choice(values, "audience", Audience.values),
            population,
        )

    def key(self, record: PopulationRow) -> Hashable:
        return (record.survey_id, record.institution_id, record.audience)

    def write(self, records: list[PopulationRow], result: ImportResult) -> None:
        for record in records:
            self.touched(record)
            found = (
                Population.objects.filter(
                    survey_id=record.survey_id, institution_id=record.institution_id, audience=record.audience
                )
                .select_related("survey")
                .first()
            )
            if found is None:
                created = Population.objects.create(
                    survey=self.survey_rows[record.survey_id],
                    institution_id=record.institution_id,
                    audience=record.audience,
                    population=record.population,
                )
                self.counted(result, "created", record, label=created)
            else:
                self.write_changes(result, record, found, {"population": record.population})


@dataclass(frozen=True)
class ResponseRow:
    survey_id: int
    key: str
    institution_id: int
    audience: str
    question_id: int
    answer: str


class ResponseImporter(SurveyDataImporter):
    """`survey,response_id,institution,audience,question,answer` (a row per answer)."""

    kind = "responses"
    title = gettext_lazy("Survey responses")
    # Paper answers are the board's to bring in (those who keep the surveys); heads issue answering codes
    # (surveys.add_response) but cannot add answers to their own results (surveys.rules.may_import_responses).
    permission = "surveys.change_survey"
    columns: ClassVar[list[str]] = ["survey", "response_id", "institution", "audience", "question", "answer"]
    identity_column = "response_id"
    codes: ClassVar[dict[str, StrOrPromise]] = {
        "survey": gettext_lazy("the survey's code"),
        "response_id": gettext_lazy(
            "the response's id in the file (any text up to 64 characters; never a person's name or code)"
        ),
        "institution": gettext_lazy("registration number"),
        "audience": AUDIENCES,
        "question": gettext_lazy("the question's code in that audience"),
        "answer": gettext_lazy(
            "frequency: always|often|sometimes|rarely|never; agreement: agree|rather_agree|rather_disagree|"
            "disagree; yes_partly_no: yes|partly|no; single: one choice; multiple: choices separated by ;; number; text"
        ),
    }
    example: ClassVar[list[str]] = ["labbutiba-2024", "p-0001", "9000000011", "teachers", "important_part", "often"]

    def prepare(self) -> None:
        if not may_import_responses(self.viewer):
            raise ImportFailed([RowError(1, "-", _(
                "Responses are imported by the board only; answers come from the answering pages or the board's import."
            ))])  # fmt: skip
        super().prepare()
        self.questions = {
            (survey_id, audience, code): (pk, kind, tuple(choices))
            for pk, survey_id, audience, code, kind, choices in Question.objects.values_list(
                "pk", "survey_id", "audience", "code", "kind", "choices"
            )
        }
        self.stored = {
            (survey_id, key): (institution_id, audience)
            for survey_id, key, institution_id, audience in Response.objects.values_list(
                "survey_id", "key", "institution_id", "audience"
            )
        }

    def parse(self, values: dict[str, str]) -> ResponseRow:
        survey_id = self.survey_id(values)
        key = parse_required(values, "response_id", max_length=64)
        institution_id = self.institution_id(values)
        audience = parse_choice(values, "audience", Audience.values)
        stored = self.stored.get((survey_id, key))
        if stored is not None and stored != (institution_id, audience):
            raise RowProblem("response_id", _("response %s is stored with another institution or audience") % key)
        code = parse_required(values, "question", max_length=CODE_LIMIT)
        question = self.questions.get((survey_id, audience, code))
        if question is None:
            raise RowProblem("question", _("the survey asks %(audience)s no question %(code)s") % {
                "audience": audience, "code": code,
            })  # fmt: skip
        question_id, kind, choices = question
        return ResponseRow(survey_id, key, institution_id, audience, question_id, parse_answer(values, kind, choices))

    def key(self, record: ResponseRow) -> Hashable:
        return (record.survey_id, record.key, record.question_id)

    def identity(self, record: ResponseRow) -> tuple[Hashable, Hashable] | None:
        return ((record.survey_id, record.key), (record.institution_id, record.audience))

    def identity_message(self) -> str:
        return _("an earlier row gives this response another institution or audience")

    def describe(self, record: ResponseRow) -> str:
        return record.key

    def write(self, records: list[ResponseRow], result: ImportResult) -> None:
        keys = {record.key for record in records}
        responses = {
            (r.survey_id, r.key): r
            for r in Response.objects.filter(key__in=keys, survey_id__in={x.survey_id for x in records}).select_related(
                "survey"
            )
        }
        for record in records:
            self.touched(record)
            response = responses.get((record.survey_id, record.key))
            if response is None:
                response = Response.objects.create(
                    survey=self.survey_rows[record.survey_id],
                    key=record.key,
                    institution_id=record.institution_id,
                    audience=record.audience,
                )
                responses[(record.survey_id, record.key)] = response
            found = Answer.objects.filter(response=response, question_id=record.question_id).first()
            if found is None:
                Answer.objects.create(response=response, question_id=record.question_id, value=record.answer)
                self.counted(result, "created", record)
            elif found.value != record.answer:
                changes = {"answer": (found.value, record.answer)}
                found.response = response  # with its survey read once, for the freeze guard
                found.value = record.answer
                found.save(update_fields=["value"])
                self.counted(result, "updated", record, changes)
            else:
                self.counted(result, "unchanged", record)


def parse_answer(values: dict[str, str], kind: str, choices: tuple[str, ...]) -> str:
    """An answer checked against its question's kind: a scale's code, one or several choices, a number, a text."""
    text = values.get("answer", "")
    if not text:
        raise RowProblem("answer", _("an answer is required (leave out the row of a question not answered)"))
    if kind in SCALES:
        return parse_choice(values, "answer", SCALES[kind])
    if kind in CHOICE_KINDS:
        parts = answer_parts(text)
        unknown = [part for part in parts if part not in choices]
        if unknown:
            raise RowProblem("answer", _("“%(value)s” is not one of %(allowed)s") % {
                "value": ";".join(unknown), "allowed": "|".join(choices),
            })  # fmt: skip
        if kind == QuestionKind.SINGLE and len(parts) != 1:
            raise RowProblem("answer", _("a single choice question takes one answer"))
        return ";".join(dict.fromkeys(parts))
    if kind == QuestionKind.NUMBER:
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise RowProblem("answer", _("“%s” is not a number") % text) from None
        if not number.is_finite() or abs(number) >= Decimal("1e12"):
            raise RowProblem("answer", _("“%s” is not a number") % text)
        return format(number.normalize(), "f")
    return parse_text(values, "answer", max_length=4000)


IMPORTERS: dict[str, type[ScopedImporter]] = {
    importer.kind: importer for importer in (QuestionImporter, PopulationImporter, ResponseImporter)
}
