"""The pure rules: validation messages, scores and rounding, bands, and the ranking of offers."""

from __future__ import annotations

from fractions import Fraction

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from kgp.assessment import scoring
from kgp.assessment.scoring import Candidate, DimensionSpec, OptionSpec, QuestionSpec, Spec

FIVE = tuple(OptionSpec(level, f"Stufe {level}") for level in range(5))


def q(key: str, dimension: str, weight: int = 1, number: int = 0, options=FIVE, **rule) -> QuestionSpec:
    return QuestionSpec(key=key, dimension=dimension, text=f"Frage {key}", weight=weight, options=options, number=number, **rule)


def make_spec() -> Spec:
    """Three dimensions: a (weights 1 and 3), b (one question, levels 0/2/4 only), c (a rule)."""
    return Spec(
        version=1,
        dimensions=(
            DimensionSpec("a", "Resiliente Produktion", frozenset({"resilience"})),
            DimensionSpec("b", "Smarte Produktion", frozenset({"smart"})),
            DimensionSpec("c", "Kooperation", frozenset({"cooperation", "funding"})),
        ),
        questions=(
            q("a1", "a", weight=1, number=1),
            q("a2", "a", weight=3, number=2),
            q("b1", "b", number=3, options=(OptionSpec(0, "nie"), OptionSpec(2, "manchmal"), OptionSpec(4, "immer"))),
            q("c1", "c", number=4),
            q("c2", "c", number=5, requires="c1", requires_from_level=3, requires_min_level=2),
        ),
    )


SPEC = make_spec()


def all_at(level: int, spec: Spec = SPEC) -> dict[str, int]:
    return {question.key: level for question in spec.questions}


# --- scores ------------------------------------------------------------------------------------


def test_all_answers_0_give_0_everywhere_and_all_4_give_100():
    assert scoring.scores(SPEC, all_at(0)) == {"a": 0, "b": 0, "c": 0, "overall": 0}
    assert scoring.scores(SPEC, all_at(4)) == {"a": 100, "b": 100, "c": 100, "overall": 100}


def test_dimension_score_is_the_weighted_mean_of_the_levels():
    answers = {"a1": 4, "a2": 0, "b1": 2, "c1": 1, "c2": 2}
    result = scoring.scores(SPEC, answers)
    assert result["a"] == 25  # (1*4 + 3*0) / 4 = 1 -> 25
    assert result["b"] == 50
    assert result["c"] == 38  # 1.5 / 4 = 37.5 -> rounded half up to 38
    assert result["overall"] == 38  # (25 + 50 + 38) / 3 = 37.67


def test_rounding_is_half_up_not_bankers_rounding():
    assert scoring.round_half_up(Fraction(125, 2)) == 63  # round(62.5) would give 62
    assert scoring.round_half_up(Fraction(25, 2)) == 13
    assert scoring.round_half_up(Fraction(249, 10)) == 25
    assert scoring.round_half_up(Fraction(0)) == 0
    answers = {"a1": 1, "a2": 2, "b1": 0, "c1": 0, "c2": 0}
    assert scoring.scores(SPEC, answers)["a"] == 44  # (1 + 6) / 16 * 100 = 43.75
    # overall: dimensions 44, 0, 0 -> 14.67 -> 15
    assert scoring.scores(SPEC, answers)["overall"] == 15


def test_overall_rounds_a_half_upwards():
    spec = Spec(1, (DimensionSpec("x", "X"), DimensionSpec("y", "Y")), (q("x1", "x"), q("y1", "y")))
    # x = 25, y = 0 -> overall 12.5 -> 13
    assert scoring.scores(spec, {"x1": 1, "y1": 0}) == {"x": 25, "y": 0, "overall": 13}


@pytest.mark.parametrize(("score", "band"), [(0, "low"), (24, "low"), (25, "basic"), (49, "basic"), (50, "advanced"), (74, "advanced"), (75, "leading"), (100, "leading")])
def test_bands(score, band):
    assert scoring.band(score) == band


LEVELS_A = st.sampled_from(range(5))


@given(a1=LEVELS_A, a2=LEVELS_A, b1=st.sampled_from([0, 2, 4]), c1=LEVELS_A, c2=LEVELS_A, which=st.sampled_from(["a1", "a2", "b1", "c1", "c2"]))
def test_property_scores_lie_between_0_and_100_and_never_drop_when_an_answer_rises(a1, a2, b1, c1, c2, which):
    answers = {"a1": a1, "a2": a2, "b1": b1, "c1": c1, "c2": c2}
    before = scoring.scores(SPEC, answers)
    assert all(0 <= value <= 100 for value in before.values())
    higher = [lv for lv in sorted(SPEC.question(which).levels) if lv > answers[which]]
    if higher:
        after = scoring.scores(SPEC, answers | {which: higher[0]})
        assert all(after[key] >= before[key] for key in before)
        assert after[SPEC.question(which).dimension] > before[SPEC.question(which).dimension]


