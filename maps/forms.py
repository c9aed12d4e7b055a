"""Forms of the map pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from inventory.models import Premises
from inventory.srs import SRS_CHOICES
from maps.choices import LayerKind
from maps.models import SitingCriterion, SitingStudy


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
            "office_area",
            "seed",
            "random_sets",
        ]

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
    fields=["parameter", "weight", "is_active", "source"],
    extra=0,
    widgets={"source": forms.Textarea(attrs={"rows": 2, "cols": 50})},
)


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
