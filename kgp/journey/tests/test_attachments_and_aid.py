"""Activities that carry a de-minimis value, and attachments: checked, stored outside the web root,
served only to those with the full view of the case."""

import datetime as dt
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from kgp.core.errors import ServiceError
from kgp.core.models import AuditLogEntry
from kgp.deminimis.models import AidGrant
from kgp.journey import services
from kgp.journey.models import Activity, ActivityAttachment
from kgp.testing.factories import OfferFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="protokoll.pdf", data=PDF_BYTES):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def office_zip(name, members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


@pytest.fixture
def case(consultant, company):
    return services.case_open(actor=consultant, company=company, goals="Energiekosten senken")


def coaching(actor, case, **extra):
    data = dict(kind="coaching", occurred_on=TODAY, hours="4", coach_kind="internal", topic="Druckluft")
    return services.activity_add(actor=actor, case=case, **(data | extra))


# --- de-minimis value --------------------------------------------------------------------------


def test_coaching_with_value_grants_aid_with_certificate(consultant, case, company):
    offer = OfferFactory(is_de_minimis=True, de_minimis_value=Decimal("2400"))
    activity = coaching(consultant, case, deminimis_value="1.250,50", offer=offer)
    aid = activity.aid_grant
    assert aid is not None and aid.value_eur == Decimal("1250.50")
    assert aid.company == company and aid.granted_on == TODAY and aid.offer == offer
    assert aid.certificate_number == f"DM-{TODAY.year}-{aid.pk:05d}"
    assert "Druckluft" in aid.purpose and offer.title in aid.purpose
    entry = AuditLogEntry.objects.get(object_type="journey.activity", object_id=str(activity.pk))
    assert entry.changes["aid_grant"] == [None, aid.certificate_number]


@pytest.mark.parametrize("value", ["1250.5", Decimal("1250.50"), "1250,50", " 1.250,50 € "])
def test_value_formats(consultant, case, value):
    assert coaching(consultant, case, deminimis_value=value).aid_grant.value_eur == Decimal("1250.50")


@pytest.mark.parametrize("value", ["abc", "-5", "0", "1,005", "NaN", "Infinity"])
def test_bad_value_records_nothing(consultant, case, value):
    with pytest.raises(ServiceError) as exc:
        coaching(consultant, case, deminimis_value=value)
    assert exc.value.field == "deminimis_value"
    assert not Activity.objects.exists() and not AidGrant.objects.exists()


def test_value_above_ceiling_is_refused_and_nothing_recorded(consultant, case):
    with pytest.raises(ServiceError) as exc:
        coaching(consultant, case, deminimis_value="300000,01")
    assert exc.value.code == "ceiling" and exc.value.field == "deminimis_value"
    assert not Activity.objects.exists() and not AidGrant.objects.exists()


def test_coordinator_may_exceed_with_reason(coordinator, case):
    activity = coaching(coordinator, case, deminimis_value="300000,01", override_reason="Einzelfallentscheidung")
    assert activity.aid_grant.exceeds_ceiling and activity.aid_grant.override_reason == "Einzelfallentscheidung"


def test_activity_without_value_grants_nothing(consultant, case):
    assert coaching(consultant, case, deminimis_value="").aid_grant is None
    assert not AidGrant.objects.exists()


# --- attachments: checks -----------------------------------------------------------------------


def test_pdf_is_stored_outside_the_web_root_under_a_random_name(consultant, case):
    activity = coaching(consultant, case, attachments=[pdf("../../etc/Protokoll März.pdf")])
    attachment = activity.attachments.get()
    assert attachment.original_name == "Protokoll März.pdf" and attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF_BYTES) and len(attachment.sha256) == 64
    path = Path(attachment.file.path)
    assert path.read_bytes() == PDF_BYTES
    assert path.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT))
    assert not path.is_relative_to(Path(settings.STATIC_ROOT)) and "Protokoll" not in path.name
    with pytest.raises(ValueError):
        attachment.file.url


