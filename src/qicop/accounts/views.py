from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qicop.accounts import services, tasks, throttle
from qicop.accounts.demo_logins import DEMO_LOGINS
from qicop.accounts.forms import (
    ApiTokenForm,
    EmailAuthenticationForm,
    LocalizedPasswordResetForm,
)


class LoginView(auth_views.LoginView):
    """Sign in. Someone already signed in is asked whether to go on as that account or sign in as someone
    else, never sent on silently: a session planted in a shared browser would otherwise carry whatever
    its next user does into the planter's account."""

    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["continue_url"] = self.get_redirect_url() or resolve_url(settings.LOGIN_REDIRECT_URL)
        # Only while the demo runs (`qicop demo` sets QICOP_DEMO): the logins README.md lists.
        context["demo_logins"] = DEMO_LOGINS if settings.DEMO_MODE else []
        return context

    def form_invalid(self, form):
        response = super().form_invalid(form)
        wait = getattr(self.request, "sign_in_wait", None)
        if wait is not None and form.has_error(NON_FIELD_ERRORS, "throttled"):
            response.status_code = 429
            response["Retry-After"] = str(wait.seconds())
        return response


@login_required
def api_tokens(request):
    form = ApiTokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_secret = services.create_api_token(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error("name", error.message_dict.get("name", error.messages))
        else:
            form = ApiTokenForm()
    tokens = request.user.api_tokens.all()[:100]
    return render(
        request,
        "accounts/api_tokens.html",
        {"form": form, "tokens": tokens, "new_secret": new_secret},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def api_token_revoke(request, token_id):
    token = request.user.api_tokens.filter(pk=token_id).first()
    if token is None:
        raise Http404
    services.revoke_api_token(user=request.user, token=token)
    messages.success(request, _("Token revoked: scripts using it can no longer sign in."))
    return redirect("accounts:api_tokens")


password_change = login_required(
    auth_views.PasswordChangeView.as_view(
        template_name="accounts/password_change.html",
        success_url=reverse_lazy("accounts:password_change_done"),
    )
)
password_change_done = login_required(
    auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html")
)


def password_reset(request):
    """Ask for a reset link. The request only queues the mail (``tasks.send_password_reset``): whether an
    account has the address is looked up by the worker, so the answer is the same, in the same time,
    for every address."""
    form = LocalizedPasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        tasks.send_password_reset.enqueue(form.cleaned_data["email"])
        return redirect("accounts:password_reset_done")
    return render(request, "accounts/password_reset.html", {"form": form}, status=400 if form.errors else 200)


password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # The owner proved they read the account's mail: a pause after failed sign-ins ends here.
        throttle.forget_account(form.user.email)
        return response


password_reset_confirm = PasswordResetConfirmView.as_view()
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
