"""Forms of the declaration pages. Every form ends in the same payload that Excel rows
produce, checked by `inventory.services.payload` — one set of rules for both."""

from decimal import Decimal

from django import forms
from django.contrib.gis import forms as gis_forms
from django.core.exceptions import ValidationError
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from inventory.choices import ItemAction, ItemTarget
from inventory.models import Agency, AssetClass, DeclarationItem, Premises, PriorityUse, SitePlan
from inventory.services import declarations as services
from inventory.services import payload as P
from inventory.services.attachments import PDF_MAGIC, upload_limit
from inventory.srs import VN2000_CHOICES, VN2000_TM3_NGHE_AN, to_srs, vn2000_point
from inventory.versioning import parse_version
from inventory.widgets import MapWidget

RELATED_FIELDS = {"agency", "asset_class", "premises", "priority_use"}
VN2000_FIELDS = ["vn2000_system", "vn2000_x", "vn2000_y"]


class LonLatGeometryField(gis_forms.GeometryField):
    """A geometry in longitude/latitude whose coordinates are checked
    (`payload.lonlat_geometry`) before it is used for anything else; the geometry type
    is the model field's (the admin) or the subclass's."""

    def __init__(self, **kwargs):
        kwargs.setdefault("srid", 4326)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return P.lonlat_geometry(value)


class LonLatPointField(LonLatGeometryField):
    geom_type = "POINT"


class DeclarationForm(forms.Form):
    """A record as its agency declares it: scalar fields from the model, related
    records chosen by code among those the user may declare for."""

    target: str = ""

    def __init__(self, *args, user, record=None, item: DeclarationItem | None = None, **kwargs):
        self.user, self.record, self.item = user, record, item
        if "initial" not in kwargs:
            source = item.payload if item is not None else (P.to_payload(record, self.target) if record else {})
            kwargs["initial"] = self.initial_from_payload(source)
        super().__init__(*args, **kwargs)
        names = [n for n in P.FIELDS[self.target] if n not in RELATED_FIELDS and n != "location"]
        model_fields = fields_for_model(P.MODELS[self.target], fields=names)
        for name in P.FIELDS[self.target]:
            if name in model_fields:
                self.fields[name] = model_fields[name]
            elif name in RELATED_FIELDS:
                self.fields[name] = self.related_field(name)
            elif name == "location":
                self.fields[name] = LonLatPointField(label=_("location"), widget=MapWidget())
        self.fields["code"].required = False
        self.fields["code"].help_text = _("Leave empty for a new record: a code is given.")
        if record is not None or (item is not None and item.action == ItemAction.UPDATE):
            self.fields["code"].disabled = True
        self.order_fields(self.field_order_for_target())
        self.payload: dict | None = None
        # The version of the record this form shows; a change saved onto another is refused.
        self.opened_version = parse_version(self.data.get("version")) if self.is_bound else None
        if self.opened_version is None and record is not None:
            self.opened_version = record.version
        # ... and of the declared change it shows (0: none yet), which others may also edit.
        self.opened_item_version = parse_version(self.data.get("item_version")) if self.is_bound else None
        if self.opened_item_version is None and not self.is_bound:
            self.opened_item_version = item.version if item is not None else 0

    def field_order_for_target(self) -> list[str]:
        order = []
        for name in P.FIELDS[self.target]:
            order.append(name)
            if name == "location":
                order += ["latitude", "longitude", *VN2000_FIELDS, "confirm_location"]
        return order

    def initial_from_payload(self, payload: dict) -> dict:
        return {k: v for k, v in payload.items() if v is not None}

    def related_field(self, name):
        agencies = services.declarable_agencies(self.user)
        if name == "agency":
            return forms.ChoiceField(label=_("agency"), choices=[(a.code, a.name) for a in agencies])
        if name == "asset_class":
            return forms.ModelChoiceField(
                AssetClass.objects.filter(is_active=True),
                to_field_name="code",
                label=_("asset class"),
                required=self.target == ItemTarget.ASSET,
            )
        if name == "priority_use":
            return forms.ModelChoiceField(
                PriorityUse.objects.filter(is_active=True),
                to_field_name="code",
                label=_("priority use"),
                required=False,
            )
        if name == "premises":
            live = [
                (p.code, f"{p.code} – {p.name}") for p in Premises.objects.visible_to(self.user).only("code", "name")
            ]
            pending = [
                # One string for gettext (an f-string hides its words from makemessages).
                (i.code, _("%(code)s – %(name)s (declared)") % {"code": i.code, "name": i.payload.get("name", "")})
                for i in DeclarationItem.objects.visible_to(self.user).filter(
                    target=ItemTarget.PREMISES,
                    action=ItemAction.CREATE,
                    premises__isnull=True,
                    declaration__status__in=("draft", "returned", "submitted"),
                )
            ]
            return forms.ChoiceField(label=_("premises"), choices=[("", "—"), *live, *pending], required=False)
        raise KeyError(name)

    def to_payload(self) -> dict:
        data = {}
        for name in P.FIELDS[self.target]:
            value = self.cleaned_data.get(name)
            data[name] = P.serialize(value) if value not in ("",) else ""
        return data

    def clean(self):
        cleaned = super().clean()
        # Every error in one round: the fields that failed above are left out and the
        # record's rules still run on the others (each field keeps its first error).
        failed = set(self.errors)
        payload = {name: value for name, value in self.to_payload().items() if name not in failed}
        if self.record is not None:
            payload["code"] = self.record.code
        elif self.item is not None:
            payload["code"] = self.item.code
        elif not payload.get("code") and payload.get("agency"):
            agency = P.Lookups.for_user(self.user).get("agency", payload["agency"])
            payload["code"] = services.new_code(self.target, agency)
        lookups = P.Lookups.for_user(
            self.user,
            pending_premises=dict(
                DeclarationItem.objects.visible_to(self.user)
                .filter(target=ItemTarget.PREMISES, action=ItemAction.CREATE, premises__isnull=True)
                .values_list("code", "payload")
            ),
        )
        try:
            instance = P.build(self.target, payload, base=self.record, lookups=lookups)
        except ValidationError as exc:
            self._add_model_errors(exc, failed)
            return cleaned
        try:
            P.validate(instance, self.target)
        except ValidationError as exc:
            self._add_model_errors(exc, failed | ({"code"} if "agency" in failed else set()))
        self.check_instance(instance, cleaned)
        if not self.errors:
            self.payload = payload
        return cleaned

    def _add_model_errors(self, exc: ValidationError, failed=frozenset()) -> None:
        for name, messages in exc.message_dict.items():
            if name in failed:
                continue
            for message in messages:
                self.add_error(name if name in self.fields else None, message)

    def check_instance(self, instance, cleaned) -> None:
        """Checks that ask the user rather than refuse."""


