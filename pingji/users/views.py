"""Account pages: the list of the focus's users, a user's page, and the three forms.

Every page reads through ``restrict`` (an account outside the user's area is 404) and every write
goes through ``actions``; a role without the permission gets 403 (auditors read, administrators
manage: ``roles.py``).
"""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import generic

from pingji.core.events import events_for
from pingji.core.forms import add_action_errors
from pingji.core.models import DomainEvent
from pingji.core.views import ScopedDetailView, ScopedListView, focus_code

from . import actions
from .filtersets import UserFilterSet
from .forms import SetPasswordForm, UserCreateForm, UserUpdateForm
from .models import User
from .tables import UserTable

#: How many of a user's own actions their page lists.
RECENT_EVENTS = 20


class UserListView(ScopedListView):
    model = User
    table = UserTable
    filterset_class = UserFilterSet
    select_related = ("jurisdiction",)
    template_name = "users/user_list.html"


class UserDetailView(ScopedDetailView):
    model = User
    template_name = "users/user_detail.html"
    context_object_name = "account"  # "user" is the logged-in user in every template

    def get_queryset(self):
        return super().get_queryset().select_related("jurisdiction")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        viewer, account = self.request.user, self.object
        visible = DomainEvent.objects.restrict(viewer, "view")
        ctx.update(
            can_change=viewer.has_perm("users.change_user"),
            history=events_for(account).restrict(viewer, "view").select_related("actor")[:20],
            activity=visible.filter(actor=account)
            .select_related("actor")
            .order_by("-time", "-id")[:RECENT_EVENTS],
        )
        return ctx


class _AccountFormView(LoginRequiredMixin, PermissionRequiredMixin, generic.FormView):
    """Runs the form's action; the action's refusals land on the form's fields."""

    template_name = "users/form.html"
    instance: User | None = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and "pk" in kwargs:
            self.instance = get_object_or_404(
                User.objects.restrict(request.user, "view").select_related("jurisdiction"),
                pk=kwargs["pk"],
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), **self.extra_form_kwargs()}

    def extra_form_kwargs(self) -> dict:
        return {}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(title=self.title(), account=self.instance, cancel_url=self.cancel_url())
        return ctx

    def cancel_url(self) -> str:
        if self.instance is not None:
            return reverse("users:user_detail", args=[self.instance.pk])
        return reverse("users:user_list")

    def form_valid(self, form):
        try:
            account = self.act(form)
        except ValidationError as exc:
            if self.instance is not None:
                self.instance.refresh_from_db()  # the page shows what is stored, not the attempt
            add_action_errors(form, exc)
            return self.form_invalid(form)
        except PermissionDenied as exc:
            raise Http404 from exc
        messages.success(self.request, self.done_message(account))
        return redirect("users:user_detail", pk=account.pk)

    def done_message(self, account: User) -> str:
        return _("Saved %(name)s.") % {"name": account.username}


class UserCreateView(_AccountFormView):
    form_class = UserCreateForm
    permission_required = "users.add_user"

    def title(self) -> str:
        return _("New user")

    def extra_form_kwargs(self) -> dict:
        return {"user": self.request.user, "focus": focus_code(self.request)}

    def act(self, form):
        return actions.do_create_user(actor=self.request.user, **form.action_kwargs())


class UserUpdateView(_AccountFormView):
    form_class = UserUpdateForm
    permission_required = "users.change_user"

    def title(self) -> str:
        return _("Edit %(name)s") % {"name": self.instance.username}

    def extra_form_kwargs(self) -> dict:
        return {
            "user": self.request.user,
            "focus": focus_code(self.request),
            "instance": self.instance,
        }

    def act(self, form):
        return actions.do_update_user(self.instance, form.action_changes(), actor=self.request.user)


class SetPasswordView(_AccountFormView):
    form_class = SetPasswordForm
    permission_required = "users.change_user"

    def title(self) -> str:
        return _("Set the password of %(name)s") % {"name": self.instance.username}

    def act(self, form):
        account = actions.do_set_password(
            self.instance, form.cleaned_data["password"], actor=self.request.user
        )
        if account.pk == self.request.user.pk:
            update_session_auth_hash(self.request, account)  # stay logged in on this device
        return account

    def done_message(self, account: User) -> str:
        return _("Password set for %(name)s; their API token was revoked.") % {
            "name": account.username
        }
