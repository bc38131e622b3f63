"""Pages get their scope from their base class, and sign-in is the default: checks that fail the day a view is
written that reads a scoped model by memory, or a page is opened to anyone without saying so.

Every module of every area is read, whatever its name (`views.py`, `course_views.py`, `public_views.py`, …). In a
module that holds views (a function taking `request` first, or a class-based view), a scoped model (one whose
queryset has `visible_to`, reference data apart) is reached only through the bases of core.views:

- as the first argument of `scoped_rows(request, …)` / `scoped_object(request, …)`;
- as the `queryset = …` of a class (a ScopedListView or ScopedDetailView narrows it);
- inside a `get_rows()` hook (ScopedListView narrows what it returns);
- `Model.objects.none()` (an empty choice list a scoped form fills), or the model's public rule
  (`Model.objects.public_on(day)`: what anyone may see);
- inside a form class with `ScopedFormMixin` (it narrows every choice to the viewer).

`.visible_to(` and `.editable_by(` are not called in view modules at all: the bases call them. Every exception is
listed by name with its reason; a stale entry fails too.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver
from django.views import View

from eduboard.core.scope import ReferenceQuerySet
from eduboard.core.views import FilteredListView, ScopedListView

pytestmark = pytest.mark.one_database

SCOPE_HELPERS = frozenset({"scoped_rows", "scoped_object"})
SCOPE_METHODS = frozenset({"visible_to", "editable_by"})
MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})
SHORTCUTS = frozenset({"get_object_or_404", "get_list_or_404"})  # given a model class, they read all its rows

# List pages that are FilteredListViews but not ScopedListViews, and why their rows need no institution scope.
UNSCOPED_LIST_PAGES: dict[str, str] = {
    "eduboard.accounts.views.AuditLogListView": (
        "the audit trail (auditlog.LogEntry, no institution): the board administrator's only "
        "(accounts.view_logentry), every row is theirs to read"
    ),
}

# Modules of public views only (each view `login_not_required`): their reads are public by design (published rows,
# a secret token or code in the URL), each page listed in PUBLIC_URLS; a signed-in page cannot hide among them.
PUBLIC_VIEW_MODULES: dict[str, str] = {
    "eduboard.centre.public_views": "the centre's catalogue, booking by token and visitor cards by secret code",
    "eduboard.competitions.public_views": "published competitions, their results and team registration",
    "eduboard.courses.public_views": "a certificate checked by its code",
    "eduboard.surveys.answer_views": "anonymous answers by a one-time code or an institution's link",
}

# URL names anyone may open without signing in (views marked `login_not_required`), and why.
PUBLIC_URLS: dict[str, str] = {
    "favicon": "the site's icon (browsers ask for /favicon.ico before signing in)",
    "reports:home": "the landing page for visitors; signed-in users get their scoped dashboard",
    "accounts:login": "signing in",
    "accounts:password_reset": "asking for a password reset e-mail",
    "accounts:password_reset_done": "the reset e-mail was sent",
    "accounts:password_reset_confirm": "the link of the reset e-mail",
    "accounts:password_reset_complete": "the new password was set",
    "set_language": "choosing the language of the page (a cookie)",
    "public_vacancies": "the board's published vacancies",
    "public_vacancies_atom": "the published vacancies as an Atom feed",
    "public_vacancies_json": "the published vacancies as a JSON feed",
    "opendata:index": "the board's published open datasets (figures only, small cells withheld)",
    "opendata:catalog": "the open datasets' DCAT-AP catalogue",
    "opendata:feed": "the open datasets' versions as an Atom feed",
    "opendata:file": "an open dataset's CSV or JSON file (figures only, small cells withheld)",
    "centre_root": "the centre's public catalogue",
    "centre_catalogue": "the centre's public catalogue in a language",
    "centre_activity": "a public activity and its free times",
    "centre_book": "a teacher books a visit",
    "centre_booking": "a teacher's booking, by its secret token",
    "centre_card": "a visitor card's points, with the card's secret code",
    "centre_sitemap": "the public pages for search engines",
    "centre_material_list": "the centre's public teaching materials",
    "centre_material_download": "a public teaching material's file",
    "centre_competitions": "the public list of robotics competitions",
    "centre_competition": "a competition's public page and results",
    "centre_competition_live": "a competition's live results",
    "centre_competition_register": "a team registers for a competition",
    "centre_certificate": "anyone checks a course certificate by its code",
    "centre_credential": "the holder (the paper certificate's key) opens and downloads their verifiable credential",
    "centre_credential_jwt": "as centre_credential: the signed credential",
    "centre_credential_json": "as centre_credential: its content",
    "centre_credential_verify": "anyone verifies a credential they were given",
    "centre_credential_issuer": "a verifier dereferences the issuer's profile and its public keys",
    "centre_credential_key": "a verifier dereferences a credential's signing key (its JWT's kid)",
    "innovation:schedule_feed": "the centre's schedule as iCalendar, by a signed feed key",
    "events_ical": "the public events as iCalendar",
    "events_atom": "the public events as an Atom feed",
    "answer_root": "answering a survey: the code form",
    "answer_start": "answering a survey with a one-time code",
    "answer_link": "answering a survey by an institution's link",
    "answer_form": "the survey's questions for an anonymous response",
}


def url_patterns(resolver: URLResolver | None = None, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry, inner)
        elif entry.name:
            yield f"{namespace}{entry.name}", entry


def all_modules() -> Iterator[ModuleType]:
    """Every module of every eduboard app (migrations apart), and the project's own modules."""
    yield importlib.import_module("eduboard.api")
    yield importlib.import_module("eduboard.urls")
    for config in apps.get_app_configs():
        if not config.name.startswith("eduboard."):
            continue
        package = importlib.import_module(config.name)
        yield package
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{config.name}."):
            if ".migrations" in info.name:
                continue
            yield importlib.import_module(info.name)


