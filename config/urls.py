from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from kgp.api.api import api
from kgp.web import views as web_views

# The admin has no login of its own: it goes through allauth, so staff MFA applies there too.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("health/", web_views.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("backoffice/", include("kgp.backoffice.urls")),
    path("admin/", admin.site.urls),
    path("", include("kgp.web.urls")),
]
