"""The kinds of personal data a retention rule keeps for a period, each with the day its period counts from, the rows
past it and what is done to them (docs/privacy.md, "Retention").

Two actions, chosen so that the figures of past reports stay the same ("counts kept, people removed"):
- `anonymise`: the rows stay and still count; what in them points to a person goes. For the learners' own records
  (kind `enrolments`) the person is removed from the learner (name and personal code replaced, the corrections'
  old values gone, the audit entries' names and values blanked) once every enrolment and application of theirs is
  past its period; their enrolments, results and loans then count for no one in particular.
- `delete`: rows that no figure counts, or whose figures live only in reports published before them (a published
  edition keeps its figures frozen), are deleted.

Each kind's `due(today, months)` returns the rows past their period that the run has not handled yet, so a second run
on the same day finds none; `apply(rows, today)` handles them and returns how many rows it changed or deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from eduboard.assets.models import Loan
from eduboard.centre.models import Booking, Card, WaitingListEntry
from eduboard.core.dates import add_months
from eduboard.core.jobs import import_files_forget
from eduboard.core.models import ImportJob
from eduboard.prevention.models import Absence, SupportPlan, TermResult
from eduboard.privacy.catalogue import BY_CODE, Category, linked_categories
from eduboard.privacy.models import AccessRequest, RetentionRule
from eduboard.quality.models import LearnerResult
from eduboard.registry.choices import QueueStatus
from eduboard.registry.models import Enrolment, Learner, QueueEntry
from eduboard.registry.services import learner_anonymise
from eduboard.surveys.models import AccessCode

#: How the run's own audit entries begin (`privacy.services.retention_apply`): counts only, no person; they are the
#: proof of what was removed and when, and are kept.
RUN_RECORD = "retention "

ANONYMISE = "anonymise"
DELETE = "delete"

#: Queue applications still alive: a child waiting or offered a place keeps their record.
OPEN_QUEUE = (QueueStatus.WAITING, QueueStatus.OFFERED)


def cutoff(today: date, months: int) -> date:
    """The first day whose rows are still kept: `months` before `today`. A row whose period began before it is past."""
    return add_months(today, -months)


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class RetentionKind:
    """One kind of personal data under a retention rule: what it is, the day its period counts from, the rows past
    it and the action; `default_months` and `default_ground` seed the rule (the board then edits them)."""

    code: str
    title: Promise
    category: str
    action: str
    counted_from: Promise
    default_months: int
    default_ground: str
    due: Callable[[date, int], QuerySet[Any]]
    apply: Callable[[QuerySet[Any], date], int]
    #: How many rows `apply` would change (a dry run); by default the rows due.
    count: Callable[[QuerySet[Any]], int] = lambda rows: int(rows.count())

    @property
    def catalogue(self) -> Category:
        return BY_CODE[self.category]


# -- enrolments: the learner's record anonymised once all their enrolments and applications are past -------------


def _learners_due(today: date, months: int) -> QuerySet[Any]:
    """Learners not yet anonymised who have had a place or an application, every one of whose enrolments was left
    before the cut-off, whose applications to the preschool queue all closed before it (none waiting or offered),
    and who have no device still lent."""
    kept_from = cutoff(today, months)
    # Still open, or left on or after the cut-off (registry's rule: a place held after the day before it).
    alive_enrolment = Enrolment.objects.filter(learner=OuterRef("pk")).open_after(kept_from - timedelta(days=1))
    alive_application = QueueEntry.objects.filter(child=OuterRef("pk")).filter(
        Q(status__in=OPEN_QUEUE) | Q(status_changed_on__isnull=True) | Q(status_changed_on__gte=kept_from)
    )
    open_loan = Loan.objects.filter(learner=OuterRef("pk"), returned_on__isnull=True)
    had_a_place = Q(Exists(Enrolment.objects.filter(learner=OuterRef("pk")))) | Q(
        Exists(QueueEntry.objects.filter(child=OuterRef("pk")))
    )
    return (
        Learner.objects.filter(anonymised_on__isnull=True)
        .filter(had_a_place)
        .exclude(Exists(alive_enrolment))
        .exclude(Exists(alive_application))
        .exclude(Exists(open_loan))
    )


def _enrolments_of(learners: QuerySet[Any]) -> int:
    """The enrolment rows of the learners: what the kind `enrolments` counts."""
    return int(Enrolment.objects.filter(learner__in=learners.values("pk")).count())


def forget_names_in_audit(*, learner_ids: list[int]) -> int:
    """Blank the names and values the audit trail keeps of anonymised learners and of their rows (the entries stay:
    who did what, when): a change of the learner keeps no value, an entry of a row of theirs no name."""
    if not learner_ids:
        return 0
    forgotten = int(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Learner), object_pk__in=[str(pk) for pk in learner_ids]
        ).update(object_repr="—", changes={}, changes_text="", serialized_data=None)
    )
    for category in linked_categories():
        if category.learner == "pk" or category.code == "access_requests":
            continue
        model = category.model_class
        pks = [
            str(pk)
            for pk in model._default_manager.filter(**{f"{category.learner}__in": learner_ids}).values_list(
                "pk", flat=True
            )
        ]
        for chunk in range(0, len(pks), 500):
            forgotten += int(
                LogEntry.objects.filter(
                    content_type=ContentType.objects.get_for_model(model), object_pk__in=pks[chunk : chunk + 500]
                ).update(object_repr="—")
            )
    return forgotten


def _learners_apply(rows: QuerySet[Any], today: date) -> int:
    learner_ids = sorted(rows.values_list("pk", flat=True))
    enrolments = 0
    for start in range(0, len(learner_ids), 500):
        chunk = learner_ids[start : start + 500]
        enrolments += Enrolment.objects.filter(learner_id__in=chunk).count()
        forget_names_in_audit(learner_ids=chunk)
        learner_anonymise(learner_ids=chunk, on=today)
        # The exam results carry the personal code as the results file gave it: it goes with the person.
        for pk, code in Learner.objects.filter(pk__in=chunk).values_list("pk", "personal_code"):
            LearnerResult.objects.filter(learner_id=pk).update(personal_code=code)
        Enrolment.objects.filter(learner_id__in=chunk).exclude(leaving_note="").update(leaving_note="")
        # An answer given to the parent held the whole record: its copy goes, the dates of the request stay.
        AccessRequest.objects.filter(learner_id__in=chunk).update(answer={}, requester="")
    return enrolments


# -- rows deleted or blanked on their own period --------------------------------------------------------------------


def _deleted(rows: QuerySet[Any], today: date) -> int:
    """Delete the rows a few thousand at a time (a year of audit entries is many). The run writes one audit entry
    per kind with the count (privacy.services.retention_apply), not one per row: an entry per deleted row would copy
    into the audit trail the very values that were due to go."""
    deleted = 0
    with disable_auditlog():
        while chunk := list(rows.order_by("pk").values_list("pk", flat=True)[:2000]):
            rows.model._default_manager.filter(pk__in=chunk).delete()
            deleted += len(chunk)
    return deleted


def _support_plans_apply(rows: QuerySet[Any], today: date) -> int:
    return int(rows.update(measures="", responsible=None))


def _contacts_apply(rows: QuerySet[Any], today: date) -> int:
    return int(rows.update(contact_name="", email="", phone=""))


def _cards_apply(rows: QuerySet[Any], today: date) -> int:
    return int(rows.update(code_hash="", school_name="", class_label=""))


def _import_files_due(today: date, months: int) -> QuerySet[Any]:
    """Imports finished before the cut-off that still keep a file, a change log, or the values of refused rows."""
    return ImportJob.objects.filter(finished_at__lt=_moment(cutoff(today, months))).filter(
        ~Q(stored_path="") | ~Q(change_log_path="") | Q(total_errors__gt=0) | Q(warnings__isnull=False)
    )


def _import_files_kept(rows: QuerySet[Any]) -> list[int]:
    """The due imports that still hold something (a job's refused rows' values are JSON: looked at here)."""
    return [
        pk
        for pk, stored, log, errors, warnings in rows.values_list(
            "pk", "stored_path", "change_log_path", "errors", "warnings"
        )
        if stored or log or errors or warnings
    ]


def _import_files_apply(rows: QuerySet[Any], today: date) -> int:
    kept = _import_files_kept(rows)
    last = ImportJob.objects.filter(pk__in=kept).order_by("-finished_at").values_list("finished_at", flat=True).first()
    if last is None:
        return 0
    import_files_forget(finished_before=last + timedelta(microseconds=1))
    return len(kept)


def _access_answers_apply(rows: QuerySet[Any], today: date) -> int:
    return int(rows.update(answer={}, requester=""))


KINDS: tuple[RetentionKind, ...] = (
    RetentionKind(
        "enrolments",
        _("Learners' records and enrolments"),
        "enrolments",
        ANONYMISE,
        _("the day the learner left their last place (and their last application closed)"),
        75 * 12,
        "Arhīvu likums; izglītojamo reģistrācijas un uzskaites grāmata glabājama 75 gadus",
        _learners_due,
        _learners_apply,
        _enrolments_of,
    ),
    RetentionKind(
        "absences",
        _("Absences"),
        "absences",
        DELETE,
        _("the day of the absence"),
        5 * 12,
        "Izglītības likums; priekšlaicīgas mācību pārtraukšanas prevencijas kārtība (MK not. Nr. 89)",
        lambda today, months: Absence.objects.filter(date__lt=cutoff(today, months)),
        _deleted,
    ),
    RetentionKind(
        "term_results",
        _("Term results"),
        "term_results",
        DELETE,
        _("the last day of the school year"),
        5 * 12,
        "Izglītības likums; priekšlaicīgas mācību pārtraukšanas prevencijas kārtība (MK not. Nr. 89)",
        lambda today, months: TermResult.objects.filter(school_year__end_date__lt=cutoff(today, months)),
        _deleted,
    ),
    RetentionKind(
        "support_plans",
        _("Support plans"),
        "support_plans",
        ANONYMISE,
        _("the plan's review day (its start when it has none)"),
        5 * 12,
        "Izglītības likums; atbalsta plāns glabājams 5 gadus pēc tā noslēguma",
        lambda today, months: SupportPlan.objects.filter(
            Q(review_on__lt=cutoff(today, months)) | Q(review_on__isnull=True, started_on__lt=cutoff(today, months))
        ).exclude(measures="", responsible__isnull=True),
        _support_plans_apply,
    ),
    RetentionKind(
        "device_loans",
        _("Device loan agreements"),
        "device_loans",
        DELETE,
        _("the day the device was returned"),
        3 * 12,
        "Civillikums (patapinājuma līgums); grāmatvedības attaisnojuma dokumenti",
        lambda today, months: Loan.objects.filter(learner__isnull=False, returned_on__lt=cutoff(today, months)),
        _deleted,
    ),
    RetentionKind(
        "booking_contacts",
        _("Bookings' contact details"),
        "booking_contacts",
        ANONYMISE,
        _("the day of the visit"),
        12,
        "VDAR 6. panta 1. punkta f) apakšpunkts: saziņa par apmeklējumu",
        lambda today, months: Booking.objects.filter(slot__date__lt=cutoff(today, months)).exclude(
            contact_name="", email="", phone=""
        ),
        _contacts_apply,
    ),
    RetentionKind(
        "waiting_contacts",
        _("Waiting list's contact details"),
        "waiting_contacts",
        ANONYMISE,
        _("the day the entry was made"),
        12,
        "VDAR 6. panta 1. punkta f) apakšpunkts: saziņa par brīvu vietu",
        lambda today, months: WaitingListEntry.objects.filter(created_at__lt=_moment(cutoff(today, months))).exclude(
            contact_name="", email="", phone=""
        ),
        _contacts_apply,
    ),
    RetentionKind(
        "visitor_cards",
        _("Visitor cards"),
        "visitor_cards",
        ANONYMISE,
        _("the day the card was issued"),
        2 * 12,
        "VDAR 6. panta 1. punkta f) apakšpunkts: apmeklētāja punktu uzskaite",
        lambda today, months: Card.objects.filter(issued_on__lt=cutoff(today, months)).exclude(
            code_hash="", school_name="", class_label=""
        ),
        _cards_apply,
    ),
    RetentionKind(
        "survey_codes",
        _("Survey codes"),
        "survey_codes",
        DELETE,
        _("the day the survey closed"),
        12,
        "VDAR 5. panta 1. punkta e) apakšpunkts: kods vajadzīgs tikai aptaujas laikā",
        lambda today, months: AccessCode.objects.filter(
            survey__closes_on__lt=cutoff(today, months), draft__isnull=True
        ),
        _deleted,
    ),
    RetentionKind(
        "import_files",
        _("Uploaded import files"),
        "import_files",
        DELETE,
        _("the day the import finished"),
        3,
        "VDAR 5. panta 1. punkta e) apakšpunkts: datne vajadzīga, kamēr pārbauda importu",
        _import_files_due,
        _import_files_apply,
        lambda rows: len(_import_files_kept(rows)),
    ),
    RetentionKind(
        "access_requests",
        _("Answers to requests for a learner's data"),
        "access_requests",
        ANONYMISE,
        _("the day the request was received"),
        3 * 12,
        "VDAR 5. panta 2. punkts: pierādījums, ka pieprasījums izpildīts; atbildes kopija nav jāglabā ilgāk",
        lambda today, months: AccessRequest.objects.filter(received_on__lt=cutoff(today, months)).exclude(requester=""),
        _access_answers_apply,
    ),
    RetentionKind(
        "audit_entries",
        _("Audit entries"),
        "audit_entries",
        DELETE,
        _("the day of the entry"),
        5 * 12,
        "VDAR 5. panta 2. punkts un 32. pants; Fizisko personu datu apstrādes likums",
        lambda today, months: LogEntry.objects.filter(timestamp__lt=_moment(cutoff(today, months))).exclude(
            Q(additional_data__has_key="what") & Q(additional_data__what__startswith=RUN_RECORD)
        ),
        _deleted,
    ),
)

KINDS_BY_CODE: dict[str, RetentionKind] = {kind.code: kind for kind in KINDS}

#: Each kind's `default_ground` (Latvian, as the rules are seeded and stored) in words a reader of another language
#: reads: a subject-access answer in English or Russian says the ground in its language (`ground_words`).
DEFAULT_GROUND_WORDS: dict[str, Promise] = {
    "enrolments": _("Archives Law; the register of learners' enrolment and records is kept for 75 years"),
    "absences": _("Education Law; the procedure for preventing early school leaving (Cabinet Regulation No. 89)"),
    "term_results": _("Education Law; the procedure for preventing early school leaving (Cabinet Regulation No. 89)"),
    "support_plans": _("Education Law; a support plan is kept for 5 years after it ends"),
    "device_loans": _("Civil Law (a loan-for-use agreement); accounting source documents"),
    "booking_contacts": _("GDPR Art. 6(1)(f): keeping in touch about the visit"),
    "waiting_contacts": _("GDPR Art. 6(1)(f): keeping in touch about a free place"),
    "visitor_cards": _("GDPR Art. 6(1)(f): counting the visitor's points"),
    "survey_codes": _("GDPR Art. 5(1)(e): a code is needed only while the survey runs"),
    "import_files": _("GDPR Art. 5(1)(e): a file is needed while its import is checked"),
    "access_requests": _(
        "GDPR Art. 5(2): proof that the request was answered; a copy of the answer need not be kept longer"
    ),
    "audit_entries": _("GDPR Art. 5(2) and Art. 32; Personal Data Processing Law"),
}

#: The language the rules' legal grounds are written in (the seeds, and what the board types on the rules' page).
GROUNDS_LANGUAGE = "lv"


def ground_words(kind: RetentionKind, rule: RetentionRule) -> str:
    """The legal ground of `rule` as the active language reads it: a ground the board wrote stays as written; the
    seed's ground (`kind.default_ground`, Latvian) is said in the active language (`DEFAULT_GROUND_WORDS`)."""
    if rule.legal_ground != kind.default_ground or translation.get_language() == GROUNDS_LANGUAGE:
        return rule.legal_ground
    return str(DEFAULT_GROUND_WORDS[kind.code])


def rules_in_force(stored: Iterable[RetentionRule]) -> list[tuple[RetentionKind, RetentionRule]]:
    """Each kind with the rule that holds for it: its stored rule, else one made (unsaved) from the kind's defaults,
    applied. The one answer to "which rule holds" that the retention run, the rules' page and the record of
    processing all read."""
    by_kind = {rule.kind: rule for rule in stored}
    return [
        (
            kind,
            by_kind.get(kind.code)
            or RetentionRule(kind=kind.code, months=kind.default_months, legal_ground=kind.default_ground, active=True),
        )
        for kind in KINDS
    ]