MODULES = list(all_modules())


def served_modules() -> set[str]:
    """The modules whose views the URLs serve (pages, feeds, the API's views and viewsets)."""
    found = set()
    for _name, pattern in url_patterns():
        callback = pattern.callback
        view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
        if view is None:
            view = callback if inspect.isfunction(inspect.unwrap(callback)) else type(callback)  # a Feed instance
        found.add(inspect.unwrap(view).__module__)
    return found


VIEW_MODULES = [module for module in MODULES if module.__name__ in served_modules()]


def is_scoped_model(value: object) -> bool:
    if not (inspect.isclass(value) and issubclass(value, models.Model)) or value is models.Model:
        return False  # the base class itself, imported for a type hint, holds no rows
    if value._meta.abstract:
        return False
    queryset = value._default_manager.all()
    return callable(getattr(queryset, "visible_to", None)) and not isinstance(queryset, ReferenceQuerySet)


@dataclass(frozen=True)
class Finding:
    line: int
    code: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.code}"


class ScopeReader(ast.NodeVisitor):
    """Walks a view module and notes every read of a scoped model outside the bases, and every scope call."""

    def __init__(self, module: ModuleType) -> None:
        self.names = {name for name, value in vars(module).items() if is_scoped_model(value)}
        self.findings: list[Finding] = []
        self.allowed: set[int] = set()  # ids of the nodes an allowed context covers
        self.function_stack: list[str] = []

    def allow(self, node: ast.AST) -> None:
        for inner in ast.walk(node):
            self.allowed.add(id(inner))

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.function_stack.append(node.name)
        if node.name == "get_rows":
            self.allow(node)
        self.generic_visit(node)
        self.function_stack.pop()

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        if any(ast.unparse(base).endswith("ScopedFormMixin") for base in node.bases):
            self.allow(node)  # a scoped form: the mixin narrows every choice to the viewer (test_scope_structure)
        for statement in node.body:
            if isinstance(statement, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == "queryset" for target in statement.targets
            ):
                self.allow(statement.value)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        function = node.func
        name = function.id if isinstance(function, ast.Name) else getattr(function, "attr", "")
        if name in SCOPE_HELPERS and len(node.args) >= 2:
            self.allow(node.args[1])
        if isinstance(function, ast.Attribute) and function.attr in SCOPE_METHODS:
            self.findings.append(Finding(node.lineno, ast.unparse(node)[:100]))
        if name in SHORTCUTS and node.args and isinstance(node.args[0], ast.Name) and node.args[0].id in self.names:
            self.findings.append(Finding(node.lineno, ast.unparse(node)[:100]))
        if (
            isinstance(function, ast.Attribute)
            and (function.attr == "none" or function.attr.startswith("public"))
            and self._manager_of_scoped(function.value)
        ):
            self.allow(function.value)  # no rows, or the model's own rule of what the public sees
        self.generic_visit(node)

    def _manager_of_scoped(self, node: ast.AST) -> bool:
        return (
            isinstance(node, ast.Attribute)
            and node.attr in MANAGERS
            and isinstance(node.value, ast.Name)
            and node.value.id in self.names
        )

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if self._manager_of_scoped(node) and id(node) not in self.allowed:
            self.findings.append(Finding(node.lineno, ast.unparse(node)))
        self.generic_visit(node)