@given(st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=8), st.data())
def test_property_any_weights_and_levels_give_a_score_in_range(weights, data):
    questions = tuple(q(f"k{i}", "x", weight=w) for i, w in enumerate(weights))
    spec = Spec(1, (DimensionSpec("x", "X"),), questions)
    answers = {question.key: data.draw(st.integers(0, 4)) for question in questions}
    result = scoring.scores(spec, answers)
    expected = Fraction(sum(w * answers[f"k{i}"] for i, w in enumerate(weights)) * 25, sum(weights))
    assert 0 <= result["x"] <= 100
    assert abs(result["x"] - expected) <= Fraction(1, 2)


# --- validation --------------------------------------------------------------------------------


def test_complete_consistent_answers_have_no_errors():
    assert scoring.validate(SPEC, all_at(4), require_all=True) == []
    assert scoring.validate(SPEC, all_at(0), require_all=True) == []


def test_every_problem_is_reported_for_its_question():
    with translation.override("en"):
        errors = scoring.validate(SPEC, {"a1": 7, "b1": 1, "c1": 0, "c2": 4, "zz": 1, "aa": 2}, require_all=True)
    found = [(e.question, e.code) for e in errors]
    assert found == [
        ("a1", "invalid_level"),
        ("a2", "missing"),
        ("b1", "invalid_level"),  # b1 offers 0, 2 and 4 only
        ("c2", "inconsistent"),
        ("aa", "unknown_question"),
        ("zz", "unknown_question"),
    ]
    messages = {e.question: e.message for e in errors}
    assert "levels 0, 2, 4" in messages["b1"]
    assert messages["a2"] == "Please choose an answer to this question."


def test_inconsistency_message_names_the_other_question_and_the_needed_answer():
    with translation.override("en"):
        (error,) = scoring.validate(SPEC, {"c1": 1, "c2": 3})
    assert error.question == "c2" and error.code == "inconsistent"
    assert "question 4 “Frage c1”" in error.message
    assert "“Stufe 2”" in error.message


def test_rule_applies_only_from_its_level_on():
    assert scoring.validate(SPEC, {"c1": 0, "c2": 2}) == []  # below from_level 3
    assert scoring.validate(SPEC, {"c1": 2, "c2": 4}) == []  # min_level 2 reached
    assert scoring.validate(SPEC, {"c2": 4}) == []  # the other answer is not given yet


def test_partial_validation_requires_only_the_given_questions():
    errors = scoring.validate(SPEC, {"a1": 1}, require=["a1", "a2"])
    assert [(e.question, e.code) for e in errors] == [("a2", "missing")]


@pytest.mark.parametrize("value", [True, 1.5, "zwei", None, [], "-1", 5])
def test_non_levels_are_rejected(value):
    errors = scoring.validate(SPEC, {"a1": value}, require=["a1"])
    assert errors and errors[0].code in ("invalid_level", "missing")


def test_numeric_strings_count_as_levels():
    assert scoring.validate(SPEC, {"a1": "3"}) == []


# --- recommendations ---------------------------------------------------------------------------


def offer(id: int, title: str, module: str, *topics: str, target_group: str = "all") -> Candidate:
    return Candidate(id=id, title=title, module=module, topics=frozenset(topics), target_group=target_group, slug=f"o-{id}")


def test_targeted_dimensions_are_the_weakest_within_15_points_and_all_below_50():
    assert scoring.targeted_dimensions({"a": 30, "b": 45, "c": 46, "d": 60, "e": 80}) == ["a", "b", "c"]
    assert scoring.targeted_dimensions({"a": 60, "b": 75, "c": 76, "d": 90}) == ["a", "b"]
    assert scoring.targeted_dimensions({"a": 55, "b": 48, "c": 90}) == ["a", "b"]
    assert scoring.targeted_dimensions({"a": 100, "b": 100}) == ["a", "b"]  # a tie: all targeted
    assert scoring.targeted_dimensions({}) == []


