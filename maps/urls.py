from django.urls import path

from maps.views import access, jobs, reallocation, review, siting

app_name = "maps"

urlpatterns = [
    path("", review.review_map, name="review_map"),
    path("data.geojson", review.map_data, name="map_data"),
    path("totals.json", review.map_totals, name="map_totals"),
    path("units/<str:level>.geojson", review.unit_layer, name="unit_layer"),
    path("access/", access.access_review, name="access"),
    path("access/access.xlsx", access.access_xlsx, name="access_xlsx"),
    path("reallocation/", reallocation.need_list, name="reallocation"),
    path("reallocation/<int:pk>/", reallocation.need_candidates, name="reallocation_need"),
    path("reallocation/<int:pk>/propose/", reallocation.propose, name="reallocation_propose"),
    path("siting/", siting.siting_list, name="siting_list"),
    path("siting/new/", siting.siting_create, name="siting_create"),
    path("siting/criteria/", siting.criteria_edit, name="criteria_edit"),
    path("siting/inspections/", siting.inspection_list, name="inspection_list"),
    path("siting/inspections/<int:pk>/report/", siting.inspection_document, name="inspection_document"),
    path("siting/<int:pk>/", siting.siting_detail, name="siting_detail"),
    path("siting/<int:pk>/rerun/", siting.siting_rerun, name="siting_rerun"),
    path("siting/<int:pk>/background/", jobs.siting_background, name="siting_background"),
    path("siting/<int:pk>/choose/", siting.siting_choose, name="siting_choose"),
    path("siting/<int:pk>/report/", siting.siting_report, name="siting_report"),
    path("siting/<int:pk>/report.pdf", siting.siting_report, {"pdf": True}, name="siting_report_pdf"),
    path("layers/", siting.layer_list, name="layer_list"),
    path("layers/<int:pk>.geojson", siting.layer_geojson, name="layer_geojson"),
]