def unscoped_reads(module: ModuleType) -> list[Finding]:
    reader = ScopeReader(module)
    reader.visit(ast.parse(inspect.getsource(module)))
    return reader.findings


def test_view_modules_are_found_whatever_their_name() -> None:
    names = {module.__name__ for module in VIEW_MODULES}
    assert {"eduboard.registry.views", "eduboard.courses.views", "eduboard.core.pickers"} <= names
    assert len(VIEW_MODULES) >= 25


def views_of(module: ModuleType) -> list[object]:
    return [
        value
        for value in vars(module).values()
        if getattr(value, "__module__", None) == module.__name__
        and (
            (inspect.isclass(value) and issubclass(value, View))
            or (
                inspect.isfunction(value)
                and not value.__name__.startswith("_")
                and list(inspect.signature(inspect.unwrap(value)).parameters)[:1] == ["request"]
            )
        )
    ]


@pytest.mark.parametrize("name", sorted(PUBLIC_VIEW_MODULES))
def test_public_view_modules_hold_public_views_only(name: str) -> None:
    module = importlib.import_module(name)
    private = [view for view in views_of(module) if getattr(view, "login_required", True) is not False]
    assert private == [], f"{name} holds views that need sign-in: {private}; move them to a module of scoped views"


@pytest.mark.parametrize("module", VIEW_MODULES, ids=[module.__name__ for module in VIEW_MODULES])
def test_view_modules_read_scoped_models_only_through_the_bases(module: ModuleType) -> None:
    if module.__name__ in PUBLIC_VIEW_MODULES:
        return
    findings = unscoped_reads(module)
    assert findings == [], (
        f"{module.__name__} reads scoped models outside core.views' bases (use scoped_rows/scoped_object, a "
        "ScopedListView's `queryset`/`get_rows`, or a selector that takes the viewer):\n"
        + "\n".join(str(finding) for finding in findings)
    )


def test_the_reader_finds_a_scoped_read_and_a_scope_call() -> None:
    source = (
        "from eduboard.assets.models import Loan\n"
        "def loans_view(request):\n"
        "    a = Loan.objects.filter(pk=1)\n"
        "    b = Loan.objects.visible_to(request.user)\n"
        "    c = scoped_rows(request, Loan.objects.select_related('asset'))\n"
        "    d = Loan.objects.none()\n"
        "    e = Loan.objects.public_on(1)\n"
        "    f = get_object_or_404(Loan, pk=1)\n"
        "    g = Loan._base_manager.all()\n"
        "class LoanList:\n"
        "    queryset = Loan.objects.select_related('learner')\n"
        "    def get_rows(self):\n"
        "        return Loan.objects.filter(returned_on=None)\n"
    )
    module = ModuleType("probe")
    exec(compile(source, "probe", "exec"), module.__dict__)  # noqa: S102 - a fixed source, to test the reader
    reader = ScopeReader(module)
    reader.visit(ast.parse(source))
    assert sorted({finding.line for finding in reader.findings}) == [3, 4, 8, 9]