def test_ranking_by_gap_then_module_fit_then_further_dimensions():
    # a (25) is the weakest; c (30) lies within 15 points of it, b (40) too; all below 50.
    result = {"a": 25, "b": 40, "c": 30, "overall": 32}
    candidates = [
        offer(1, "Lieferketten-Coaching", "coach", "resilience"),  # a: gap 75 + fit 10 = 85
        offer(2, "Lieferketten-Transfer", "transfer", "resilience"),  # a: 75, no fit
        offer(3, "Förderlotse", "inform", "funding"),  # c: gap 70 + fit = 80
        offer(4, "Smart Factory Tour", "connect", "smart"),  # b: gap 60, connect does not fit below 50
        offer(7, "Smart-Coaching", "coach", "smart"),  # b: 60 + fit 10 = 70
        offer(5, "Kombi-Workshop", "inform", "resilience", "cooperation"),  # a 75 + fit 10 + 3 (c) = 88
        offer(6, "Energie-Check", "coach", "energy"),  # no targeted dimension: left out
    ]
    ranked = scoring.recommend(SPEC, result, candidates)
    assert [(r.offer.id, r.relevance) for r in ranked] == [(5, 88), (1, 85), (3, 80), (2, 75), (7, 70), (4, 60)]
    assert ranked[0].dimension == "a" and ranked[0].also == ("c",)
    assert ranked[2].dimension == "c"


def test_ties_are_broken_by_title_then_id():
    result = {"a": 0, "b": 100, "c": 100, "overall": 67}
    candidates = [
        offer(9, "beta", "coach", "resilience"),
        offer(3, "Alpha", "coach", "resilience"),
        offer(2, "Beta", "coach", "resilience"),
        offer(1, "beta", "coach", "resilience"),
    ]
    ranked = scoring.recommend(SPEC, result, candidates)
    assert [r.offer.id for r in ranked] == [3, 1, 2, 9]  # Alpha; then "beta"/"Beta" case-insensitive by id


def test_all_answers_0_target_every_dimension_and_favour_inform_and_coach():
    result = scoring.scores(SPEC, all_at(0))
    candidates = [
        offer(1, "A Transfer", "transfer", "resilience"),
        offer(2, "B Coaching", "coach", "smart"),
        offer(3, "C Vernetzung", "connect", "cooperation"),
        offer(4, "D Info", "inform", "funding"),
    ]
    ranked = scoring.recommend(SPEC, result, candidates)
    assert [r.offer.id for r in ranked] == [2, 4, 1, 3]
    assert [r.relevance for r in ranked] == [110, 110, 100, 100]
    with translation.override("en"):
        reasons = [r.reason for r in scoring.recommend(SPEC, result, candidates)]
    assert reasons[0] == "Addresses your weakest area “Smarte Produktion” (0 of 100 points). A good first step at your level."
    assert reasons[2] == "Addresses your weakest area “Resiliente Produktion” (0 of 100 points)."


def test_all_answers_4_target_every_dimension_and_favour_connect_and_transfer():
    result = scoring.scores(SPEC, all_at(4))
    candidates = [
        offer(1, "A Info", "inform", "resilience"),
        offer(2, "B Coaching", "coach", "smart"),
        offer(3, "C Vernetzung", "connect", "cooperation"),
        offer(4, "D Transfer", "transfer", "smart", "resilience"),
    ]
    ranked = scoring.recommend(SPEC, result, candidates)
    assert [r.offer.id for r in ranked] == [4, 3, 1, 2]
    assert [r.relevance for r in ranked] == [13, 10, 0, 0]
    with translation.override("en"):
        reason = scoring.recommend(SPEC, result, candidates)[0].reason
    assert reason.startswith("Takes “Resiliente Produktion” further, where you are already strong (100 of 100 points).")
    assert "Also covers “Smarte Produktion”." in reason


def test_sme_only_offers_are_left_out_for_large_companies_only():
    result = {"a": 10, "b": 90, "c": 90, "overall": 63}
    candidates = [offer(1, "A für KMU", "coach", "resilience", target_group="sme"), offer(2, "B für alle", "coach", "resilience")]
    assert [r.offer.id for r in scoring.recommend(SPEC, result, candidates, size_class="large")] == [2]
    assert [r.offer.id for r in scoring.recommend(SPEC, result, candidates, size_class="small")] == [1, 2]
    assert [r.offer.id for r in scoring.recommend(SPEC, result, candidates, size_class="")] == [1, 2]


def test_at_most_six_recommendations():
    result = {"a": 10, "b": 90, "c": 90, "overall": 63}
    candidates = [offer(i, f"Angebot {i:02d}", "coach", "resilience") for i in range(1, 11)]
    ranked = scoring.recommend(SPEC, result, candidates)
    assert [r.offer.id for r in ranked] == [1, 2, 3, 4, 5, 6]


def test_reason_names_a_dimension_that_is_not_the_weakest_with_its_score():
    result = {"a": 20, "b": 30, "c": 90, "overall": 47}
    with translation.override("en"):
        (rec,) = scoring.recommend(SPEC, result, [offer(1, "Smart", "connect", "smart")])
    assert rec.reason == "Addresses “Smarte Produktion”, where you reached 30 of 100 points."
    assert rec.relevance == 70 and not rec.module_fits
