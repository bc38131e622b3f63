"""The data-quality area's tables: each board's rules as data (`QualityRule`), each run of the checks with its
counts by rule (`CheckRun`: the counts over time) and what the board's latest run found (`DataIssue`)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from eduboard.core.data_checks import fill_text
from eduboard.core.models import TimeStampedModel
from eduboard.core.scope import Viewer, institution_scope
from eduboard.core.translated import text_in, translations_of
from eduboard.dataquality.choices import RuleCode, Severity, Trigger
from eduboard.registry.board_data import BoardData, BoardDataQuerySet
from eduboard.registry.boards import Board, viewer_boards
from eduboard.registry.models import Institution


class QualityRule(BoardData, TimeStampedModel):
    """A data-quality rule of one board: its severity, threshold and text, which the board edits (stable codes)."""

    code = models.CharField(_("code"), max_length=40, choices=RuleCode.choices)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    threshold = models.DecimalField(
        _("threshold"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Years, per cent or a z-score, as the rule says; empty where the rule has none."),
    )
    active = models.BooleanField(_("in use"), default=True)
    text = models.CharField(
        _("text"),
        max_length=300,
        help_text=_("What a finding says; the values in braces ({learner}, {group}, …) are filled in."),
    )
    text_en, text_ru = translations_of(_("text"), max_length=300)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = BoardDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("data-quality rule")
        verbose_name_plural = _("data-quality rules")
        ordering = ["board", "code"]
        constraints = [models.UniqueConstraint(fields=["board", "code"], name="quality_rule_unique_board_code")]

    def __str__(self) -> str:
        return self.get_code_display()


class CheckRun(models.Model):
    """One run of the checks for one board (or one institution of it) on a date: when, why, and how many rows
    each rule found. The board's runs over time are its counts by rule over time."""

    board = models.ForeignKey(Board, verbose_name=_("board"), on_delete=models.CASCADE, related_name="+")
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    as_of = models.DateField(_("as of"))
    trigger = models.CharField(_("started by"), max_length=8, choices=Trigger.choices)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    by_rule = models.JSONField(_("found by rule"), default=dict)

    objects = BoardDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("data check run")
        verbose_name_plural = _("data check runs")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["board", "-started_at"], name="dq_run_board_started_idx")]

    def __str__(self) -> str:
        return f"{self.board_id} {self.as_of} {self.trigger}"

    @property
    def total(self) -> int:
        return sum(self.by_rule.values())


class DataIssueQuerySet(models.QuerySet["DataIssue"]):
    """What a run found, read as its institution's: a head reads their institutions' findings; a board-wide viewer
    reads its boards' findings, also those of no one institution."""

    def visible_to(self, viewer: Viewer) -> DataIssueQuerySet:
        scope = institution_scope(viewer)
        if scope is not None:
            return self.filter(institution__in=scope)
        boards = viewer_boards(viewer)
        return self if boards is None else self.filter(board_id__in=boards)

    def editable_by(self, viewer: Viewer) -> DataIssueQuerySet:
        return self.visible_to(viewer)

    def with_texts(self) -> DataIssueQuerySet:
        """The findings with their rule's texts (`text`, `text_en`, `text_ru` of the board's rule), read in the same
        query, so that a page or an export writes each message without reading its rule again."""
        rule = QualityRule.objects.filter(board_id=models.OuterRef("board_id"), code=models.OuterRef("rule"))
        return self.annotate(
            **{f"rule_{name}": models.Subquery(rule.values(name)[:1]) for name in ("text", "text_en", "text_ru")}
        )


class DataIssue(models.Model):
    """One row that broke one rule in the board's latest run (`core.data_checks.Finding` kept): the values its
    rule's text names, the row and the page where it is fixed. Replaced by each whole run of the board."""

    run = models.ForeignKey(CheckRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="issues")
    board = models.ForeignKey(Board, verbose_name=_("board"), on_delete=models.CASCADE, related_name="+")
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    rule = models.CharField(_("rule"), max_length=40, choices=RuleCode.choices)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    object = models.CharField(_("row"), max_length=80)
    url = models.CharField(_("where to fix it"), max_length=200, blank=True)
    params = models.JSONField(_("values"), default=dict)

    objects = DataIssueQuerySet.as_manager()

    class Meta:
        verbose_name = _("data issue")
        verbose_name_plural = _("data issues")
        ordering = ["institution", "rule", "pk"]
        indexes = [models.Index(fields=["board", "rule"], name="dq_issue_board_rule_idx")]

    def __str__(self) -> str:
        return f"{self.rule} {self.object}"

    def message(self, language: str | None = None) -> str:
        """The finding in words: its rule's text (the board's, in `language`, the active one by default; the Latvian
        where it is not translated) with the finding's values filled in. A board's rules are made with it and
        before every run (`services.quality_rules_for_new_board`), so a finding always has its rule."""
        if not hasattr(self, "rule_text"):  # read without `with_texts`: its rule's texts, one query
            rule = QualityRule.objects.filter(board_id=self.board_id, code=self.rule).first()
            self.rule_text = rule.text if rule else ""
            self.rule_text_en = rule.text_en if rule else ""
            self.rule_text_ru = rule.text_ru if rule else ""
        template = text_in(self, "rule_text", language) or self.rule
        params: dict[str, Any] = self.params
        return fill_text(template, params)


class CensusDate(BoardData, TimeStampedModel):
    """A day the board counts its institutions' data for (e.g. 1 September, 1 January), and how many days the
    institutions have after it to send their learners, staff and money of that day."""

    day = models.DateField(_("census day"))
    name = models.CharField(_("name"), max_length=80, help_text=_("e.g. 1 September 2025"))
    due_days = models.PositiveSmallIntegerField(
        _("days to send the data"), default=14, help_text=_("The data of the day is late after this many days.")
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = BoardDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("census day")
        verbose_name_plural = _("census days")
        ordering = ["board", "-day"]
        constraints = [models.UniqueConstraint(fields=["board", "day"], name="census_date_unique_board_day")]

    def __str__(self) -> str:
        return self.name or self.day.isoformat()

    @property
    def due_on(self) -> date:
        """The last day the institutions send the data of the census day on time."""
        return self.day + timedelta(days=self.due_days)
