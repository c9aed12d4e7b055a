"""Top-level URLs: wiring only."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from inventory.admin import administrators_only
from inventory.admin_text import vietnamese_app_list
from inventory.api.ogc.views import LandingPage as OgcLandingPage

admin.site.site_header = _("Public premises and assets of Nghệ An")
admin.site.site_title = _("Asset inventory")
admin.site.index_title = _("Administration")
admin.site.has_permission = administrators_only
admin.site.get_app_list = vietnamese_app_list(admin.site.get_app_list)

urlpatterns = [
    # Browsers ask for /favicon.ico whatever the page says (the admin's pages say nothing).
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.svg"), permanent=True), name="favicon"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("maps/", include("maps.urls")),
    path("api/v1/maps/", include("maps.api_urls")),
    path("api/v1/", include("inventory.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    # /ogc answers itself: GIS clients are given the URL without the slash, and QGIS 3.22
    # crashed on the redirect APPEND_SLASH used to answer.
    path("ogc", OgcLandingPage.as_view(), name="ogc-landing"),
    path("ogc/", include("inventory.api.ogc_urls")),
    path("cong-khai/", include("inventory.public_urls")),
    path("", include("inventory.urls")),
]
# No /media/: uploaded files are served only by the scoped views of inventory.views.files.
