"""The Transformations-Check: a versioned questionnaire and the results answered with it.

A published questionnaire never changes: the network coordination edits a new draft version and
publishes it. A result keeps the version it was answered with, so old results display as they were.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

LEVELS = (0, 1, 2, 3, 4)
BANDS = ("low", "basic", "advanced", "leading")


class SizeBand(models.TextChoices):
    """The comparison group, asked by headcount at the start (the values are those of companies.SizeClass)."""

    MICRO = "micro", _("fewer than 10 employees")
    SMALL = "small", _("10 to 49 employees")
    MEDIUM = "medium", _("50 to 249 employees")
    LARGE = "large", _("250 employees or more")


def _lang(obj: models.Model, field: str) -> str:
    """The English text of a two-language field when the UI is English and it is filled, else German."""
    if (get_language() or "de").startswith("en"):
        value = getattr(obj, f"{field}_en", "")
        if value:
            return value
    return getattr(obj, f"{field}_de")


class Questionnaire(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    version = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    change_note = models.TextField(_("what changed"), blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        # At most one published (current) version.
        constraints = [
            models.UniqueConstraint(fields=["status"], condition=Q(status="published"), name="one_published_questionnaire")
        ]
        verbose_name = _("questionnaire")

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class Dimension(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="dimensions")
    key = models.SlugField(max_length=40)
    order = models.PositiveSmallIntegerField(default=0)
    name_de = models.CharField(_("name (German)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    description_de = models.TextField(_("description (German)"), blank=True, max_length=2000)
    description_en = models.TextField(_("description (English)"), blank=True, max_length=2000)
    # Plain-language interpretation per score band: below 25, 25-49, 50-74, 75 and more.
    interpretation_low_de = models.TextField(blank=True, max_length=2000)
    interpretation_low_en = models.TextField(blank=True, max_length=2000)
    interpretation_basic_de = models.TextField(blank=True, max_length=2000)
    interpretation_basic_en = models.TextField(blank=True, max_length=2000)
    interpretation_advanced_de = models.TextField(blank=True, max_length=2000)
    interpretation_advanced_en = models.TextField(blank=True, max_length=2000)
    interpretation_leading_de = models.TextField(blank=True, max_length=2000)
    interpretation_leading_en = models.TextField(blank=True, max_length=2000)
    # Offers with one of these topics address this dimension (used for the recommendations).
    topics = models.ManyToManyField(
        "companies.Topic", related_name="+", blank=True, verbose_name=_("topics of the offers that address it")
    )

    class Meta:
        ordering = ["questionnaire", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["questionnaire", "key"], name="dimension_key_per_version")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _lang(self, "name")

    @property
    def description(self) -> str:
        return _lang(self, "description")


class Question(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=40)
    order = models.PositiveSmallIntegerField(default=0)
    text_de = models.CharField(_("question (German)"), max_length=500)
    text_en = models.CharField(_("question (English)"), max_length=500, blank=True)
    help_de = models.TextField(_("help text (German)"), blank=True, max_length=2000)
    help_en = models.TextField(_("help text (English)"), blank=True, max_length=2000)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    # Consistency rule: an answer at level >= requires_from_level needs at least requires_min_level
    # at the question `requires` (for example: CO2 targets need some CO2 transparency).
    requires = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("requires question")
    )
    requires_from_level = models.PositiveSmallIntegerField(
        _("from this answer level on"), null=True, blank=True, validators=[MaxValueValidator(4)]
    )
    requires_min_level = models.PositiveSmallIntegerField(
        _("at least this level there"), null=True, blank=True, validators=[MaxValueValidator(4)]
    )

    class Meta:
        ordering = ["questionnaire", "dimension__order", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["questionnaire", "key"], name="question_key_per_version")]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return _lang(self, "text")

    @property
    def help(self) -> str:
        return _lang(self, "help")


class Option(models.Model):
    """One answer to a question; it maps to a maturity level 0-4."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    level = models.PositiveSmallIntegerField(_("level"), validators=[MaxValueValidator(4)])
    text_de = models.CharField(_("answer (German)"), max_length=300)
    text_en = models.CharField(_("answer (English)"), max_length=300, blank=True)

    class Meta:
        ordering = ["question", "level"]
        constraints = [
            models.UniqueConstraint(fields=["question", "level"], name="option_level_per_question"),
            models.CheckConstraint(condition=Q(level__lte=4), name="option_level_0_4"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return _lang(self, "text")


class CheckResult(models.Model):
    """Answers to one questionnaire version, saved while in progress and scored when complete."""

    # Unguessable: the anonymous result is reached by this token only.
    token = models.CharField(max_length=64, unique=True)
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="results", verbose_name=_("questionnaire")
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)  # {question key: level}
    scores = models.JSONField(_("scores"), default=dict, blank=True)  # {dimension key: 0-100, "overall": 0-100}
    # Size class by headcount as the respondent states it; the comparison group.
    size_class = models.CharField(_("size class"), max_length=10, blank=True, choices=SizeBand.choices)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="check_results",
        verbose_name=_("company"),
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The company agreed that its responsible agency sees this result on the company's timeline.
    shared_with_agency = models.BooleanField(_("shared with the responsible agency"), default=False)
    shared_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["size_class", "completed_at"]),
            models.Index(fields=["company", "-created_at"]),
            models.Index(fields=["user", "-created_at"]),
        ]
        verbose_name = _("Transformations-Check result")

    def __str__(self) -> str:
        return f"Transformations-Check {self.created_at:%Y-%m-%d}" if self.created_at else "Transformations-Check"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None
