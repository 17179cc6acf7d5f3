"""The picker widget and its form field: type a name, choose among the matches, post the key.

The widget renders a search box, a hidden input holding the chosen row's primary key (the name
the form reads) and an empty list the script fills — spans, not a ``ul``: the form's fields sit
in paragraphs, which a list would close (``static/pingji/picker.js``, a file: the
Content-Security-Policy allows no inline script). Without the script the box stays a plain text
input and the hidden key is what was chosen before, so nothing is posted that was not checked.

The field is a ``ModelChoiceField`` whose rows are set through ``core.forms.set_choices`` like any
other choice: the submitted key is looked up in the picker's rows for this user, so a key from
outside the user's area is refused with the field's "no such …" message, never a server error.
``PickerMultipleField`` chooses several rows the same way: each chosen row stays on the form as a
ticked box (untick to drop it), and the script adds one box per row chosen in the search. Its
key check stands alone as ``KeyedMultipleChoiceField``, for boxes a page renders in its own table.

A form binds its picker with ``params`` (``within`` the focus, a ``kind`` or ``level``): the search
box asks with them and the field accepts exactly the rows they give (``core.pickers.narrow``).
"""

from typing import cast
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import pickers
from .forms import set_choices

SCRIPT = "pingji/picker.js"
STYLE = "pingji/picker.css"
#: The longest primary key a picker posts; a longer one is refused before the database sees it
#: (SQLite cannot even compare an integer past 2**63).
MAX_KEY_DIGITS = 18


def is_key(text: str) -> bool:
    """Whether ``text`` can be a picker's key: ASCII digits (``isdigit`` alone takes "²" and
    full-width digits), no longer than ``MAX_KEY_DIGITS``."""
    return text.isascii() and text.isdigit() and len(text) <= MAX_KEY_DIGITS


class PickerInput(forms.Widget):
    """A type-ahead search box over one picker (``core.pickers``) and the hidden chosen key.

    ``follows`` names another field of the form whose value narrows the search (a room picker
    follows the site chosen beside it); ``field.bind`` sets the user and rows to label with.
    """

    def __init__(self, source: str, *, follows: str = "", attrs=None):
        super().__init__(attrs)
        self.source = source
        self.follows = follows
        self.user = None
        self.rows: QuerySet | None = None
        #: The narrowing the search asks with (``field.bind``), as the field validates with it.
        self.params: dict[str, str] = {}
        #: Rows worth offering before anything is typed (the likely duplicates of a record).
        self.suggestions: QuerySet | None = None
        self.suggestions_caption = ""

    def format_value(self, value):
        return "" if value in (None, "") else str(value)

    def url(self) -> str:
        """The endpoint with this form's narrowing; the script adds what was typed."""
        base = reverse("picker-lookup", kwargs={"source": self.source})
        return f"{base}?{urlencode(self.params)}" if self.params else base

    def labelled(self, keys: list[str]) -> list[tuple[str, str]]:
        """(key, label) of the rows among ``keys`` the user may choose, in the order given; a key
        that is no short run of digits or names no such row is left out (a form shown again)."""
        picker = pickers.source(self.source)
        keys = [k for k in keys if is_key(k)]
        if not keys or picker is None or self.rows is None:
            return []
        found = {str(obj.pk): obj for obj in self.rows.filter(pk__in=keys)}
        objs = [found[k] for k in dict.fromkeys(keys) if k in found]
        labels = picker.labels(self.user, objs) if objs else []
        return [(str(obj.pk), label) for obj, label in zip(objs, labels, strict=True)]

    def chosen_label(self, value) -> str:
        """The label of the row already chosen (a form shown again), "" if none or not visible."""
        key = self.format_value(getattr(value, "pk", value))
        chosen = self.labelled([key]) if key else []
        return chosen[0][1] if chosen else ""

    def root_attrs(self) -> str:
        """The data the script reads from the picker's outer element."""
        return format_html(
            'class="picker" data-picker="{url}" data-picker-follows="{follows}"'
            ' data-picker-min="1" data-picker-none="{none}" data-picker-more="{more}"'
            ' data-picker-error="{error}"',
            url=self.url(),
            follows=self.follows,
            none=_("Nothing matches in your area."),
            more=_("More match: type more to narrow."),
            error=_("The search failed; try again."),
        )

    def search_box(self, box_id: str, label: str, required: bool) -> str:
        """The search box, the list the script fills and the line that says what happened."""
        picker = pickers.source(self.source)
        return format_html(
            '<input type="search" id="{box_id}" class="picker-box" value="{label}"'
            ' autocomplete="off" spellcheck="false" enterkeyhint="search" role="combobox"'
            ' aria-autocomplete="list" aria-expanded="false" aria-controls="{box_id}_list"'
            ' aria-describedby="{box_id}_help {box_id}_status" placeholder="{placeholder}"'
            "{required}>"
            '<span class="picker-list" id="{box_id}_list" role="listbox" hidden></span>'
            '<span class="picker-status muted" id="{box_id}_status" aria-live="polite"></span>',
            box_id=box_id,
            label=label,
            placeholder=picker.placeholder if picker else "",
            required=" required" if required else "",
        )

    def suggested(self) -> str:
        """Buttons for the suggested rows (``bind(suggestions=…)``); the script chooses one when
        it is pressed, as if it had been found by typing."""
        if self.suggestions is None:
            return ""
        keys = [str(pk) for pk in self.suggestions.values_list("pk", flat=True)[: pickers.LIMIT]]
        rows = self.labelled(keys)
        if not rows:
            return ""
        buttons = format_html_join(
            " ",
            '<button type="button" class="picker-suggestion secondary" data-key="{}">{}</button>',
            rows,
        )
        return format_html(
            '<span class="picker-suggestions"><span class="muted">{}</span> {}</span>',
            self.suggestions_caption,
            buttons,
        )

    @staticmethod
    def assets() -> str:
        return format_html(
            '<link rel="stylesheet" href="{}"><script src="{}" defer></script>',
            static(STYLE),
            static(SCRIPT),
        )

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        box_id = attrs.get("id") or f"id_{name}"
        key = self.format_value(getattr(value, "pk", value))
        return format_html(
            '<span {root}><input type="hidden" name="{name}" value="{key}" id="{box_id}_key"'
            ' class="picker-key">{box}{suggested}</span>{assets}',
            root=self.root_attrs(),
            name=name,
            key=key,
            box_id=box_id,
            box=self.search_box(box_id, self.chosen_label(value), self.is_required),
            suggested=self.suggested(),
            assets=self.assets(),
        )

    def value_from_datadict(self, data, files, name):
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data