class PremisesForm(DeclarationForm):
    target = ItemTarget.PREMISES
    latitude = forms.DecimalField(
        label=_("latitude"),
        required=False,
        max_digits=10,
        decimal_places=7,
        help_text=_("Or type the coordinates instead of placing the pin."),
    )
    longitude = forms.DecimalField(label=_("longitude"), required=False, max_digits=10, decimal_places=7)
    # VN-2000 as a surveyor reads it off a land certificate (giấy chứng nhận): X is the northing,
    # Y the easting, in metres, in the provincial zone or UTM 48N.
    vn2000_system = forms.TypedChoiceField(
        label=_("VN-2000 system"),
        choices=VN2000_CHOICES,
        coerce=int,
        initial=VN2000_TM3_NGHE_AN,
        required=False,
        help_text=_("Or type X and Y from the land certificate's plan, in the system it names."),
    )
    vn2000_x = forms.DecimalField(label=_("X (northing, m)"), required=False, max_digits=12, decimal_places=3)
    vn2000_y = forms.DecimalField(label=_("Y (easting, m)"), required=False, max_digits=12, decimal_places=3)
    confirm_location = forms.BooleanField(
        label=_("The location is right"),
        required=False,
        help_text=_("Tick to keep a location outside the commune or far from its centre."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].required = False
        unit = self.user.admin_unit
        if unit is not None:
            # Open the map on the user's own commune, close enough to place a building;
            # a point field: only the pin tool (no line or polygon tools).
            self.fields["location"].widget = MapWidget(
                attrs={
                    "geom_type": LonLatPointField.geom_type,
                    "settings_overrides": {"DEFAULT_CENTER": (unit.centroid.y, unit.centroid.x), "DEFAULT_ZOOM": 14},
                }
            )
        self.needs_confirmation = False
        self._show_current_vn2000()
        # Fields shown with the map, in this order (the form template's location box).
        names = ("latitude", "longitude", *VN2000_FIELDS, "confirm_location")
        self.location_group = [name for name in names if name in self.fields]
        # The building fields a building needs (payload.validate), marked on the form.
        when = _("required with a building: floor area or footprint given")
        self.required_when = {name: when for name in P.BUILDING_REQUIRED if name in self.fields}

    def clean(self):
        if self._clean_vn2000():
            return super().clean()
        lat, lon = self.data.get("latitude"), self.data.get("longitude")
        if lat and lon and "location" in self.fields:
            try:
                point = f"SRID=4326;POINT({Decimal(lon)} {Decimal(lat)})"
            except ArithmeticError:
                point = None
            if point:
                self.errors.pop("location", None)
                try:
                    self.cleaned_data["location"] = LonLatPointField().clean(point)
                except ValidationError as exc:
                    self.cleaned_data.pop("location", None)
                    self.add_error("location", exc)
        if not self.cleaned_data.get("location") and "location" not in self.errors:
            self.add_error("location", _("Place the premises on the map or type its coordinates."))
        return super().clean()

    def _clean_vn2000(self) -> bool:
        """The location from VN-2000 X/Y when both are typed (they win over the pin and
        latitude/longitude: they are what the certificate says); True when they were."""
        x, y = self.cleaned_data.get("vn2000_x"), self.cleaned_data.get("vn2000_y")
        if x is None and y is None:
            return "vn2000_x" in self.errors or "vn2000_y" in self.errors
        if x is None or y is None:
            self.add_error("vn2000_x" if x is None else "vn2000_y", _("Type both X and Y, or neither."))
            return True
        system = self.cleaned_data.get("vn2000_system") or VN2000_TM3_NGHE_AN
        self.errors.pop("location", None)
        try:
            self.cleaned_data["location"] = vn2000_point(system, x, y)
        except ValidationError as exc:
            self.cleaned_data.pop("location", None)
            if hasattr(exc, "error_dict"):
                for name, errors in exc.error_dict.items():
                    self.add_error(name, errors)
            else:
                self.add_error("vn2000_x", exc)
        return True

    def _show_current_vn2000(self) -> None:
        """The saved location's X/Y in the provincial zone, as a hint (not as values: typed
        X/Y win over the pin, so prefilled ones would undo a moved pin)."""
        location = self.initial.get("location")
        if not location:
            return
        try:
            point = P.lonlat_geometry(location)
        except ValidationError:
            return
        east, north = to_srs(VN2000_TM3_NGHE_AN, point.x, point.y)
        self.fields["vn2000_x"].help_text = _("Now: X = %(x)s m, Y = %(y)s m (TM-3 104°45′).") % {
            "x": f"{north:.2f}",
            "y": f"{east:.2f}",
        }

    def check_instance(self, instance, cleaned) -> None:
        if "location" in self.errors or "agency" in self.errors:
            return
        warning = P.location_warning(instance)
        if warning and not cleaned.get("confirm_location"):
            self.needs_confirmation = True
            self.add_error(
                "location",
                _("%(warning)s Check it, then tick “The location is right” to keep it.") % {"warning": warning},
            )


class AssetForm(DeclarationForm):
    target = ItemTarget.ASSET


class NeedForm(DeclarationForm):
    target = ItemTarget.NEED


FORMS = {ItemTarget.PREMISES: PremisesForm, ItemTarget.ASSET: AssetForm, ItemTarget.NEED: NeedForm}


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("return", _("Return for correction"))])
    comment = forms.CharField(label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("Say what must be corrected when returning."))
        return cleaned


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(label=_("Excel workbook (.xlsx)"))
    keep_valid_rows = forms.BooleanField(
        label=_("Keep the valid rows if some rows have errors"),
        required=False,
        help_text=_("The rejected rows are listed and can be downloaded."),
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Photo or document"))
    title = forms.CharField(label=_("title"), required=False, max_length=255)


class DateInput(forms.DateInput):
    input_type = "date"


class VersionedForm(forms.Form):
    """A form about a record that others may change meanwhile: it carries the version it
    was opened at."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


def pdf_upload(upload, not_pdf_message):
    """An uploaded PDF within the upload limit, or a ValidationError (translated)."""
    if upload:
        if upload.size > upload_limit():
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": upload_limit() // (1024 * 1024)}
            )
        head = upload.read(8)
        upload.seek(0)
        if not head.startswith(PDF_MAGIC):
            raise forms.ValidationError(not_pdf_message)
    return upload


class HandlingApproveForm(VersionedForm):
    """The decision on a handling proposal (số, ngày quyết định, người quyết định)."""

    decision_number = forms.CharField(label=_("decision number"), max_length=60)
    decision_date = forms.DateField(label=_("decision date"), widget=DateInput)
    decider = forms.CharField(
        label=_("decided by"), max_length=255, help_text=_("E.g. Chairman of the provincial People's Committee.")
    )
    decision_document = forms.FileField(label=_("decision document (PDF)"), required=False)

    def clean_decision_document(self):
        return checked_decision_pdf(self.cleaned_data.get("decision_document"))


def checked_decision_pdf(upload):
    """A signed decision upload: a PDF within the upload limit."""
    if upload:
        if upload.size > upload_limit():
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": upload_limit() // (1024 * 1024)}
            )
        head = upload.read(8)
        upload.seek(0)
        if not head.startswith(PDF_MAGIC):
            raise forms.ValidationError(_("The decision must be a PDF document."))
    return upload


class HandlingCarryOutForm(VersionedForm):
    """The hand-over (biên bản bàn giao, form 02/TSC-BBGN)."""

    handover_number = forms.CharField(label=_("hand-over record number"), max_length=60)
    handover_date = forms.DateField(label=_("hand-over date"), widget=DateInput)
    notes = forms.CharField(label=_("hand-over notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class HandlingCancelForm(VersionedForm):
    reason = forms.CharField(label=_("reason for cancelling"), widget=forms.Textarea(attrs={"rows": 2}))


class SitePlanForm(forms.ModelForm):
    """A site plan's draft (phương án sắp xếp lại, xử lý nhà, đất): the rules are checked
    by `inventory.services.plans.save_plan`, which every path calls."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    class Meta:
        model = SitePlan
        fields = [
            "managing_agency",
            "responsible_person",
            "responsible_title",
            "use",
            "priority_use",
            "borrower",
            "description",
            "start_date",
            "end_date",
        ]
        widgets = {"start_date": DateInput, "end_date": DateInput, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, premises=None, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = Agency.objects.active().order_by("name")
        self.fields["managing_agency"].queryset = agencies.visible_to(user) if user is not None else agencies
        self.fields["borrower"].queryset = agencies
        self.fields["priority_use"].queryset = PriorityUse.objects.filter(is_active=True)
        if premises is not None and not self.instance.pk:
            self.fields["managing_agency"].initial = premises.agency_id

    def _post_clean(self):
        """Model validation is the service's (one place for the rules)."""


class SitePlanApproveForm(VersionedForm):
    decision_ref = forms.CharField(
        label=_("approving decision"),
        max_length=120,
        help_text=_("Number and date of the decision or letter approving the plan."),
    )


# -- the handling procedure (requests, review, decision) ---------------------------------
class RequestForm(forms.Form):
    """A handling request (form 01/TSC-XLTS): the holding agency, its grounds, the
    superior's letter and the documents of the file."""

    agency = forms.ModelChoiceField(label=_("holding agency"), queryset=None)
    purpose = forms.CharField(label=_("grounds of the request"), widget=forms.Textarea(attrs={"rows": 2}))
    superior_letter = forms.CharField(label=_("superior agency's letter"), max_length=255, required=False)
    documents = forms.ModelMultipleChoiceField(
        label=_("documents of the file"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, agencies=None, **kwargs):
        from inventory.models import RequiredDocument

        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["documents"].queryset = RequiredDocument.objects.filter(is_active=True).select_related(
            "handling_form"
        )


class RequestLineForm(forms.Form):
    """One line of a request: a premises or asset by its code, all of it or a part."""

    code = forms.CharField(label=_("premises or asset code"), max_length=60)
    floor_area = forms.DecimalField(label=_("floor area handled (m²)"), required=False, min_value=Decimal("0.01"))
    quantity = forms.IntegerField(label=_("quantity handled"), required=False, min_value=1)
    form = forms.ModelChoiceField(label=_("form of handling"), queryset=None, to_field_name="code")
    reason = forms.ModelChoiceField(label=_("reason"), queryset=None, required=False, to_field_name="code")
    receiver = forms.CharField(label=_("receiving agency code"), max_length=40, required=False)
    intended_use = forms.CharField(label=_("intended use"), max_length=255, required=False)
    temporary_handover = forms.BooleanField(label=_("temporary hand-over before the decision"), required=False)

    def __init__(self, *args, **kwargs):
        from inventory.models import HandlingForm, HandlingReason

        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = HandlingForm.objects.filter(is_active=True)
        self.fields["reason"].queryset = HandlingReason.objects.filter(is_active=True)


RequestLineFormSet = forms.formset_factory(RequestLineForm, extra=4, max_num=50, validate_max=True)


class RequestReturnForm(VersionedForm):
    comment = forms.CharField(label=_("why it was returned"), widget=forms.Textarea(attrs={"rows": 2}))


class RequestResubmitForm(VersionedForm):
    documents = forms.ModelMultipleChoiceField(
        label=_("documents added"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        from inventory.models import RequiredDocument

        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = RequiredDocument.objects.filter(is_active=True)


class RequestReviewForm(VersionedForm):
    opinion = forms.CharField(label=_("Finance's opinion"), widget=forms.Textarea(attrs={"rows": 2}))
    draft_decision = forms.CharField(
        label=_("draft decision"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DecisionForm(VersionedForm):
    """The signed decision for a reviewed request."""

    number = forms.CharField(label=_("decision number"), max_length=60)
    date = forms.DateField(label=_("decision date"), widget=DateInput)
    signer = forms.CharField(label=_("signed by"), max_length=255)
    authority = forms.ModelChoiceField(label=_("authority"), queryset=None, to_field_name="code")
    seller = forms.CharField(label=_("who sells"), max_length=255, required=False)
    document = forms.FileField(label=_("decision document (PDF)"), required=False)

    def __init__(self, *args, **kwargs):
        from inventory.models import DecisionAuthority

        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = DecisionAuthority.objects.filter(is_active=True)
        self.fields["authority"].initial = self.fields["authority"].queryset.first()

    def clean_document(self):
        return checked_decision_pdf(self.cleaned_data.get("document"))


class InterestForm(forms.ModelForm):
    """A registration of interest in a published site (public, no login): bounded
    lengths, a use from Công điện 213's priority uses first, or one in the visitor's words."""

    class Meta:
        from inventory.models import InterestRegistration

        model = InterestRegistration
        fields = ["name", "organisation", "priority_use", "use_details", "contact", "message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 3, "maxlength": 2000})}

    def __init__(self, *args, **kwargs):
        from inventory.public import priority_uses_first

        super().__init__(*args, **kwargs)
        self.fields["priority_use"].queryset = priority_uses_first()
        self.fields["priority_use"].empty_label = _("Another use (say which below)")

    def clean(self):
        data = super().clean()
        if not data.get("priority_use") and not (data.get("use_details") or "").strip():
            self.add_error("use_details", _("Choose a use or say in your words what the site would be used for."))
        return data


class PublishForm(forms.Form):
    """Finance publishes a site: the public summary and the photos the public may see."""

    summary = forms.CharField(
        label=_("public summary"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = forms.ModelMultipleChoiceField(
        label=_("public photos"), required=False, queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, premises, *args, **kwargs):
        from inventory.choices import AttachmentKind

        super().__init__(*args, **kwargs)
        self.fields["photos"].queryset = premises.attachments.filter(kind=AttachmentKind.PHOTO)