LIST_VIEWS = sorted(
    {
        value
        for module in VIEW_MODULES
        for value in vars(module).values()
        if inspect.isclass(value)
        and issubclass(value, FilteredListView)
        and value.__module__ == module.__name__
        and not inspect.isabstract(value)
        and (getattr(value, "filterset_class", None) is not None)
    },
    key=lambda view: f"{view.__module__}.{view.__qualname__}",
)


def test_list_pages_are_found() -> None:
    assert len(LIST_VIEWS) >= 25


@pytest.mark.parametrize("view", LIST_VIEWS, ids=[f"{v.__module__}.{v.__qualname__}" for v in LIST_VIEWS])
def test_every_list_page_is_a_scoped_list_that_leaves_the_scope_to_its_base(view: type) -> None:
    name = f"{view.__module__}.{view.__qualname__}"
    if name in UNSCOPED_LIST_PAGES:
        assert not issubclass(view, ScopedListView), f"{name} is a ScopedListView now: drop it from the list"
        return
    assert issubclass(view, ScopedListView), f"{name} is a FilteredListView that does not get its scope from its base"
    overriding = [
        klass.__qualname__
        for klass in view.__mro__[: view.__mro__.index(ScopedListView)]
        if "get_base_queryset" in vars(klass)
    ]
    assert overriding == [], f"{name}: {overriding} override get_base_queryset; declare `queryset` or `get_rows`"


def test_the_unscoped_list_pages_still_exist() -> None:
    names = {f"{view.__module__}.{view.__qualname__}" for view in LIST_VIEWS}
    assert set(UNSCOPED_LIST_PAGES) <= names


# --- sign-in is the default


def is_api_view(callback: object) -> bool:
    from rest_framework.views import APIView

    cls = getattr(callback, "cls", None)
    return cls is not None and issubclass(cls, APIView)


def public_url_names() -> dict[str, str]:
    """URL name -> the view's module, for every view the sign-in middleware lets anyone open (the API apart: it
    authenticates in the view, by its permission classes)."""
    found = {}
    for name, pattern in url_patterns():
        callback = pattern.callback
        if is_api_view(callback) or name.startswith("admin:"):
            continue
        if getattr(callback, "login_required", True) is False:
            found[name] = getattr(callback, "__module__", "")
    return found


def test_sign_in_is_required_by_middleware_after_authentication() -> None:
    middleware = settings.MIDDLEWARE
    assert "eduboard.accounts.middleware.SignInRequiredMiddleware" in middleware
    assert middleware.index("eduboard.accounts.middleware.SignInRequiredMiddleware") > middleware.index(
        "django.contrib.auth.middleware.AuthenticationMiddleware"
    )


def test_every_public_page_is_listed_with_its_reason() -> None:
    public = public_url_names()
    unlisted = sorted(set(public) - set(PUBLIC_URLS))
    assert unlisted == [], f"pages open without sign-in that are not in PUBLIC_URLS: {unlisted}"
    stale = sorted(set(PUBLIC_URLS) - set(public))
    assert stale == [], f"PUBLIC_URLS names pages that now need sign-in or are gone: {stale}"


def test_no_view_module_repeats_the_sign_in_check() -> None:
    """Sign-in is the middleware's: a decorator or a mixin on a view would be a second, forgettable copy."""
    repeated = []
    for module in VIEW_MODULES:
        source = inspect.getsource(module)
        for needle in ("@login_required", "LoginRequiredMixin"):
            if needle in source:
                repeated.append(f"{module.__name__}: {needle}")
    assert repeated == []
