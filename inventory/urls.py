from django.urls import path

from inventory.choices import ItemTarget
from inventory.views import account, files, history, home, maplocale, offline, plans, reports
from inventory.views import declarations as d
from inventory.views import handling as h

app_name = "inventory"

urlpatterns = [
    path("", home.home, name="home"),
    path("map-locale.js", maplocale.map_locale_script, name="map_locale"),
    path("sw.js", offline.service_worker, name="service_worker"),
    path("declarations/", d.declaration_list, name="declaration_list"),
    path("declarations/outbox/", offline.outbox, name="outbox"),
    path("declarations/review/", d.review_queue, name="review_queue"),
    path("declarations/<int:pk>/", d.declaration_detail, name="declaration_detail"),
    path("declarations/<int:pk>/history/", history.record_history, {"kind": "declaration"}, name="declaration_history"),
    path("declarations/<int:pk>/submit/", d.declaration_submit, name="declaration_submit"),
    path("declarations/<int:pk>/review/", d.declaration_review, name="declaration_review"),
    path("declarations/items/<int:pk>/edit/", d.item_edit, name="item_edit"),
    path("declarations/items/<int:pk>/withdraw/", d.item_withdraw, name="item_withdraw"),
    path("declarations/items/<int:pk>/review/", d.item_review, name="item_review"),
    path("declarations/premises/<int:pk>/", d.premises_detail, name="premises_detail"),
    path("declarations/premises/<int:pk>/attachments/", d.attachment_upload, name="attachment_upload"),
    path("declarations/excel/template/", d.excel_template, name="excel_template"),
    path("declarations/excel/upload/", d.excel_upload, name="excel_upload"),
    path("declarations/excel/rejected/<str:token>/", files.rejected_workbook, name="excel_rejected"),
    path("files/attachments/<int:pk>/", files.attachment_file, name="attachment_file"),
    path("files/attachments/<int:pk>/thumbnail/", files.attachment_thumbnail, name="attachment_thumbnail"),
    path("handling/<int:pk>/decision/", files.decision_document, name="decision_document"),
    path("files/revaluations/<int:pk>/", files.revaluation_document, name="revaluation_document"),
    path("declarations/export/<str:form_code>.xlsx", d.export_form, name="export_form"),
    path("notifications/", d.notifications, name="notifications"),
    path("handling/", h.handling_list, name="handling_list"),
    path("handling/requests/", h.request_list, name="request_list"),
    path("handling/requests/new/", h.request_new, name="request_new"),
    path("handling/requests/<int:pk>/", h.request_detail, name="request_detail"),
    path("handling/requests/<int:pk>/return/", h.request_return, name="request_return"),
    path("handling/requests/<int:pk>/resubmit/", h.request_resubmit, name="request_resubmit"),
    path("handling/requests/<int:pk>/complete/", h.request_complete, name="request_complete"),
    path("handling/requests/<int:pk>/review/", h.request_review, name="request_review"),
    path("handling/requests/<int:pk>/decide/", h.request_decide, name="request_decide"),
    path("handling/requests/<int:pk>/01-TSC-XLTS.docx", h.request_docx, name="request_docx"),
    path("handling/requests/<int:pk>/decision.docx", h.decision_docx, name="decision_docx"),
    path("handling/<int:pk>/02-TSC-BBGN.docx", h.handover_record_docx, name="handover_record_docx"),
    path("handling/<int:pk>/", h.handling_detail, name="handling_detail"),
    path("handling/<int:pk>/history/", history.record_history, {"kind": "handling"}, name="handling_history"),
    path("handling/<int:pk>/approve/", h.handling_approve, name="handling_approve"),
    path("handling/<int:pk>/carry-out/", h.handling_carry_out, name="handling_carry_out"),
    path("handling/<int:pk>/close/", h.handling_close, name="handling_close"),
    path("handling/<int:pk>/cancel/", h.handling_cancel, name="handling_cancel"),
    path("handling/<int:pk>/01-TSC-XLTS.xlsx", h.handling_request_xlsx, name="handling_request_xlsx"),
    path("handling/<int:pk>/02-TSC-BBGN/", h.handover_record, name="handover_record"),
    path("handling/<int:pk>/02-TSC-BBGN.pdf", h.handover_record, {"pdf": True}, name="handover_record_pdf"),
    path("account/", account.account, name="account"),
    path("account/token/", account.token_create, name="token_create"),
    path("account/token/revoke/", account.token_revoke, name="token_revoke"),
    path("site-plans/", plans.siteplan_list, name="siteplan_list"),
    path("site-plans/new/", plans.siteplan_create, name="siteplan_create"),
    path("site-plans/<int:pk>/", plans.siteplan_edit, name="siteplan_edit"),
    path("site-plans/<int:pk>/approve/", plans.siteplan_approve, name="siteplan_approve"),
    path("reports/weekly/", plans.weekly_return, name="weekly_return"),
    path("reports/weekly.xlsx", plans.weekly_return_xlsx, name="weekly_return_xlsx"),
    path("reports/weekly/issue/", plans.weekly_return_issue, name="weekly_return_issue"),
    path("reports/", reports.report_index, name="report_index"),
    path("reports/<str:report>.<str:fmt>", reports.report_export, name="report_export"),
]

for target in ItemTarget.values:
    urlpatterns += [
        path(f"declarations/{target}/", d.record_list, {"target": target}, name=f"{target}_list"),
        path(f"declarations/{target}/new/", d.record_create, {"target": target}, name=f"{target}_create"),
        path(f"declarations/{target}/<int:pk>/edit/", d.record_edit, {"target": target}, name=f"{target}_edit"),
        path(
            f"declarations/{target}/<int:pk>/history/",
            history.record_history,
            {"kind": target},
            name=f"{target}_history",
        ),
    ]
