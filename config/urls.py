from django.contrib import admin
from django.urls import include, path

from kgp.api.api import api
from kgp.web import views as web_views

urlpatterns = [
    path("health/", web_views.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("backoffice/", include("kgp.backoffice.urls")),
    path("admin/", admin.site.urls),
    path("", include("kgp.web.urls")),
]
