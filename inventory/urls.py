from django.urls import path

from inventory.choices import ItemTarget
from inventory.views import declarations as d
from inventory.views import home

app_name = "inventory"

urlpatterns = [
    path("", home.home, name="home"),
    path("declarations/", d.declaration_list, name="declaration_list"),
    path("declarations/review/", d.review_queue, name="review_queue"),
    path("declarations/<int:pk>/", d.declaration_detail, name="declaration_detail"),
    path("declarations/<int:pk>/submit/", d.declaration_submit, name="declaration_submit"),
    path("declarations/<int:pk>/review/", d.declaration_review, name="declaration_review"),
    path("declarations/items/<int:pk>/edit/", d.item_edit, name="item_edit"),
    path("declarations/items/<int:pk>/withdraw/", d.item_withdraw, name="item_withdraw"),
    path("declarations/items/<int:pk>/review/", d.item_review, name="item_review"),
    path("declarations/premises/<int:pk>/", d.premises_detail, name="premises_detail"),
    path("declarations/premises/<int:pk>/attachments/", d.attachment_upload, name="attachment_upload"),
    path("declarations/excel/template/", d.excel_template, name="excel_template"),
    path("declarations/excel/upload/", d.excel_upload, name="excel_upload"),
    path("declarations/excel/rejected/<str:token>/", d.excel_rejected, name="excel_rejected"),
    path("declarations/export/<str:form_code>.xlsx", d.export_form, name="export_form"),
    path("notifications/", d.notifications, name="notifications"),
]

for target in ItemTarget.values:
    urlpatterns += [
        path(f"declarations/{target}/", d.record_list, {"target": target}, name=f"{target}_list"),
        path(f"declarations/{target}/new/", d.record_create, {"target": target}, name=f"{target}_create"),
        path(f"declarations/{target}/<int:pk>/edit/", d.record_edit, {"target": target}, name=f"{target}_edit"),
    ]
