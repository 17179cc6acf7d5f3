"""The merge tool's page: choose the duplicate record of this person and merge it in."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pingji.core.forms import add_action_errors, limit_choices
from pingji.core.views.base import ScopedActionView

from ..actions.merge import do_merge_persons
from ..models import Person


class MergeForm(forms.Form):
    duplicate = forms.ModelChoiceField(
        label=gettext_lazy("duplicate record to merge into this one"),
        queryset=Person.objects.none(),
        error_messages={"invalid_choice": gettext_lazy("No such person in your area.")},
    )

    def __init__(self, *args, keep: Person, user, **kwargs):
        super().__init__(*args, **kwargs)
        rows = Person.objects.restrict(user, "change").exclude(pk=keep.pk)
        alike = Q(name=keep.name)
        if keep.phone_hash:
            alike |= Q(phone_hash=keep.phone_hash)
        duplicate = self.fields["duplicate"]
        # any visible record may be chosen by id; the likely duplicates are listed
        limit_choices(duplicate, rows, listed=rows.filter(alike).order_by("name", "pk"))
        duplicate.help_text = gettext_lazy(
            "Records with the same name or phone are listed. Everything pointing at the duplicate "
            "(cases, contacts, placements…) moves here; the duplicate is deleted."
        )


class PersonMergeView(ScopedActionView):
    model = Person
    action = "change"

    def get(self, request, pk):
        keep = self.get_object()
        return self.page(keep, MergeForm(keep=keep, user=request.user))

    def page(self, keep, form, status=200):
        return render(
            request=self.request,
            template_name="people/person_merge.html",
            context={"object": keep, "form": form},
            status=status,
        )

    def post(self, request, pk):
        keep = self.get_object()
        form = MergeForm(request.POST, keep=keep, user=request.user)
        if form.is_valid():
            try:
                moved = do_merge_persons(keep, form.cleaned_data["duplicate"], actor=request.user)
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Merged: %(n)d record(s) moved to this person.") % {"n": sum(moved.values())},
                )
                return redirect(keep)
        return self.page(keep, form, status=400)
