"""Vietnamese for what the admin shows of other packages.

Names that a package gives without gettext (the sections "Axes" and "Pghistory", the model
"events") are renamed where the admin lists them (`vietnamese_app_list`, wired in
assets_project/urls.py). Strings a package does pass through gettext but ships no
Vietnamese for (Django REST framework's token, django-axes's login records, Django's own
newest admin strings) are listed here word for word so that `makemessages` keeps them in
our catalogue, where they are translated."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

# app label -> section name; (app label, model name) -> the model's name in the list.
SECTION_NAMES = {
    "axes": _("Logins"),
    "pghistory": _("History"),
    ("pghistory", "events"): _("Recent changes"),
}

THIRD_PARTY_MSGIDS = [
    # Django's admin (5.x), hidden column headings of the index
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    # rest_framework.authtoken
    gettext_noop("Auth Token"),
    gettext_noop("Token"),
    gettext_noop("Tokens"),
    gettext_noop("Key"),
    gettext_noop("User"),
    gettext_noop("Created"),
    # django-axes
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Access Attempt"),
    gettext_noop("Access lock out"),
    gettext_noop("Attempt Time"),
    gettext_noop("Expires At"),
    gettext_noop("Failed Logins"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("IP Address"),
    gettext_noop("Logout Time"),
    gettext_noop("Path"),
    gettext_noop("User Agent"),
    gettext_noop("Username"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Form Data"),
    gettext_noop("Locked Out"),
    gettext_noop("Meta Data"),
    gettext_noop("Not set"),
]


def vietnamese_app_list(get_app_list):
    """`AdminSite.get_app_list` with the SECTION_NAMES applied (index, side bar, app pages)."""

    def app_list(request, app_label=None):
        apps = get_app_list(request, app_label)
        for app in apps:
            app["name"] = str(SECTION_NAMES.get(app["app_label"], app["name"]))
            for model in app["models"]:
                key = (app["app_label"], model["object_name"].lower())
                model["name"] = str(SECTION_NAMES.get(key, model["name"]))
        return apps

    return app_list