class PickerMultipleInput(PickerInput):
    """Several rows chosen with one picker: a ticked box per chosen row, then the search box.

    The boxes carry the field's name, so without the script the rows chosen before are posted
    again (and one is dropped by unticking it); the script adds a ticked box for each row chosen
    in the search (``data-picker-many``).
    """

    def format_value(self, value):
        if value in (None, ""):
            return []
        single = isinstance(value, str | int) or hasattr(value, "pk")
        values = [value] if single else list(value)
        return [str(getattr(v, "pk", v)) for v in values if v not in (None, "")]

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        box_id = attrs.get("id") or f"id_{name}"
        chosen = format_html_join(
            "",
            '<label class="picker-chip"><input type="checkbox" name="{}" value="{}" checked>'
            " {}</label>",
            ((name, key, label) for key, label in self.labelled(self.format_value(value))),
        )
        return format_html(
            '<span {root} data-picker-many="{name}">'
            '<span class="picker-chosen" id="{box_id}_chosen">{chosen}</span>'
            '<input type="hidden" value="" id="{box_id}_key" class="picker-key">'
            "{box}{suggested}</span>{assets}",
            root=self.root_attrs(),
            name=name,
            box_id=box_id,
            chosen=chosen,
            box=self.search_box(box_id, "", False),
            suggested=self.suggested(),
            assets=self.assets(),
        )

    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False  # nothing ticked posts nothing, like a multiple select


class _Bindable:
    """``bind``: what a picker field validates against, labels from and searches with."""

    source: str
    widget: PickerInput

    def bind(self, user, rows=None, *, params=None, suggestions=None, caption="") -> None:
        """Validate against (and label from) ``rows`` — the picker's own rows for ``user``
        unless a form narrows them further; they must come through ``restrict``
        (``set_choices``) — narrowed by ``params`` as the search box will ask with them.
        ``suggestions`` (a part of the rows) are offered as buttons under ``caption``."""
        picker = pickers.source(self.source)
        if picker is None:
            raise ImproperlyConfigured(f"no picker named {self.source!r}")
        given = {name: str(value) for name, value in (params or {}).items() if value}
        narrowed = pickers.narrow(picker, picker.rows(user) if rows is None else rows, given)
        set_choices(cast(forms.Field, self), narrowed)  # a field: only fields mix this in
        self.widget.user, self.widget.rows, self.widget.params = user, narrowed, given
        self.widget.suggestions, self.widget.suggestions_caption = suggestions, caption


class PickerField(_Bindable, forms.ModelChoiceField):
    """A model choice made with a picker; ``bind(user)`` before use, like ``set_choices``."""

    default_error_messages = {
        "invalid_choice": gettext_lazy("No such row in your area."),
    }

    def __init__(self, source: str, *, queryset, follows: str = "", **kwargs):
        kwargs.setdefault("widget", PickerInput(source, follows=follows))
        super().__init__(queryset=queryset, **kwargs)
        self.source = source

    def to_python(self, value):
        """A key that is not a short run of digits is a wrong choice, not a database error."""
        if value in self.empty_values:
            return None
        text = str(getattr(value, "pk", value)).strip()
        if not is_key(text):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(text)


class KeyedMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several model choices whose posted keys are checked as a picker's are.

    A page that renders its own ticked boxes (a table of rows, each with what choosing it would
    do) posts keys as forgeable as a picker's; this refuses a malformed one as a wrong choice
    rather than let the database fail on it.
    """

    default_error_messages = {
        "invalid_choice": gettext_lazy("No such row in your area: %(value)s."),
        "invalid_pk_value": gettext_lazy("No such row in your area: %(value)s."),
    }

    def _check_values(self, value):
        """A key that is no short run of digits is a wrong choice before the database sees it
        (SQLite cannot compare an integer past 2**63); the refusal quotes at most its start."""
        for key in value if isinstance(value, list | tuple) else ():
            text = str(key).strip()
            if not is_key(text):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": text[:MAX_KEY_DIGITS]},
                )
        return super()._check_values(value)


class PickerMultipleField(_Bindable, KeyedMultipleChoiceField):
    """Several model choices made with one picker; ``bind(user)`` before use."""

    def __init__(self, source: str, *, queryset, **kwargs):
        kwargs.setdefault("widget", PickerMultipleInput(source))
        super().__init__(queryset=queryset, **kwargs)
        self.source = source


def bind_picker(field: forms.Field, user, rows=None, **narrowing) -> None:
    """``bind`` for a picker field as a form's ``fields`` give it (a plain ``Field`` to the type
    checker), like ``core.forms.set_choices``; anything but a picker is a programming error.
    ``narrowing``: ``params``, ``suggestions`` and ``caption``, as ``bind`` takes them."""
    if not isinstance(field, PickerField | PickerMultipleField):
        raise ImproperlyConfigured(f"{type(field).__name__} is no picker")
    field.bind(user, rows, **narrowing)
