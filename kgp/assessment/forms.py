"""Forms of the Transformations-Check (portal start, backoffice editing). They validate input only;
saving goes through the services. The question steps are rendered by hand (one fieldset per
question) and read with `answers_from_post`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kgp.companies.forms import TopicChoiceField
from kgp.companies.models import Company, Topic

from .models import BANDS, Dimension, Question, Questionnaire, SizeBand
from .services import OptionData

FIELD_PREFIX = "q-"


def answers_from_post(data: Mapping[str, Any], keys: Iterable[str]) -> dict[str, str]:
    """The answers to the given questions from a step form (`q-<key>`); unanswered ones are left out."""
    answers = {}
    for key in keys:
        value = data.get(FIELD_PREFIX + key)
        if value not in (None, ""):
            answers[key] = str(value)[:10]
    return answers


class CompanyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Company) -> str:
        return obj.name


class StartForm(forms.Form):
    required_css_class = "required"
    size_class = forms.ChoiceField(
        label=_("How many people does your company employ?"),
        choices=SizeBand.choices,
        widget=forms.RadioSelect,
        help_text=_("We compare your result with companies of the same size."),
        error_messages={"required": _("Please tell us how many people your company employs.")},
    )

    def __init__(self, *args: Any, companies: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if companies is not None and companies.exists():
            self.fields["company"] = CompanyChoiceField(
                queryset=companies,
                required=False,
                label=_("Save the result for"),
                empty_label=_("no company (anonymous)"),
                help_text=_("Saved to a company, the result appears in your check history. You decide later whether your agency may see it."),
            )


class AttachForm(forms.Form):
    def __init__(self, *args: Any, companies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company"] = CompanyChoiceField(queryset=companies, label=_("Company"), empty_label=None)


# --- backoffice --------------------------------------------------------------------------------


class QuestionnaireForm(forms.ModelForm):
    required_css_class = "required"

    class Meta:
        model = Questionnaire
        fields = ["title", "change_note"]
        widgets = {"change_note": forms.Textarea(attrs={"rows": 3})}


class DimensionForm(forms.ModelForm):
    required_css_class = "required"
    topics = TopicChoiceField(
        queryset=Topic.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Topics of the offers that address it"),
        help_text=_("Offers with one of these topics are recommended when this dimension is weak."),
    )

    class Meta:
        model = Dimension
        fields = [
            "name_de", "name_en", "description_de", "description_en",
            *(f"interpretation_{b}_{lang}" for b in BANDS for lang in ("de", "en")),
        ]  # fmt: skip
        labels = {
            "interpretation_low_de": _("Interpretation below 25 points (German)"),
            "interpretation_low_en": _("Interpretation below 25 points (English)"),
            "interpretation_basic_de": _("Interpretation 25 to 49 points (German)"),
            "interpretation_basic_en": _("Interpretation 25 to 49 points (English)"),
            "interpretation_advanced_de": _("Interpretation 50 to 74 points (German)"),
            "interpretation_advanced_en": _("Interpretation 50 to 74 points (English)"),
            "interpretation_leading_de": _("Interpretation 75 points and more (German)"),
            "interpretation_leading_en": _("Interpretation 75 points and more (English)"),
        }
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ["description_de", "description_en", *(f"interpretation_{b}_{lang}" for b in BANDS for lang in ("de", "en"))]
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for band in BANDS:
            self.fields[f"interpretation_{band}_de"].required = True

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "topics"}


LEVEL_CHOICES = [(level, str(level)) for level in range(5)]


class QuestionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Question) -> str:
        return f"{obj.key}: {obj.text_de[:80]}"


class QuestionForm(forms.ModelForm):
    """A question with its answers: one row per level 0-4; a level without a German text is not offered."""

    required_css_class = "required"
    requires = QuestionChoiceField(
        queryset=Question.objects.none(),
        required=False,
        label=_("Consistency rule: requires question"),
        help_text=_("Optional. From the level below on, the other question must be answered with at least the second level."),
    )
    requires_from_level = forms.TypedChoiceField(
        choices=[("", "–"), *LEVEL_CHOICES], coerce=int, empty_value=None, required=False, label=_("From this answer level on")
    )
    requires_min_level = forms.TypedChoiceField(
        choices=[("", "–"), *LEVEL_CHOICES], coerce=int, empty_value=None, required=False, label=_("At least this level there")
    )

    class Meta:
        model = Question
        fields = ["key", "text_de", "text_en", "help_de", "help_en", "weight"]
        labels = {"key": _("Id (used by the API and in stored answers)")}
        widgets = {"help_de": forms.Textarea(attrs={"rows": 2}), "help_en": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, questionnaire: Questionnaire, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = questionnaire.questions.order_by("dimension__order", "order", "id")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
            self.initial.setdefault("requires", self.instance.requires_id)
            self.initial.setdefault("requires_from_level", self.instance.requires_from_level)
            self.initial.setdefault("requires_min_level", self.instance.requires_min_level)
            for option in self.instance.options.all():
                self.initial.setdefault(f"option_{option.level}_de", option.text_de)
                self.initial.setdefault(f"option_{option.level}_en", option.text_en)
        self.fields["requires"].queryset = others
        for level in range(5):
            self.fields[f"option_{level}_de"] = forms.CharField(
                label=_("Answer at level %(level)s (German)") % {"level": level}, required=False, max_length=300
            )
            self.fields[f"option_{level}_en"] = forms.CharField(
                label=_("Answer at level %(level)s (English)") % {"level": level}, required=False, max_length=300
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        rule = [data.get("requires"), data.get("requires_from_level"), data.get("requires_min_level")]
        if any(v is not None for v in rule) and any(v is None for v in rule):
            self.add_error("requires", _("A rule needs the other question and both levels (or none of them)."))
        for level in range(5):
            if (data.get(f"option_{level}_en") or "").strip() and not (data.get(f"option_{level}_de") or "").strip():
                self.add_error(f"option_{level}_de", _("Please enter the German text of this answer, or remove the English one."))
        return data

    def validate_unique(self) -> None:
        # The id must be unique within the version; the service checks it (with a clear message).
        return None

    def service_data(self) -> dict[str, Any]:
        data = {k: self.cleaned_data.get(k) for k in ["key", "text_de", "text_en", "help_de", "help_en", "weight"]}
        data["requires"] = self.cleaned_data.get("requires")
        data["requires_from_level"] = self.cleaned_data.get("requires_from_level")
        data["requires_min_level"] = self.cleaned_data.get("requires_min_level")
        return data

    def option_rows(self) -> list[tuple[int, Any, Any]]:
        """(level, German field, English field) for the template."""
        return [(level, self[f"option_{level}_de"], self[f"option_{level}_en"]) for level in range(5)]

    def options(self) -> list[OptionData]:
        return [
            OptionData(level, self.cleaned_data[f"option_{level}_de"].strip(), (self.cleaned_data.get(f"option_{level}_en") or "").strip())
            for level in range(5)
            if (self.cleaned_data.get(f"option_{level}_de") or "").strip()
        ]
