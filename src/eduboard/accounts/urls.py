from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from eduboard.accounts import views
from eduboard.accounts.forms import LimitedPasswordResetForm

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        views.SignInView.as_view(
            template_name="accounts/login.html", extra_context={"failure_limit": settings.AXES_FAILURE_LIMIT}
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html", success_url=reverse_lazy("accounts:password_change_done")
        ),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            form_class=LimitedPasswordResetForm,
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("second-factor/setup/", views.otp_setup_view, name="otp_setup"),
    path("second-factor/verify/", views.otp_verify_view, name="otp_verify"),
    path("api-token/", views.api_token_view, name="api_token"),
    path("api-token/<int:pk>/revoke/", views.api_token_revoke_view, name="api_token_revoke"),
    path("audit/", views.AuditLogListView.as_view(), name="audit_log"),
    path("confirm/", views.reauthenticate_view, name="reauthenticate"),
]
