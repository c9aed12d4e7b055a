"""The public register (/cong-khai/), open without a login; Finance's actions beside it."""

from django.urls import path

from inventory.views import public

app_name = "public"

urlpatterns = [
    path("", public.register, name="register"),
    path("danh-sach.csv", public.register_csv, name="register_csv"),
    path("danh-sach.geojson", public.register_geojson, name="register_geojson"),
    path("quan-tam/", public.interests, name="interests"),
    path("cong-bo/<int:pk>/", public.publish, name="publish"),
    path("rut/<int:pk>/", public.withdraw, name="withdraw"),
    path("co-so/<str:code>/", public.site, name="site"),
    path("co-so/<str:code>/anh/<int:pk>/", public.photo, name="photo"),
    path("co-so/<str:code>/anh/<int:pk>/nho/", public.photo_thumbnail, name="photo_thumbnail"),
]
