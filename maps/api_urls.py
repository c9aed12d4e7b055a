from django.urls import path

from maps import api

app_name = "maps_api"

urlpatterns = [
    path("road-distance/", api.RoadDistanceView.as_view(), name="road-distance"),
    path("access/", api.AccessReviewView.as_view(), name="access"),
]
