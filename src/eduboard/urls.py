"""URLs of eduboard."""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from eduboard.api import health_view, me_view, router
from eduboard.core.pickers import picker_view, search_view
from eduboard.people.api import people_stats_view
from eduboard.people.views import VacancyFeed, public_vacancies_view, vacancy_json_feed_view
from eduboard.registry.api import registry_stats_view
from eduboard.reports.api import edition_api_view, readiness_api_view

urlpatterns = [
    path("", include("eduboard.reports.urls")),
    path("accounts/", include("eduboard.accounts.urls")),
    path("registry/interest/", include("eduboard.interest.urls")),
    path("registry/", include("eduboard.registry.urls")),
    path("people/", include("eduboard.people.urls")),
    path("finance/", include("eduboard.finance.urls")),
    path("quality/", include("eduboard.quality.urls")),
    path("assets/", include("eduboard.assets.urls")),
    path("projects/", include("eduboard.projects.urls")),
    path("surveys/", include("eduboard.surveys.urls")),
    path("answer/", include("eduboard.surveys.answer_urls")),
    path("prevention/", include("eduboard.prevention.urls")),
    path("data-quality/", include("eduboard.dataquality.urls")),
    path("exchange/", include("eduboard.exchange.urls")),
    path("open-data/", include("eduboard.opendata.urls")),
    path("privacy/", include("eduboard.privacy.urls")),
    path("innovation/competitions/", include("eduboard.competitions.urls")),
    path("innovation/credentials/", include("eduboard.credentials.urls")),
    path("innovation/courses/", include("eduboard.courses.urls")),
    path("innovation/materials/", include("eduboard.materials.urls")),
    path("innovation/", include("eduboard.centre.urls")),
    path("centre/<str:lang>/competitions/", include("eduboard.competitions.public_urls")),
    path("centre/<str:lang>/courses/", include("eduboard.courses.public_urls")),
    path("centre/<str:lang>/materials/", include("eduboard.materials.public_urls")),
    path("centre/<str:lang>/credentials/", include("eduboard.credentials.public_urls")),
    path("centre/", include("eduboard.centre.public_urls")),
    path("events/", include("eduboard.events.urls")),
    path("vacancies/", public_vacancies_view, name="public_vacancies"),
    path("vacancies/feed.atom", VacancyFeed(), name="public_vacancies_atom"),
    path("vacancies/feed.json", vacancy_json_feed_view, name="public_vacancies_json"),
    path("imports/", include("eduboard.core.urls")),
    path("pickers/<slug:kind>/", picker_view, name="picker"),
    path("search/", search_view, name="search"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("favicon.ico", login_not_required(RedirectView.as_view(url=lazy(static, str)("favicon.svg"))), name="favicon"),
    path("api/health/", health_view, name="api-health"),
    path("api/me/", me_view, name="api-me"),
    path("api/registry/stats/", registry_stats_view, name="api-registry-stats"),
    path("api/people/stats/", people_stats_view, name="api-people-stats"),
    path("api/reports/readiness/", readiness_api_view, name="api-reports-readiness"),
    path("api/reports/editions/<int:pk>/", edition_api_view, name="api-reports-edition"),
    path("api/finance/", include("eduboard.finance.api")),
    path("api/assets/", include("eduboard.assets.api")),
    path("api/projects/", include("eduboard.projects.api")),
    path("api/surveys/", include("eduboard.surveys.api")),
    path("api/innovation/", include("eduboard.centre.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include(router.urls)),
    path("backoffice/", admin.site.urls),
]

handler404 = "eduboard.core.views.not_found_view"
handler500 = "eduboard.core.views.server_error_view"
