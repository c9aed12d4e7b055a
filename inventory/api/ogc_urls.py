from django.urls import path

from inventory.api import ogc

app_name = "ogc"

urlpatterns = [
    path("", ogc.LandingPage.as_view(), name="landing"),
    path("conformance", ogc.Conformance.as_view(), name="conformance"),
    path("collections", ogc.Collections.as_view(), name="collections"),
    path("collections/<str:key>", ogc.Collections.as_view(), name="collection"),
    path("collections/<str:key>/items", ogc.Items.as_view(), name="items"),
    path("collections/<str:key>/items/<str:fid>", ogc.Items.as_view(), name="item"),
]
