"""What eduboard holds about people, written once: each category of personal data (the model, the way from it to
the learner it is about, the fields that are personal, why it is kept, on what legal ground and where it goes).

Three things read this one list and nothing else: the subject-access answer (privacy.selectors.subject_access_answer
gathers a child's rows category by category), the record of processing (privacy.selectors.processing_records:
one row per category, its readers from the roles) and the retention run (privacy.retention: each retention kind
names the category it removes). tests/privacy/test_catalogue.py holds it complete: every model with a relation to
a learner, and every model core.audit_policy counts as children's personal data, is a category here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from eduboard.registry.models import LEARNER_PERSONAL_FIELDS

# Where a category's rows go besides the pages of those who may read them.
EXPORTS = _("list exports (CSV, XLSX) by those who may read them, audited with their row counts")
API = _("the REST API, to the same readers, audited")
OPEN_DATA = _("open data: counts only, never a row about a person")
ONEROSTER = _("OneRoster 1.2 exchange files (users, enrolments) to the school's learning systems")
REPORTS = _("the board's reports: counts only")

PUBLIC_TASK = _(
    "GDPR Art. 6(1)(e) and 9(2)(g): a task in the public interest (Education Law, Law on Local Governments)"
)
LEGAL_DUTY = _("GDPR Art. 6(1)(c): a legal obligation of the controller")
CONTRACT = _("GDPR Art. 6(1)(b): a contract with the learner's family")
LEARNERS = _("learners (children)")
LEGITIMATE = _("GDPR Art. 6(1)(f): the controller's legitimate interest, weighed against the person's")


@dataclass(frozen=True)
class Category:
    """A category of personal data: a model's rows, what in them is personal and how they are found for a learner.

    `learner`: the path from a row to the learner it is about (`pk` for the learner's own row), or "" when the rows
    name no learner of the registry (`not_linked` then says who they are about and why a child cannot be found in
    them)."""

    code: str
    model: str
    title: Promise
    learner: str
    fields: tuple[str, ...]
    purpose: Promise
    legal_ground: Promise
    recipients: tuple[Promise, ...] = ()
    subjects: Promise = LEARNERS
    not_linked: Promise | str = ""
    special: bool = False  # special categories or data about a child's difficulties (a DPIA's "sensitive")
    extra_fields: tuple[str, ...] = field(default=())

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)


CATEGORIES: tuple[Category, ...] = (
    Category(
        "learners",
        "registry.Learner",
        _("Learners"),
        "pk",
        LEARNER_PERSONAL_FIELDS,
        _("the registry of learners: who learns in the city's institutions, counted in every figure"),
        PUBLIC_TASK,
        (EXPORTS, API, ONEROSTER, REPORTS),
    ),
    Category(
        "enrolments",
        "registry.Enrolment",
        _("Enrolments"),
        "learner",
        ("group", "enrolled_on", "left_on", "leaving_reason", "leaving_note"),
        _("where and since when a learner learns, and why they left (the learners' registration book)"),
        LEGAL_DUTY,
        (EXPORTS, API, ONEROSTER, OPEN_DATA, REPORTS),
    ),
    Category(
        "corrections",
        "registry.LearnerCorrection",
        _("Corrections of personal data"),
        "learner",
        ("field", "old_value", "new_value", "by", "reason", "via", "at"),
        _("the trace of each correction of a learner's personal data (GDPR Art. 16)"),
        LEGAL_DUTY,
    ),
    Category(
        "queue_entries",
        "registry.QueueEntry",
        _("Preschool queue applications"),
        "child",
        (
            "registered_on",
            "wanted_start_on",
            "first_choice",
            "second_choice",
            "grounds",
            "status",
            "status_changed_on",
            "offered_group",
        ),
        _("the preschool queue: a child's application, its priority grounds and the place offered"),
        PUBLIC_TASK,
        (EXPORTS, API, REPORTS),
    ),
    Category(
        "absences",
        "prevention.Absence",
        _("Absences"),
        "learner",
        ("institution", "date", "lessons", "excused"),
        _("early school-leaving prevention: absences that put a learner at risk"),
        PUBLIC_TASK,
        (EXPORTS, API, REPORTS),
        special=True,
    ),
    Category(
        "term_results",
        "prevention.TermResult",
        _("Term results"),
        "learner",
        ("institution", "school_year", "term", "subject", "grade"),
        _("early school-leaving prevention: failing term results"),
        PUBLIC_TASK,
        (EXPORTS, API, REPORTS),
        special=True,
    ),
    Category(
        "support_plans",
        "prevention.SupportPlan",
        _("Support plans"),
        "learner",
        ("institution", "measures", "responsible", "started_on", "review_on", "outcome"),
        _("early school-leaving prevention: the support given to a learner at risk"),
        PUBLIC_TASK,
        (EXPORTS, API),
        special=True,
    ),
    Category(
        "exam_results",
        "quality.LearnerResult",
        _("Exam results"),
        "learner",
        ("sitting", "personal_code", "institution", "percent"),
        _("quality of education: centralised exam and monitoring-test results against the national ones"),
        PUBLIC_TASK,
        (EXPORTS, API, OPEN_DATA, REPORTS),
    ),
    Category(
        "meal_contracts",
        "finance.MealContract",
        _("Meal contracts"),
        "learner",
        ("signed_on", "ended_on"),
        _("meal compensation: who the municipality pays meals for"),
        CONTRACT,
        (EXPORTS, REPORTS),
    ),
    Category(
        "device_loans",
        "assets.Loan",
        _("Devices lent"),
        "learner",
        ("asset", "lent_on", "due_on", "returned_on", "condition"),
        _("devices lent to learners and returned"),
        CONTRACT,
        (EXPORTS, API, REPORTS),
    ),
    Category(
        "mobilities",
        "projects.Mobility",
        _("Project mobilities"),
        "learners",
        ("project", "direction", "from_date", "to_date", "host_city", "purpose"),
        _("the learners named on a project's trip, for the project's report to its funder"),
        PUBLIC_TASK,
        (EXPORTS, API),
    ),
    Category(
        "data_issues",
        "dataquality.DataIssue",
        _("Data-quality findings"),
        "",
        ("object", "url", "params"),
        _("data checked before anyone reads it: a finding names the row that breaks a rule"),
        LEGAL_DUTY,
        not_linked=_(
            "a finding names a learner by name and masked code, not by the record; it is replaced by the next night's "
            "run. The answer lists the findings whose link opens this learner's page."
        ),
    ),
    Category(
        "access_requests",
        "privacy.AccessRequest",
        _("Subject-access requests"),
        "learner",
        (
            "requester",
            "received_on",
            "requested_by",
            "prepared_at",
            "status",
            "signed_off_by",
            "signed_off_at",
            "language",
        ),
        _("the record of requests for a learner's data and the answers given (GDPR Art. 15)"),
        LEGAL_DUTY,
    ),
    Category(
        "survey_codes",
        "surveys.AccessCode",
        _("Survey one-time codes"),
        "",
        ("survey", "code", "institution", "audience", "grade_band", "label", "used"),
        _("wellbeing surveys: one-time codes handed out in a class so that each learner answers once"),
        PUBLIC_TASK,
        not_linked=_(
            "a code is handed out in a class list and is never linked to the child who got it, and no sent answer is "
            "linked to a code; the answer counts the codes issued in the lists of the child's classes, never which "
            "one was theirs and never an answer."
        ),
    ),
    Category(
        "booking_contacts",
        "innovation.Booking",
        _("Centre bookings: the teacher's contact"),
        "",
        ("school_name", "contact_name", "email", "phone"),
        _("the innovation centre's visits: the teacher who booked and how to reach them"),
        LEGITIMATE,
        subjects=_("teachers"),
        not_linked=_("a booking names the teacher who booked, not the children of the group."),
    ),
    Category(
        "waiting_contacts",
        "innovation.WaitingListEntry",
        _("Centre waiting list: the teacher's contact"),
        "",
        ("school_name", "contact_name", "email", "phone"),
        _("the innovation centre's waiting list for full activities"),
        LEGITIMATE,
        subjects=_("teachers"),
        not_linked=_("an entry names the teacher who asked, not the children."),
    ),
    Category(
        "visitor_cards",
        "innovation.Card",
        _("Visitor cards and their points"),
        "",
        ("number", "school_name", "class_label", "issued_on"),
        _("the innovation centre's visitor cards that collect points"),
        LEGITIMATE,
        subjects=_("visitors (children among them)"),
        not_linked=_("a card names no one: it is given to a visitor or a class, and only its holder knows it."),
    ),
    Category(
        "competition_teams",
        "competitions.Team",
        _("Robotics teams"),
        "",
        ("name", "school_name", "members", "coach_name", "coach_email", "coach_phone"),
        _("robotics competitions: the team's members (first names and ages) and the coach's contact"),
        LEGITIMATE,
        (REPORTS,),
        subjects=_("team members (children) and coaches"),
        not_linked=_(
            "a team's members are given by first name and age only, never linked to a learner's record: a child "
            "cannot be told apart from another of the same first name, so no team is listed as theirs."
        ),
    ),
    Category(
        "course_participants",
        "courses.Participant",
        _("Course participants"),
        "",
        ("name", "school_name", "email", "certificate_number", "certified_on"),
        _("teacher courses and their certificates"),
        LEGITIMATE,
        subjects=_("teachers"),
        not_linked=_("course participants are teachers, never learners."),
    ),
    Category(
        "credentials",
        "credentials.Credential",
        _("Verifiable certificates"),
        "",
        ("achievement_name", "identity_hash", "issued_at"),
        _("Open Badges credentials of course and competition certificates"),
        LEGITIMATE,
        (_("the holder, who may show it to anyone"),),
        subjects=_("course participants and team members"),
        not_linked=_("a credential names its holder only as a salted hash of the name, never a learner's record."),
    ),
    Category(
        "import_files",
        "core.ImportJob",
        _("Uploaded import files"),
        "",
        ("filename", "stored_path", "errors"),
        _("bringing data in: the uploaded file, kept to show what it did, and the rows it refused"),
        PUBLIC_TASK,
        subjects=_("everyone in the files (learners, staff)"),
        not_linked=_("a file is kept whole, not per learner; its rows went into the records listed here."),
    ),
    Category(
        "audit_entries",
        "auditlog.LogEntry",
        _("Audit trail"),
        "",
        ("actor", "timestamp", "action", "object_repr", "changes", "remote_addr"),
        _("who saw or changed personal data, when and from where (GDPR Art. 5(2), 32)"),
        LEGAL_DUTY,
        subjects=_("users and the people whose records they opened"),
        not_linked=_("the answer lists the entries of every record in it: who read or changed it and when."),
    ),
)

BY_CODE: dict[str, Category] = {category.code: category for category in CATEGORIES}


def linked_categories() -> list[Category]:
    """The categories whose rows are found from a learner (the subject-access answer's sections of records)."""
    return [category for category in CATEGORIES if category.learner]
