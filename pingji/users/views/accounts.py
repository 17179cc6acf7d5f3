"""Account pages: the list of the focus's users, a user's page, and the three forms.

Every page reads through ``restrict`` (an account outside the user's area is 404) and every write
goes through ``actions``; a role without the permission gets 403 (auditors read, administrators
manage: ``roles.py``).
"""

from django.contrib.auth import update_session_auth_hash
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pingji.core.events import events_for
from pingji.core.models import DomainEvent
from pingji.core.views.base import ActionFormView, ScopedDetailView, ScopedListView

from ..actions import accounts
from ..filtersets import UserFilterSet
from ..forms import SetPasswordForm, UserCreateForm, UserUpdateForm
from ..models import User
from ..tables import UserTable

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


class _AccountFormView(ActionFormView):
    """An account's form page; the action answers with the account. Pages on one account
    (``pk`` in the URL) put its username in their ``title``."""

    template_name = "users/form.html"
    instance: User | None = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and "pk" in kwargs:
            self.instance = get_object_or_404(
                User.objects.restrict(request.user, "view").select_related("jurisdiction"),
                pk=kwargs["pk"],
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if self.instance is not None:
            ctx.update(
                title=self.title % {"name": self.instance.username},
                account=self.instance,
                cancel_url=reverse("users:user_detail", args=[self.instance.pk]),
            )
        return ctx

    def success_text(self, account: User) -> str:
        return _("Saved %(name)s.") % {"name": account.username}


class UserCreateView(_AccountFormView):
    form_class = UserCreateForm
    permission_required = "users.add_user"
    title = gettext_lazy("New user")
    cancel_url_name = "users:user_list"

    def action_data(self, form):
        return form.action_kwargs()

    def act(self, data):
        return accounts.do_create_user(actor=self.request.user, **data)


class UserUpdateView(_AccountFormView):
    form_class = UserUpdateForm
    permission_required = "users.change_user"
    title = gettext_lazy("Edit %(name)s")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.instance}

    def action_data(self, form):
        return form.action_changes()

    def act(self, changes):
        return accounts.do_update_user(self.instance, changes, actor=self.request.user)


class SetPasswordView(_AccountFormView):
    form_class = SetPasswordForm
    permission_required = "users.change_user"
    title = gettext_lazy("Set the password of %(name)s")
    scoped_form = False

    def act(self, data):
        account = accounts.do_set_password(self.instance, data["password"], actor=self.request.user)
        if account.pk == self.request.user.pk:
            update_session_auth_hash(self.request, account)  # stay logged in on this device
        return account

    def success_text(self, account: User) -> str:
        return _("Password set for %(name)s; their API token was revoked.") % {
            "name": account.username
        }
