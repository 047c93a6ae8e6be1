from django.contrib import admin

from .models import Company, Contact, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["key", "name_de", "name_en"]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "responsible_partner", "size_class", "is_active"]
    search_fields = ["name", "register_number"]
    list_select_related = ["responsible_partner"]
    readonly_fields = ["size_class", "size_class_provisional", "network_sharing", "newsletter"]
    raw_id_fields = ["merged_into", "created_by"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "company"]
    raw_id_fields = ["company"]
