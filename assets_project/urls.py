"""Top-level URLs: wiring only."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from inventory.admin import administrators_only

admin.site.site_header = _("Public premises and assets of Nghệ An")
admin.site.site_title = _("Asset inventory")
admin.site.index_title = _("Administration")
admin.site.has_permission = administrators_only

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("maps/", include("maps.urls")),
    path("api/v1/", include("inventory.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("ogc/", include("inventory.api.ogc_urls")),
    path("", include("inventory.urls")),
]
# No /media/: uploaded files are served only by the scoped views of inventory.views.files.
