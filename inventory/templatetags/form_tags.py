"""How every form of the site is laid out: the error summary at its top (every error of
the form, each linking to its field) and the mark of a required field
(templates/includes/form_field.html, templates/includes/error_summary.html)."""

from django import template

register = template.Library()


@register.simple_tag
def form_errors(*forms):
    """Every error of the given forms (or formsets), in the order of their fields: a list of
    {"anchor", "label", "message"} (anchor "" for an error of the whole form)."""
    rows = []
    expanded = []
    for form in forms:
        if hasattr(form, "forms") and hasattr(form, "non_form_errors"):  # a formset
            if form.is_bound:
                rows.extend({"anchor": "", "label": "", "message": m} for m in form.non_form_errors())
            expanded.extend(form.forms)
        else:
            expanded.append(form)
    for form in expanded:
        if hasattr(form, "is_bound") and form.is_bound:
            rows.extend(_errors_of(form))
    return rows


def _errors_of(form) -> list[dict]:
    """A bound form's errors: the whole form's, each shown field's, then those on no shown field."""
    prefix = f"{form.prefix}-" if form.prefix else ""
    rows = [{"anchor": "", "label": "", "message": message} for message in form.non_field_errors()]
    for field in form:
        rows.extend(
            {"anchor": f"field-{prefix}{field.name}", "label": field.label, "message": message}
            for message in field.errors
        )
    for name in form.errors:
        if name != "__all__" and name not in form.fields:  # an error on no shown field
            rows.extend({"anchor": "", "label": name, "message": message} for message in form.errors[name])
    return rows


@register.filter
def required_when(form, name):
    """The condition under which the field `name` of `form` is required, if the form
    declares one (`form.required_when`), else ""."""
    return getattr(form, "required_when", {}).get(name, "")
