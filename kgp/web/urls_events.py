"""URLs of the public portal: events (included by web/urls.py).

`event_detail`, `event_registration`, `event_confirm` and `event_feedback` are reversed by
kgp/events (calendar files and e-mails): keep their names and arguments."""

from django.urls import path

from . import views_events as v

urlpatterns = [
    path("veranstaltungen/", v.event_list, name="event_list"),
    path("veranstaltungen/kalender.ics", v.event_feed, name="event_feed"),
    path("veranstaltungen/thema/<slug:topic>/kalender.ics", v.event_feed_topic, name="event_feed_topic"),
    path("veranstaltungen/bestaetigen/<slug:token>/", v.event_confirm, name="event_confirm"),
    path("veranstaltungen/anmeldung/<slug:token>/", v.event_registration, name="event_registration"),
    path("veranstaltungen/anmeldung/<slug:token>/absagen/", v.event_cancel, name="event_cancel"),
    path("veranstaltungen/anmeldung/<slug:token>/annehmen/", v.event_accept, name="event_accept"),
    path("veranstaltungen/anmeldung/<slug:token>/kalender.ics", v.event_ics, name="event_ics"),
    path("veranstaltungen/feedback/<slug:token>/", v.event_feedback, name="event_feedback"),
    path("veranstaltungen/<slug:slug>/", v.event_detail, name="event_detail"),
    path("veranstaltungen/<slug:slug>/anmelden/", v.event_register, name="event_register"),
    path("veranstaltungen/<slug:slug>/anmeldung-gesendet/", v.event_register_sent, name="event_register_sent"),
    path("portal/veranstaltungen/", v.my_events, name="my_events"),
]
