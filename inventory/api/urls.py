from django.urls import path
from rest_framework.routers import DefaultRouter

from inventory.api import declare, plans, views

router = DefaultRouter()
router.register("admin-units", views.AdministrativeUnitViewSet, basename="admin-unit")
router.register("agencies", views.AgencyViewSet, basename="agency")
router.register("premises", views.PremisesViewSet, basename="premises")
router.register("assets", views.AssetViewSet, basename="asset")
router.register("declarations", views.DeclarationViewSet, basename="declaration")
router.register("needs", views.NeedViewSet, basename="need")
router.register("handling-records", views.HandlingRecordViewSet, basename="handling-record")
router.register("site-plans", plans.SitePlanViewSet, basename="site-plan")
router.register("handling-requests", views.HandlingRequestViewSet, basename="handling-request")
router.register("decisions", views.DecisionViewSet, basename="decision")
router.register("history", views.HistoryViewSet, basename="history")

app_name = "api"

urlpatterns = [
    path("declare/", declare.CsrfTokenView.as_view(), name="declare-token"),
    path("declare/<str:target>/", declare.DeclareView.as_view(), name="declare"),
    path("declare/<str:target>/<str:pk>/", declare.DeclareChangeView.as_view(), name="declare-change"),
    path("reports/weekly/", plans.WeeklyReturnView.as_view(), name="report-weekly"),
    path("reports/<str:name>/", views.ReportView.as_view(), name="report"),
    *router.urls,
]