def test_office_formats_are_recognised(consultant, case):
    docx = office_zip("angebot.docx", {"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"})
    ods = office_zip("daten.ods", {"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"})
    xls = SimpleUploadedFile("alt.xls", bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 100)
    activity = coaching(consultant, case, attachments=[docx, ods, xls])
    assert sorted(activity.attachments.values_list("content_type", flat=True)) == sorted([
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.ms-excel",
    ])


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("tool.exe", b"MZ\x90\x00"), "file_type"),
        (SimpleUploadedFile("seite.html", b"<script>alert(1)</script>"), "file_type"),
        (SimpleUploadedFile("rechnung.pdf", b"MZ\x90\x00 not a pdf"), "file_content"),
        (SimpleUploadedFile("bericht.docx", b"%PDF-1.4 pretending"), "file_content"),
        (office_zip("falsch.odt", {"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}), "file_content"),
        (SimpleUploadedFile("leer.pdf", b""), "empty"),
        (SimpleUploadedFile("ohne-endung", PDF_BYTES), "file_type"),
    ],
)
def test_bad_files_are_refused_and_nothing_recorded(consultant, case, upload, code):
    with pytest.raises(ServiceError) as exc:
        coaching(consultant, case, attachments=[pdf(), upload])
    assert exc.value.code == code and exc.value.field == "attachments"
    assert not Activity.objects.exists() and not ActivityAttachment.objects.exists()
    assert not any(Path(settings.PRIVATE_MEDIA_ROOT).rglob("*.*")) and not [
        p for p in Path(settings.PRIVATE_MEDIA_ROOT).rglob("*") if p.is_file()
    ]


def test_size_limit(consultant, case, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(ServiceError) as exc:
        coaching(consultant, case, attachments=[pdf(data=PDF_BYTES + b"x" * 100)])
    assert exc.value.code == "too_large"


def test_at_most_five_files_at_once(consultant, case):
    with pytest.raises(ServiceError) as exc:
        coaching(consultant, case, attachments=[pdf(f"{i}.pdf") for i in range(6)])
    assert exc.value.field == "attachments"


def test_delete_removes_the_file_after_commit(consultant, case, django_capture_on_commit_callbacks):
    attachment = coaching(consultant, case, attachments=[pdf()]).attachments.get()
    path = Path(attachment.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_delete(actor=consultant, attachment=attachment)
    assert not path.exists() and not ActivityAttachment.objects.exists()
    assert AuditLogEntry.objects.filter(object_type="journey.activityattachment", action="delete").exists()


# --- views -------------------------------------------------------------------------------------


def test_activity_form_uploads_and_grants(client, consultant, case):
    client.force_login(consultant)
    response = client.post(
        reverse("backoffice:activity_create", args=[case.pk]),
        {
            "kind": "coaching", "coaching-module": "coach", "coaching-occurred_on": TODAY.isoformat(),
            "coaching-hours": "3,5", "coaching-coach_kind": "external", "coaching-coach_name": "Dr. Muster",
            "coaching-topic": "Abwärme", "coaching-deminimis_value": "800", "coaching-attachments": [pdf(), pdf("b.pdf")],
        },
    )  # fmt: skip
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert activity.aid_grant.value_eur == Decimal("800") and activity.attachments.count() == 2
    page = client.get(reverse("backoffice:case_detail", args=[case.pk]))
    html = page.content.decode()
    assert activity.aid_grant.certificate_number in html
    assert reverse("backoffice:deminimis_certificate", args=[activity.aid_grant.pk]) in html
    for attachment in activity.attachments.all():
        assert reverse("backoffice:attachment_download", args=[attachment.pk]) in html


def test_activity_form_reports_bad_file_in_german(client, consultant, case):
    client.force_login(consultant)
    with translation.override("de"):
        response = client.post(
            reverse("backoffice:activity_create", args=[case.pk]),
            {
                "kind": "phone", "phone-module": "inform", "phone-occurred_on": TODAY.isoformat(), "phone-summary": "Anruf",
                "phone-attachments": [SimpleUploadedFile("x.exe", b"MZ")],
            },
            HTTP_ACCEPT_LANGUAGE="de",
        )  # fmt: skip
        expected = gettext("“%(name)s” cannot be attached: only PDF and Office files (Word, Excel, PowerPoint, OpenDocument) are allowed.")
    assert response.status_code == 400 and not Activity.objects.exists()
    assert expected % {"name": "x.exe"} in response.content.decode()


def test_override_reason_field_only_for_the_coordination(client, consultant, coordinator, case):
    client.force_login(consultant)
    assert "coaching-override_reason" not in client.get(reverse("backoffice:case_detail", args=[case.pk])).content.decode()
    client.force_login(coordinator)
    assert "coaching-override_reason" in client.get(reverse("backoffice:case_detail", args=[case.pk])).content.decode()


@pytest.fixture
def attachment(consultant, case):
    return coaching(consultant, case, attachments=[pdf("Protokoll.pdf")]).attachments.get()


def test_download_for_the_owning_agency(client, consultant, readonly, coordinator, attachment):
    for user in (consultant, readonly, coordinator):
        client.force_login(user)
        response = client.get(reverse("backoffice:attachment_download", args=[attachment.pk]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF_BYTES
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;") and "Protokoll.pdf" in response["Content-Disposition"]
        assert "sandbox" in response["Content-Security-Policy"] and response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("shared", [False, True])
def test_other_agency_never_gets_attachments(client, other_consultant, attachment, company, shared):
    company.network_sharing = shared
    company.save(update_fields=["network_sharing"])
    client.force_login(other_consultant)
    assert client.get(reverse("backoffice:attachment_download", args=[attachment.pk])).status_code == 404
    assert client.post(reverse("backoffice:attachment_delete", args=[attachment.pk])).status_code == 404
    expected = 403 if shared else 404  # a shared company's case is readable, never changeable
    response = client.post(reverse("backoffice:attachment_add", args=[attachment.activity_id]), {"files-attachments": pdf()})
    assert response.status_code == expected


def test_company_user_and_anonymous_get_no_attachment(client, company_user, attachment):
    url = reverse("backoffice:attachment_download", args=[attachment.pk])
    assert client.get(url).status_code == 302  # to the login
    client.force_login(company_user)
    assert client.get(url).status_code in (403, 404)


def test_readonly_may_not_add_or_delete(client, readonly, attachment):
    client.force_login(readonly)
    assert client.post(reverse("backoffice:attachment_delete", args=[attachment.pk])).status_code == 403
    response = client.post(reverse("backoffice:attachment_add", args=[attachment.activity_id]), {"files-attachments": pdf()})
    assert response.status_code == 403
    assert ActivityAttachment.objects.count() == 1


def test_add_and_delete_through_the_case_page(client, consultant, attachment, django_capture_on_commit_callbacks):
    client.force_login(consultant)
    response = client.post(reverse("backoffice:attachment_add", args=[attachment.activity_id]), {"files-attachments": pdf("neu.pdf")})
    assert response.status_code == 302
    assert set(ActivityAttachment.objects.values_list("original_name", flat=True)) == {"Protokoll.pdf", "neu.pdf"}
    bad = client.post(
        reverse("backoffice:attachment_add", args=[attachment.activity_id]), {"files-attachments": SimpleUploadedFile("a.pdf", b"no")}
    )
    assert bad.status_code == 400 and ActivityAttachment.objects.count() == 2
    empty = client.post(reverse("backoffice:attachment_add", args=[attachment.activity_id]), {})
    assert empty.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("backoffice:attachment_delete", args=[attachment.pk])).status_code == 302
    assert not Path(attachment.file.path).exists()


def test_missing_file_answers_410(client, consultant, attachment):
    Path(attachment.file.path).unlink()
    client.force_login(consultant)
    assert client.get(reverse("backoffice:attachment_download", args=[attachment.pk])).status_code == 410


def test_download_needs_get(client, consultant, attachment):
    client.force_login(consultant)
    assert client.post(reverse("backoffice:attachment_download", args=[attachment.pk])).status_code == 405


def test_dates_in_the_future_still_refused_with_a_value(consultant, case):
    with pytest.raises(ServiceError) as exc:
        coaching(consultant, case, occurred_on=TODAY + dt.timedelta(days=1), deminimis_value="100")
    assert exc.value.field == "occurred_on" and not AidGrant.objects.exists()
