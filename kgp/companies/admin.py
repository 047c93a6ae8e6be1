from django.contrib import admin

from .models import Company, Contact, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["key", "name_de", "name_en"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """CRM data changes only through the services (audit log, postcode mapping): the admin only shows it."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Company)
class CompanyAdmin(ReadOnlyAdmin):
    list_display = ["name", "city", "responsible_partner", "size_class", "is_active"]
    search_fields = ["name", "register_number"]
    list_select_related = ["responsible_partner"]
    readonly_fields = ["size_class", "size_class_provisional", "network_sharing", "newsletter"]
    raw_id_fields = ["merged_into", "created_by"]


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = ["last_name", "first_name", "company"]
    raw_id_fields = ["company"]
