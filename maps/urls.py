from django.urls import path

from maps import views

app_name = "maps"

urlpatterns = [
    path("siting/", views.siting_list, name="siting_list"),
    path("siting/new/", views.siting_create, name="siting_create"),
    path("siting/criteria/", views.criteria_edit, name="criteria_edit"),
    path("siting/<int:pk>/", views.siting_detail, name="siting_detail"),
    path("siting/<int:pk>/rerun/", views.siting_rerun, name="siting_rerun"),
    path("siting/<int:pk>/choose/", views.siting_choose, name="siting_choose"),
    path("siting/<int:pk>/report/", views.siting_report, name="siting_report"),
    path("siting/<int:pk>/report.pdf", views.siting_report, {"pdf": True}, name="siting_report_pdf"),
    path("layers/", views.layer_list, name="layer_list"),
    path("layers/<int:pk>.geojson", views.layer_geojson, name="layer_geojson"),
]
