"""The entry grid's widgets and error lists, written in Python as Django's templates write them.

A grid has several hundred inputs (60 indicators, each with its "as loaded" hidden copies), and
rendering each through its widget template took most of the page's time. ``GridRenderer`` writes
the same HTML directly (tests/indicators/test_entry_render.py compares the two); any other
template, or a case not written here, still goes to Django's templates.
"""

from django.forms.renderers import DjangoTemplates

from ipops.html import escape

WIDGETS = "django/forms/widgets/"


def _attrs(attrs: dict) -> str:
    """A widget's attributes as Django's attrs.html writes them (True: the name alone)."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items() if value is not False
    )


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{escape(widget["value"])}"'
    return f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"{value}' \
           f'{_attrs(widget["attrs"])}>'


def _file_input(widget: dict) -> str | None:
    if widget["is_initial"]:  # "currently: …" with a clear box: left to the template
        return None
    return f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"' \
           f'{_attrs(widget["attrs"])}>'


def _textarea(widget: dict) -> str:
    value = escape(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>\n' \
           f'{value}</textarea>'


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{escape(group_name)}">')
        for option in options:
            if option["template_name"] != WIDGETS + "select_option.html":
                return None
            parts.append(f'\n  <option value="{escape(option["value"])}"'
                         f'{_attrs(option["attrs"])}>{escape(option["label"])}</option>\n')
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _error_list(context: dict) -> str:
    errors = context["errors"]
    if not errors:
        return ""
    field_id = f' id="{escape(errors.field_id)}_error"' if errors.field_id else ""
    items = "".join(f"<li>{escape(error)}</li>" for error in errors)
    return f'<ul class="{escape(context["error_class"])}"{field_id}>{items}</ul>'


WIDGET_WRITERS = {
    WIDGETS + "text.html": _input, WIDGETS + "hidden.html": _input, WIDGETS + "url.html": _input,
    WIDGETS + "clearable_file_input.html": _file_input, WIDGETS + "textarea.html": _textarea,
    WIDGETS + "select.html": _select,
}
ERROR_LISTS = ("django/forms/errors/list/default.html", "django/forms/errors/list/ul.html")


class GridRenderer(DjangoTemplates):
    """Django's form renderer, but writing the widgets and error lists above itself."""

    def render(self, template_name, context, request=None):
        if template_name in ERROR_LISTS:
            return _error_list(context)
        write = WIDGET_WRITERS.get(template_name)
        written = write(context["widget"]) if write else None
        return super().render(template_name, context, request) if written is None else written


GRID_RENDERER = GridRenderer()
