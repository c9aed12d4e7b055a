"""Forms of the map pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from inventory.forms import pdf_upload
from inventory.models import House, Premises
from inventory.srs import SRS_CHOICES
from maps.choices import LayerKind
from maps.models import ArchiveRecordSource, SitingCriterion, SitingStudy, StructuralInspection


class SitingStudyForm(forms.ModelForm):
    """The need and the candidates of a study: surplus and partly surplus premises, plus
    any premises named by code."""

    extra_candidates = forms.CharField(
        label=_("Other candidates (premises codes)"),
        required=False,
        help_text=_(
            "Surplus and partly surplus premises are candidates already; add others by code, separated by commas."
        ),
    )

    class Meta:
        model = SitingStudy
        fields = [
            "name",
            "shelf_metres",
            "growth_metres_per_year",
            "growth_years",
            "shelving",
            "processing_area",
            "reading_area",
            "technical_area",
            "office_area",
            "seed",
            "random_sets",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        shelf = self.fields["shelf_metres"]
        shelf.required = False
        shelf.help_text = _(
            "Leave empty to use the sum of the record sources (the former districts and their merged communes)."
        )

    def clean_random_sets(self):
        value = self.cleaned_data["random_sets"]
        if not 1 <= value <= 2000:
            raise forms.ValidationError(_("Between 1 and 2,000 random weight sets."))
        return value

    def clean_extra_candidates(self) -> list[Premises]:
        """The premises named by code, all of them known."""
        codes = [c.strip() for c in self.cleaned_data.get("extra_candidates", "").split(",") if c.strip()]
        found = list(Premises.objects.filter(code__in=codes))
        unknown = sorted(set(codes) - {p.code for p in found})
        if unknown:
            raise forms.ValidationError(_("Unknown premises codes: %(codes)s") % {"codes": ", ".join(unknown)})
        return found


CriterionFormSet = forms.modelformset_factory(
    SitingCriterion,
    fields=["parameter", "weight", "is_active", "source", "legal_basis", "effective_from", "verify"],
    extra=0,
    widgets={
        "source": forms.Textarea(attrs={"rows": 2, "cols": 40}),
        "legal_basis": forms.Textarea(attrs={"rows": 2, "cols": 30}),
        "effective_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    },
)

RecordSourceFormSet = forms.modelformset_factory(
    ArchiveRecordSource,
    fields=["units", "metres_per_unit", "basis", "verify", "is_active"],
    extra=0,
    widgets={"basis": forms.Textarea(attrs={"rows": 2, "cols": 40})},
)


class StructuralInspectionForm(forms.ModelForm):
    """A structural inspection of a building: the premises by code (one the user may
    see), the house if the site has several, the floor load found and the report."""

    premises_code = forms.CharField(label=_("premises code"), max_length=40)

    class Meta:
        model = StructuralInspection
        fields = ["house", "floor_load", "inspected_on", "inspector", "reference", "document", "notes"]
        widgets = {"inspected_on": forms.DateInput(attrs={"type": "date"}), "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.visible = Premises.objects.visible_to(user)
        self.fields["house"].queryset = House.objects.filter(premises__in=self.visible)
        self.fields["house"].required = False

    def clean_premises_code(self):
        code = self.cleaned_data["premises_code"].strip()
        premises = self.visible.filter(code=code).first()
        if premises is None:
            raise forms.ValidationError(_("Unknown premises code: %(code)s") % {"code": code})
        return premises

    def clean_inspected_on(self):
        from django.utils import timezone

        value = self.cleaned_data["inspected_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The inspection date cannot be in the future."))
        return value

    def clean_document(self):
        return pdf_upload(self.cleaned_data.get("document"), _("The inspection report must be a PDF."))

    def clean(self):
        data = super().clean()
        premises, house = data.get("premises_code"), data.get("house")
        if premises is not None and house is not None and house.premises_id != premises.pk:
            self.add_error("house", _("This house is not on that premises."))
        if premises is not None:
            self.instance.premises = premises
        return data


class LayerUploadForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=LayerKind.choices)
    file = forms.FileField(label=_("GeoJSON file, or a zipped Shapefile"))
    srs = forms.TypedChoiceField(
        label=_("coordinate system"),
        choices=[("", _("as the file says")), *SRS_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Only for a file that does not say (a Shapefile without .prj, a GeoJSON in VN-2000 metres)."),
    )
