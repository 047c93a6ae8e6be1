"""The company CRM core: companies, their yearly figures, holdings, contacts, consents and notes."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SizeClass(models.TextChoices):
    MICRO = "micro", _("Micro enterprise")
    SMALL = "small", _("Small enterprise")
    MEDIUM = "medium", _("Medium-sized enterprise")
    LARGE = "large", _("Large enterprise (no SME)")
    UNKNOWN = "unknown", _("Unknown")


class LegalForm(models.TextChoices):
    GMBH = "gmbh", "GmbH"
    UG = "ug", "UG (haftungsbeschränkt)"
    GMBH_CO_KG = "gmbh_co_kg", "GmbH & Co. KG"
    KG = "kg", "KG"
    OHG = "ohg", "OHG"
    AG = "ag", "AG"
    EK = "ek", "e. K."
    GBR = "gbr", "GbR"
    EG = "eg", "eG"
    SOLE = "sole", _("Sole proprietorship")
    OTHER = "other", _("Other")


class Topic(models.Model):
    key = models.SlugField(max_length=40, unique=True)
    name_de = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)

    class Meta:
        ordering = ["name_de"]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "de").startswith("en") else self.name_de


WZ_CODE_VALIDATOR = RegexValidator(
    r"^[A-U]([0-9]{2}(\.[0-9]{1,2}(\.[0-9])?)?)?$",
    _("Enter a WZ 2008 / NACE code such as C25.62 or C28 (section letter, then division, group, class)."),
)
REGISTER_NUMBER_VALIDATOR = RegexValidator(
    r"^(HRA|HRB|GnR|PR|VR|GsR) ?[0-9]{1,6}( ?[A-Z]{1,2})?$",
    _("Enter a register number such as HRB 12345 (HRA, HRB, GnR, PR, VR or GsR, then the number)."),
)
POSTCODE_VALIDATOR = RegexValidator(r"^[0-9]{5}$", _("A German postcode has exactly five digits."))


class Company(models.Model):
    name = models.CharField(_("name"), max_length=200)
    legal_form = models.CharField(_("legal form"), max_length=20, choices=LegalForm.choices, blank=True)
    register_court = models.CharField(_("register court"), max_length=100, blank=True)
    register_number = models.CharField(
        _("register number"), max_length=20, blank=True, validators=[REGISTER_NUMBER_VALIDATOR]
    )
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, validators=[POSTCODE_VALIDATOR])
    city = models.CharField(_("city"), max_length=100)
    municipality = models.ForeignKey(
        "organisations.Municipality", verbose_name=_("municipality"), on_delete=models.PROTECT, null=True, blank=True
    )
    # None: outside the region, the network coordination decides.
    responsible_partner = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("responsible partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="companies",
    )
    sector_code = models.CharField(_("sector (WZ 2008)"), max_length=10, blank=True, validators=[WZ_CODE_VALIDATOR])
    website = models.URLField(_("website"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    topics = models.ManyToManyField(Topic, verbose_name=_("topics of interest"), blank=True, related_name="companies")

    is_autonomous = models.BooleanField(
        _("autonomous enterprise"),
        default=True,
        help_text=_("No holding of 25 % or more in either direction with another enterprise."),
    )
    public_control_25 = models.BooleanField(
        _("25 % or more controlled by public bodies"), default=False, help_text=_("Such an enterprise is not an SME.")
    )

    # Derived and kept by the services (never edited directly).
    size_class = models.CharField(_("size class"), max_length=10, choices=SizeClass.choices, default=SizeClass.UNKNOWN)
    size_class_provisional = models.BooleanField(_("provisional size class"), default=True)
    network_sharing = models.BooleanField(_("shared with the whole network"), default=False)
    newsletter = models.BooleanField(_("newsletter"), default=False)
    search_text = models.TextField(editable=False, default="")
    name_key = models.CharField(max_length=200, editable=False, default="", db_index=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    merged_into = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    is_active = models.BooleanField(default=True, db_index=True)

    AUDITED_FIELDS = (
        "name", "legal_form", "register_court", "register_number", "street", "postcode", "city",
        "municipality", "responsible_partner", "sector_code", "website", "email", "phone", "description",
        "is_autonomous", "public_control_25", "size_class", "size_class_provisional", "network_sharing", "newsletter",
    )  # fmt: skip

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        constraints = [
            models.UniqueConstraint(
                fields=["register_court", "register_number"],
                condition=~models.Q(register_number="") & models.Q(is_active=True),
                name="unique_register_entry",
                violation_error_message=_("A company with this register court and number exists already."),
            ),
        ]
        # Partial indexes on active companies: the list always filters on is_active, which SQLite
        # writes as a bare boolean that only a partial index with the same condition matches.
        indexes = [
            models.Index(fields=["name", "id"], condition=models.Q(is_active=True), name="company_active_name"),
            models.Index(
                fields=["responsible_partner", "name", "id"], condition=models.Q(is_active=True), name="company_active_partner"
            ),
            models.Index(
                fields=["network_sharing", "name", "id"], condition=models.Q(is_active=True), name="company_active_shared"
            ),
            models.Index(fields=["-created_at", "-id"], condition=models.Q(is_active=True), name="company_active_created"),
            models.Index(fields=["city", "name", "id"], condition=models.Q(is_active=True), name="company_active_city"),
            models.Index(fields=["size_class", "name", "id"], condition=models.Q(is_active=True), name="company_active_size"),
            models.Index(fields=["municipality", "name_key"], name="company_municipality_namekey"),
            models.Index(fields=["sector_code"], name="company_sector"),
        ]

    def __str__(self) -> str:
        return self.name


class YearlyFigures(models.Model):
    """The enterprise's own figures for one financial year (partner/linked figures are added from holdings)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="figures")
    year = models.PositiveSmallIntegerField(_("financial year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    staff_awu = models.DecimalField(
        _("staff (AWU)"), max_digits=9, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    turnover = models.DecimalField(
        _("annual turnover (EUR)"), max_digits=15, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )  # fmt: skip
    balance_sheet_total = models.DecimalField(
        _("balance sheet total (EUR)"), max_digits=15, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )  # fmt: skip

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["company", "year"], name="one_figures_per_year"),
            models.CheckConstraint(condition=models.Q(staff_awu__gte=0), name="staff_not_negative"),
            models.CheckConstraint(
                condition=models.Q(turnover__isnull=True) | models.Q(turnover__gte=0), name="turnover_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(balance_sheet_total__isnull=True) | models.Q(balance_sheet_total__gte=0),
                name="balance_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} {self.year}"


class Holding(models.Model):
    """A partner (25–50 %) or linked (> 50 %) enterprise with its figures for one year."""

    class Kind(models.TextChoices):
        PARTNER = "partner", _("Partner enterprise (25–50 %)")
        LINKED = "linked", _("Linked enterprise (over 50 % or dominant influence)")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="holdings")
    year = models.PositiveSmallIntegerField(_("financial year"))
    name = models.CharField(_("enterprise"), max_length=200)
    kind = models.CharField(_("relation"), max_length=10, choices=Kind.choices)
    share_percent = models.DecimalField(
        _("share (%)"), max_digits=5, decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )  # fmt: skip
    staff_awu = models.DecimalField(_("staff (AWU)"), max_digits=9, decimal_places=2, default=0)
    turnover = models.DecimalField(_("turnover (EUR)"), max_digits=15, decimal_places=2, null=True, blank=True)
    balance_sheet_total = models.DecimalField(
        _("balance sheet total (EUR)"), max_digits=15, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["-year", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.share_percent} %)"


class SizeClassPeriod(models.Model):
    """The size class that holds from a date on (reports use the class valid on the date of support)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="size_periods")
    size_class = models.CharField(max_length=10, choices=SizeClass.choices)
    provisional = models.BooleanField(default=False)
    valid_from = models.DateField()
    based_on_year = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["valid_from"]
        constraints = [models.UniqueConstraint(fields=["company", "valid_from"], name="one_class_per_start")]


class Contact(models.Model):
    class LegalBasis(models.TextChoices):
        LEGITIMATE_INTEREST = "legitimate_interest", _("Legitimate interest (Art. 6(1)(f) GDPR)")
        CONTRACT = "contract", _("Contract or pre-contractual steps (Art. 6(1)(b) GDPR)")
        CONSENT = "consent", _("Consent (Art. 6(1)(a) GDPR)")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="contacts")
    salutation = models.CharField(_("salutation"), max_length=20, blank=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    function = models.CharField(_("function"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    legal_basis = models.CharField(
        _("legal basis"), max_length=30, choices=LegalBasis.choices, default=LegalBasis.LEGITIMATE_INTEREST
    )
    purpose = models.CharField(
        _("purpose"), max_length=200, default="Betreuung des Unternehmens durch die Wirtschaftsförderung"
    )
    consent_contact = models.BooleanField(_("agrees to be contacted"), default=False)
    consent_contact_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDITED_FIELDS = (
        "salutation", "first_name", "last_name", "function", "email", "phone", "legal_basis", "purpose",
        "consent_contact",
    )  # fmt: skip

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [models.Index(fields=["company", "last_name"])]

    def __str__(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


class Consent(models.Model):
    """A consent given or withdrawn, with the exact text shown and when."""

    class Kind(models.TextChoices):
        NETWORK_SHARING = "network_sharing", _("Sharing with all partner agencies of the network")
        NEWSLETTER = "newsletter", _("Newsletter")
        CONTACT = "contact", _("Being contacted")
        REQUEST = "request", _("Processing of a request")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="consents")
    # The record of a consent outlives the contact: the person's name and e-mail stay with it.
    contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="consents")
    contact_label = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    granted = models.BooleanField()
    text = models.TextField()
    text_version = models.CharField(max_length=20)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    source = models.CharField(max_length=40, default="backoffice")

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["company", "kind", "-recorded_at"])]

    @property
    def source_label(self) -> str:
        """Where the consent was recorded, in words."""
        labels = {"backoffice": _("recorded by the agency"), "portal": _("given in the company portal"), "api": _("via the API"),
                  "public": _("given with a request on the public website")}
        if self.source.startswith("import"):
            return str(_("from an import"))
        return str(labels.get(self.source, self.source))


class Note(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField(_("note"), max_length=10000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["company", "-created_at"])]

    def __str__(self) -> str:
        return self.text[:60]


class CompanyMembership(models.Model):
    """A company user's link to a company; joining an existing company needs the partner's approval."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="memberships")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "company"], name="one_membership_per_company")]
        indexes = [models.Index(fields=["status", "company"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.company}"


class CompanyImport(models.Model):
    """An uploaded CSV/XLSX file of companies and contacts: validated into a preview, then imported
    all-or-nothing by a background task. The file is kept in the database so any app server or
    worker can read it."""

    class Status(models.TextChoices):
        VALIDATED = "validated", _("Checked, waiting for confirmation")
        INVALID = "invalid", _("Contains errors")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed, nothing was imported")

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.SET_NULL, null=True, related_name="+")
    file_name = models.CharField(max_length=255)
    content = models.BinaryField()
    encoding = models.CharField(max_length=20, blank=True)
    delimiter = models.CharField(max_length=2, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name
