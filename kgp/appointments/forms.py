"""Forms of the appointment pages (backoffice: publishing slots; portal: booking)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Booking, LocationKind
from .services import MAX_MINUTES, MAX_WEEKS, MIN_MINUTES


class SlotPublishForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=None, label=_("Agency"), empty_label=None)
    starts_at = forms.DateTimeField(
        label=_("Start"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=MIN_MINUTES, max_value=MAX_MINUTES, initial=60)
    location_kind = forms.ChoiceField(label=_("Location"), choices=LocationKind.choices)
    location_detail = forms.CharField(
        label=_("Location details"), max_length=300, required=False,
        help_text=_("Room and address at the agency, or the video link."),
    )  # fmt: skip
    weeks = forms.IntegerField(
        label=_("Repeat weekly for … weeks"), min_value=1, max_value=MAX_WEEKS, initial=1,
        help_text=_("1 = a single slot."),
    )  # fmt: skip

    def __init__(self, *args, agencies, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = agencies


class BookingForm(forms.ModelForm):
    slot = forms.TypedChoiceField(label=_("Time"), coerce=int, widget=forms.RadioSelect)

    class Meta:
        model = Booking
        fields = ["topic", "participants", "location_kind", "contact_name", "contact_email"]
        labels = {
            "topic": _("What would you like to talk about?"),
            "participants": _("Who will take part? (names, roles)"),
            "location_kind": _("Where should the consultation take place?"),
        }
        widgets = {"location_kind": forms.RadioSelect}

    def __init__(self, *args, slots, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.slots = {s.pk: s for s in slots}
        self.fields["slot"].choices = [(s.pk, f"{s} · {s.get_location_kind_display()}") for s in slots]
        # Radio buttons: no empty "---------" choice.
        self.fields["location_kind"].choices = LocationKind.choices

    def chosen_slot(self):  # type: ignore[no-untyped-def]
        return self.slots[self.cleaned_data["slot"]]


class MoveForm(forms.Form):
    slot = forms.TypedChoiceField(label=_("New time"), coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args, slots, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.slots = {s.pk: s for s in slots}
        self.fields["slot"].choices = [(s.pk, f"{s} · {s.get_location_kind_display()}") for s in slots]

    def chosen_slot(self):  # type: ignore[no-untyped-def]
        return self.slots[self.cleaned_data["slot"]]
