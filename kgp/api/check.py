"""/check: the Transformations-Check for anybody, without a token.

`GET /check/questionnaire` gives the current questionnaire version; `POST /check/results` scores a
complete set of answers, stores it as an anonymous result and recommends offers. Texts (dimension
names, interpretations, reasons) come in the language of `Accept-Language` (German by default).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import Http404, HttpRequest
from django.urls import NoReverseMatch, reverse
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict, StrictInt

from kgp.assessment import queries, services
from kgp.assessment.models import Questionnaire

from .errors import ApiError
from .schemas import ErrorOut

router = Router(tags=["check"], auth=None)

# --- schemas -----------------------------------------------------------------------------------


class OptionOut(Schema):
    level: int = Field(description="Maturity level 0-4 this answer maps to.")
    text_de: str
    text_en: str


class RuleOut(Schema):
    question: str = Field(description="Id of the question this one depends on.")
    from_level: int = Field(description="From this answer level on ...")
    min_level: int = Field(description="... the other question must be answered with at least this level.")


class QuestionOut(Schema):
    key: str = Field(description="The question id used in `answers`.")
    number: int
    text_de: str
    text_en: str
    help_de: str
    help_en: str
    weight: int = Field(description="Weight 1-5 within its dimension.")
    requires: RuleOut | None = Field(None, description="Consistency rule, if any.")
    options: list[OptionOut]


class DimensionOut(Schema):
    key: str
    name_de: str
    name_en: str
    description_de: str
    description_en: str
    questions: list[QuestionOut]


class QuestionnaireOut(Schema):
    version: int = Field(description="Send this number back as `version` with the answers.")
    title: str
    published_at: datetime | None
    size_classes: list[str] = Field(description="Allowed values of `size_class` (headcount: <10, 10-49, 50-249, 250+).")
    dimensions: list[DimensionOut]


class ResultIn(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(description="The version of the questionnaire the answers belong to; must be the current one.")
    size_class: Literal["micro", "small", "medium", "large"] | None = Field(
        None, description="Headcount band: micro <10, small 10-49, medium 50-249, large 250+. Used for the comparison and to leave out SME-only offers."
    )
    # Strict: true/false or "2" are not levels (lax parsing would turn true into 1); they answer 422.
    answers: dict[str, StrictInt] = Field(
        default_factory=dict,
        description="{question id: level} for every question of the version; each level a JSON integer (not a boolean or a string).",
        max_length=500,
    )


class DimensionScoreOut(Schema):
    key: str
    name: str
    score: int = Field(description="0-100.")
    band: Literal["low", "basic", "advanced", "leading"] = Field(description="low <25, basic 25-49, advanced 50-74, leading 75+.")
    interpretation: str
    average: int | None = Field(description="Average of comparable companies (same size class), when at least 5 other companies have saved a result. Results without a company, such as those posted here, are not compared.")


class RecommendationOut(Schema):
    slug: str
    title: str
    module: str
    reason: str
    url: str | None = Field(description="The offer's page in the catalogue.")


class ResultOut(Schema):
    token: str = Field(description="The result's unguessable id; keep it private.")
    url: str = Field(description="The result page (anybody with the link can see it).")
    version: int
    size_class: str | None
    completed_at: datetime
    overall: int = Field(description="0-100: the mean of the dimension scores.")
    overall_band: str
    overall_average: int | None
    comparison_count: int | None = Field(description="Companies in the comparison group (each with its latest result), when shown.")
    dimensions: list[DimensionScoreOut]
    recommendations: list[RecommendationOut]


# --- endpoints ---------------------------------------------------------------------------------


def _questionnaire_out(questionnaire: Questionnaire) -> dict[str, object]:
    from kgp.assessment.models import SizeBand

    questions = list(
        questionnaire.questions.select_related("requires").prefetch_related("options").order_by("dimension__order", "order", "id")
    )
    numbers = {q.pk: n for n, q in enumerate(questions, start=1)}
    return {
        "version": questionnaire.version,
        "title": questionnaire.title,
        "published_at": questionnaire.published_at,
        "size_classes": list(SizeBand.values),
        "dimensions": [
            {
                "key": d.key,
                "name_de": d.name_de,
                "name_en": d.name_en,
                "description_de": d.description_de,
                "description_en": d.description_en,
                "questions": [
                    {
                        "key": q.key,
                        "number": numbers[q.pk],
                        "text_de": q.text_de,
                        "text_en": q.text_en,
                        "help_de": q.help_de,
                        "help_en": q.help_en,
                        "weight": q.weight,
                        "requires": {"question": q.requires.key, "from_level": q.requires_from_level, "min_level": q.requires_min_level}
                        if q.requires_id and q.requires_from_level is not None and q.requires_min_level is not None
                        else None,
                        "options": [{"level": o.level, "text_de": o.text_de, "text_en": o.text_en} for o in q.options.all()],
                    }
                    for q in questions
                    if q.dimension_id == d.pk
                ],
            }
            for d in questionnaire.dimensions.order_by("order", "id")
        ],
    }


@router.get("/questionnaire", response={200: QuestionnaireOut, 404: ErrorOut}, summary="The current questionnaire", auth=None)
def get_questionnaire(request: HttpRequest) -> dict[str, object]:
    """The published version with its dimensions, questions (in order), answer options and
    consistency rules, in German and English. No token needed."""
    questionnaire = queries.current_questionnaire()
    if questionnaire is None:
        raise Http404
    return _questionnaire_out(questionnaire)


def _offer_url(request: HttpRequest, slug: str) -> str | None:
    try:
        return request.build_absolute_uri(reverse("web:offer_detail", kwargs={"slug": slug}))
    except NoReverseMatch:
        return None


@router.post(
    "/results",
    response={201: ResultOut, 400: ErrorOut, 422: ErrorOut},
    summary="Score answers and recommend offers",
    auth=None,
)
def create_result(request: HttpRequest, payload: ResultIn) -> Status[dict[str, object]]:
    """Scores a complete set of answers to the current version and stores it as an anonymous
    result, reachable by its `url`. No token needed.

    400 with `errors` naming each offending question id (`field`: `answers.<id>`, `type`:
    `unknown_question`, `missing`, `invalid_level` or `inconsistent`); 400 with `field`: `version`
    when the version is not the current one. Nothing is stored then.
    """
    try:
        result = services.check_submit(version=payload.version, answers=payload.answers, size_class=payload.size_class or "")
    except services.AnswersInvalid as exc:
        errors = [
            {"field": f"answers.{e.question}", "location": "body", "message": e.message, "type": e.code} for e in exc.errors
        ]
        raise ApiError(400, exc.message, field="answers", code=exc.code, errors=errors) from exc
    report = queries.report(result)
    return Status(
        201,
        {
            "token": result.token,
            "url": request.build_absolute_uri(reverse("web:check_result", args=[result.token])),
            "version": result.questionnaire.version,
            "size_class": result.size_class or None,
            "completed_at": result.completed_at,
            "overall": report.overall,
            "overall_band": report.overall_band,
            "overall_average": report.overall_average,
            "comparison_count": report.comparison.count if report.comparison else None,
            "dimensions": [
                {
                    "key": row.key,
                    "name": row.name,
                    "score": row.score,
                    "band": row.band,
                    "interpretation": row.interpretation,
                    "average": row.average,
                }
                for row in report.rows
            ],
            "recommendations": [
                {
                    "slug": rec.offer.slug,
                    "title": rec.offer.title,
                    "module": rec.offer.module,
                    "reason": rec.reason,
                    "url": _offer_url(request, rec.offer.slug),
                }
                for rec in report.recommendations
            ],
        },
    )
