from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qicop.accounts import services
from qicop.accounts.forms import (
    ApiTokenForm,
    EmailAuthenticationForm,
    LocalizedPasswordResetForm,
    PreferencesForm,
)
from qicop.network.forms import ProfileForm
from qicop.network.models import Member
from qicop.network.services import update_member_profile


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


@login_required
def profile(request):
    user = request.user
    member = Member.objects.filter(user=user).select_related("country", "organisation").first()
    prefs_form = PreferencesForm(initial={"language": user.language, "time_zone": user.time_zone})
    profile_form = ProfileForm(instance=member) if member else None
    if request.method == "POST" and request.POST.get("form") == "preferences":
        prefs_form = PreferencesForm(request.POST)
        if prefs_form.is_valid():
            services.update_preferences(user=user, **prefs_form.cleaned_data)
            messages.success(request, _("Preferences saved."))
            response = redirect("accounts:profile")
            response.delete_cookie("qicop_language")
            return response
    elif request.method == "POST" and request.POST.get("form") == "profile" and member:
        profile_form = ProfileForm(request.POST, request.FILES, instance=member)
        if profile_form.is_valid():
            try:
                update_member_profile(actor=user, member=member, **profile_form.cleaned_data)
            except ValidationError as error:
                profile_form.add_error(None, error)
            else:
                messages.success(request, _("Profile saved."))
                return redirect("accounts:profile")
    status = 400 if prefs_form.errors or (profile_form is not None and profile_form.errors) else 200
    return render(
        request,
        "accounts/profile.html",
        {
            "member": member,
            "prefs_form": prefs_form,
            "profile_form": profile_form,
        },
        status=status,
    )


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
password_reset = auth_views.PasswordResetView.as_view(
    template_name="accounts/password_reset.html",
    email_template_name="accounts/email/password_reset.txt",
    subject_template_name="accounts/email/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password_reset_done"),
    form_class=LocalizedPasswordResetForm,
    extra_email_context={"base_url": settings.BASE_URL},
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    success_url=reverse_lazy("accounts:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
