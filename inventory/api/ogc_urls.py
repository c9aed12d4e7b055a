from django.urls import path

from inventory.api.ogc import views

app_name = "ogc"

urlpatterns = [
    path("", views.LandingPage.as_view(), name="landing"),
    path("conformance", views.Conformance.as_view(), name="conformance"),
    path("api", views.ApiDefinition.as_view(), name="api"),
    path("collections", views.Collections.as_view(), name="collections"),
    path("collections/<str:key>", views.Collections.as_view(), name="collection"),
    path("collections/<str:key>/queryables", views.Queryables.as_view(), name="queryables"),
    path("collections/<str:key>/items", views.Items.as_view(), name="items"),
    path("collections/<str:key>/items/<str:fid>", views.Item.as_view(), name="item"),
]
