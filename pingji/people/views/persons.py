"""Pages for people: the list, the identity search, the person's page, the forms, and the
audited reveal (households are in ``households``, the merge tool in ``merge``).

Every page reads through ``restrict`` (outside the user's area is 404) and every write goes
through ``actions``; a role without the needed permission gets 403.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from pingji.core.events import events_for
from pingji.core.forms import add_action_errors
from pingji.core.views.base import (
    ActionFormView,
    ScopedActionView,
    ScopedDetailView,
    ScopedListView,
)

from ..actions.persons import do_create_person, do_update_person
from ..actions.reveal import do_reveal_identity, ensure_can_reveal
from ..actions.search import do_search_identity
from ..filtersets import PersonSearchFilterSet
from ..forms import IdentitySearchForm, PersonForm, RevealForm
from ..limits import RATE_LIMITED
from ..models import Person
from ..tables import PersonTable


class PersonListView(ScopedListView):
    model = Person
    table = PersonTable
    filterset_class = PersonSearchFilterSet
    select_related = ("jurisdiction", "household")
    template_name = "people/person_list.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "search_form": IdentitySearchForm()}


class PersonSearchView(LoginRequiredMixin, generic.View):
    """The blind search page: POST a number or phone and a reason, see your area's matches.

    Nothing about the number goes into a URL; the answer for "registered elsewhere" and "not
    registered" is the same; each search is counted and recorded
    (``actions.search.do_search_identity``).
    """

    template_name = "people/person_search.html"

    def get(self, request):
        return self.page(IdentitySearchForm(), None, 200)

    def post(self, request):
        form = IdentitySearchForm(request.POST)
        if not form.is_valid():
            return self.page(form, None, 400)
        try:
            found = do_search_identity(actor=request.user, **form.search_input())
        except ValidationError as exc:
            return self.page(form, None, self.refuse(form, exc))
        # the number is not echoed back into the page; the reason may serve the next search
        return self.page(
            IdentitySearchForm(initial={"reason": form.cleaned_data["reason"]}), found, 200
        )

    @staticmethod
    def refuse(form, exc: ValidationError) -> int:
        """Put the action's errors on the form (the number's on ``term``); 429 for the rate."""
        if getattr(exc, "code", None) == RATE_LIMITED:
            form.add_error(None, exc)
            return 429
        for field, errors in exc.message_dict.items():
            form.add_error("term" if field in ("id_number", "phone") else field, errors)
        return 400

    def page(self, form, found, status):
        context = {"form": form, "found": found, "searched": found is not None}
        response = render(self.request, self.template_name, context, status=status)
        add_never_cache_headers(response)
        return response


class PersonDetailView(ScopedDetailView):
    model = Person
    template_name = "people/person_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("jurisdiction", "household")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **person_context(self.request, self.object)}


def person_context(request, person: Person) -> dict:
    """What the detail page shows besides the person: the reveal form and their timeline."""
    user = request.user
    return {
        "can_reveal": user.has_perm("people.reveal_person"),
        "can_change": user.has_perm("people.change_person"),
        "reveal_form": RevealForm(),
        "events": events_for(person).restrict(user, "view").select_related("actor")[:20],
    }


class PersonRevealView(ScopedActionView):
    """POST a reason, see the plain values once on the response page (never cached, no link)."""

    model = Person

    def post(self, request, pk):
        person = self.get_object()
        ensure_can_reveal(request.user)
        form = RevealForm(request.POST)
        context = {"object": person, "person": person, **person_context(request, person)}
        if form.is_valid():
            try:
                context["revealed"] = do_reveal_identity(
                    person, actor=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
        context["reveal_form"] = form
        response = render(
            request, "people/person_detail.html", context, status=200 if form.is_valid() else 400
        )
        add_never_cache_headers(response)
        return response


class _PersonFormView(ActionFormView):
    form_class = PersonForm
    template_name = "people/form.html"
    instance: Person | None = None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.instance}

    def success_text(self, person):
        return _("Saved %(name)s.") % {"name": person.name}


class PersonCreateView(_PersonFormView):
    permission_required = "people.add_person"
    title = gettext_lazy("New person")
    cancel_url_name = "people:person_list"

    def get_initial(self):
        household = self.request.GET.get("household", "")
        return {"household": household} if household.isdigit() else {}

    def act(self, data):
        return do_create_person(actor=self.request.user, **data)


class PersonUpdateView(_PersonFormView):
    permission_required = "people.change_person"
    title = gettext_lazy("Edit %(name)s")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.instance = get_object_or_404(
                Person.objects.restrict(request.user, "view"), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": self.title % {"name": self.instance.name},
            "object": self.instance,
            "cancel_url": self.instance.get_absolute_url(),
        }

    def action_data(self, form):
        return form.action_changes()

    def act(self, changes):
        return do_update_person(self.instance, changes, actor=self.request.user)
