"""The README's endpoint table, walked: every endpoint, called by a site administrator,
by anonymous, by a user holding each single grant (with ``view``), by a user holding
each grant but ``view`` (which then means nothing) and by a user with no grant, must be
allowed or refused exactly as the table says. Every route the app serves must have a row.

One space, one set of users and one finished export job are shared by the whole module;
requests that destroy what they touch (delete, purge, replace) get a target of their own.
"""

from __future__ import annotations

import html
import io
import itertools
import re
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import Route

from pressroom.app import ROUTERS, create_app
from pressroom.db import Database
from pressroom.export.docx.default_template import default_template_bytes
from tests.auth.conftest import csrf_token_of
from tests.conftest import ADMIN, create_page, create_space, fresh_database_url, make_settings
from tests.jobs.conftest import DEFAULT_TEMPLATE, WORD_BASE, ThreadWorkers

pytestmark = pytest.mark.db

README = Path(__file__).parents[2] / "README.md"
GRANTS = ("view", "edit", "attach", "delete", "export", "admin")
NEEDS = {"none", "login", "view", "edit", "attach", "delete", "export"}
NEEDS |= {"space admin", "site admin", "owner of job"}
KEY = "MX"
XSRF = {"X-Atlassian-Token": "no-check"}
TEMPLATES = "/plugins/servlet/scroll-office/api/templates"
PDF_BASE = "/plugins/servlet/scroll-pdf/api/public/1"
PDF_TEMPLATES = "/plugins/servlet/scroll-pdf/api/templates"
PDF_TEMPLATE = "com.k15t.scroll.pdf.default-template-documentation"
ADMIN_API = "/rest/pressroom/1/admin"
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024)


# -- the table ---------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    needs: str

    @property
    def key(self) -> tuple[str, str]:
        return self.method, normalized(self.path)


def normalized(path: str) -> str:
    """``/a/{id}/b/{name:int}`` → ``/a/{}/b/{}``: README and routes name parameters freely."""
    return re.sub(r"\{[^}]*\}", "{}", path)


def read_table() -> list[Row]:
    text = README.read_text(encoding="utf-8")
    table = text.split("<!-- permission-table -->")[1].split("<!-- /permission-table -->")[0]
    rows = []
    for line in table.strip().splitlines()[2:]:
        method, path, needs, *_ = (cell.strip() for cell in line.strip().strip("|").split("|"))
        rows.append(Row(method, path.strip("`"), needs))
    return rows


TABLE = read_table()


def served_routes(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path) of every route: the app's own and those of its routers. HEAD that
    Starlette adds to a GET route needs no row of its own."""
    routes = [route for route in app.routes if isinstance(route, Route)]
    included = [route for route in app.routes if not isinstance(route, Route)]
    assert len(included) == len(ROUTERS), "a router outside pressroom.app.ROUTERS"
    routes += [route for router in ROUTERS for route in router.routes if isinstance(route, Route)]
    served = set()
    for route in routes:
        methods = route.methods or set()
        for method in methods - ({"HEAD"} if "GET" in methods else set()):
            served.add((method, normalized(route.path)))
    return served


def test_the_table_names_every_route_once(tmp_path: Path) -> None:
    settings = make_settings(f"sqlite:///{tmp_path / 'unused.db'}", tmp_path / "home")
    served = served_routes(create_app(settings))
    keys = [row.key for row in TABLE]
    assert sorted(served - set(keys)) == [], "add these endpoints to README's permission table"
    assert sorted(set(keys) - served) == [], "README's permission table names unknown routes"
    assert len(keys) == len(set(keys)), "a route has two rows"
    assert {row.needs for row in TABLE} <= NEEDS
    assert sorted(set(keys) - set(RECIPES)) == [], "add a recipe for these rows below"


# -- the callers -------------------------------------------------------------------


@dataclass(frozen=True)
class Caller:
    name: str
    grants: frozenset[str] = frozenset()
    kind: str = "user"  # or "admin", "anonymous"

    @property
    def password(self) -> str:
        return f"{self.name}-password-1"


CALLERS = (
    Caller("admin", kind="admin"),
    Caller("anonymous", kind="anonymous"),
    *(Caller(f"with-view-{g}", frozenset({"view", g})) for g in GRANTS),
    *(Caller(f"only-{g}", frozenset({g})) for g in GRANTS if g != "view"),
    Caller("no-grant"),
)
JOB_OWNER = "with-view-export"


def expected(needs: str, caller: Caller) -> tuple[int | None, str | None]:
    """(None, None) when allowed; else the status and, for 403s, the grant it names."""
    if needs == "none" or caller.kind == "admin":
        return None, None
    if needs == "owner of job":
        return (None, None) if caller.name == JOB_OWNER else (404, None)
    if caller.kind == "anonymous":
        return 401, None
    if needs == "login":
        return None, None
    if needs == "site admin":
        return 403, None
    grant = "admin" if needs == "space admin" else needs
    if "view" not in caller.grants:
        return 404, None
    return (None, None) if grant in caller.grants else (403, grant)


# -- the world the requests act on ---------------------------------------------------


class World:
    """The space MX with a page, an attachment, a label and a space template, every
    caller with its grants, and a finished export of ``JOB_OWNER``."""

    def __init__(self, app: FastAPI, admin: TestClient) -> None:
        self.app = app
        self.admin = admin
        self.numbers = itertools.count(1)
        self.clients = {caller.name: self.client(caller) for caller in CALLERS}
        for caller in CALLERS:
            if caller.kind == "user":
                self.must(admin.post(f"{ADMIN_API}/users", json=self.user_body(caller)), 201)
        create_space(admin, KEY)
        self.grants = {
            "anonymous": [],
            "users": {c.name: sorted(c.grants) for c in CALLERS if c.grants},
            "groups": {},
        }
        self.must(admin.put(f"/rest/pressroom/1/space/{KEY}/permissions", json=self.grants))
        self.page = create_page(admin, "Stable page", space=KEY)["id"]
        create_page(admin, "Child page", space=KEY, parent=self.page)
        self.attachment = self.attach(self.page, "matrix.txt")
        self.must(admin.post(f"/rest/api/content/{self.page}/label", json={"name": "stable"}))
        self.template = self.new_template()
        self.pdf_template = self.new_template(PDF_TEMPLATES)
        self.group = self.new_group()
        self.version = self.must(
            admin.post(f"/rest/scroll-versions/1.0/versions/{KEY}", json={"name": "1.0"}), 201
        ).json()["id"]
        self.must(
            admin.post(f"/rest/scroll-translations/1.0/languages/{KEY}", json={"key": "de"}), 201
        )
        self.job, self.job_file = self.finished_export()
        self.pdf_job, self.pdf_job_file = self.finished_export(PDF_BASE, PDF_TEMPLATE)

    def client(self, caller: Caller) -> TestClient:
        client = TestClient(self.app, follow_redirects=False)
        if caller.kind == "admin":
            client.auth = ADMIN
        elif caller.kind == "user":
            client.auth = (caller.name, caller.password)
        return client

    @staticmethod
    def user_body(caller: Caller) -> dict[str, str]:
        return {"username": caller.name, "password": caller.password, "fullName": caller.name}

    @staticmethod
    def must(response: httpx.Response, status: int = 200) -> httpx.Response:
        assert response.status_code == status, response.text
        return response

    def unique(self, prefix: str) -> str:
        return f"{prefix}{next(self.numbers)}"

    def new_page(self) -> str:
        return str(create_page(self.admin, self.unique("Page "), space=KEY)["id"])

    def trashed_page(self) -> str:
        page = self.new_page()
        self.must(self.admin.delete(f"/rest/api/content/{page}"), 204)
        return page

    def attach(self, page: str, name: str) -> str:
        upload = self.admin.post(
            f"/rest/api/content/{page}/child/attachment",
            files={"file": (name, b"bytes", "text/plain")},
            headers=XSRF,
        )
        return str(self.must(upload).json()["results"][0]["id"])

    def new_template(self, templates: str = TEMPLATES) -> str:
        response = self.admin.post(
            templates,
            files={"file": template_file(templates)},
            data={"spaceKey": KEY, "name": self.unique("Template ")},
            headers=XSRF,
        )
        return str(self.must(response, 201).json()["id"])

    def new_label(self) -> str:
        name = self.unique("label")
        self.must(self.admin.post(f"/rest/api/content/{self.page}/label", json={"name": name}))
        return name

    def new_user(self) -> str:
        name = self.unique("someone")
        body = {"username": name, "password": "someone-password-1"}
        self.must(self.admin.post(f"{ADMIN_API}/users", json=body), 201)
        return name

    def new_group(self, member: str | None = None) -> str:
        name = self.unique("group")
        self.must(self.admin.post(f"{ADMIN_API}/groups", json={"name": name}), 201)
        if member:
            members = f"{ADMIN_API}/groups/{name}/members"
            self.must(self.admin.post(members, json={"username": member}), 201)
        return name

    def finished_export(
        self, base: str = WORD_BASE, template: str = DEFAULT_TEMPLATE
    ) -> tuple[str, str]:
        owner = self.clients[JOB_OWNER]
        body = {"pageId": self.page, "templateId": template}
        job = self.must(owner.post(f"{base}/exports", json=body)).json()["jobId"]
        for _ in range(1200):
            status = self.must(owner.get(f"{base}/exports/{job}/status")).json()
            if status["status"] != "incomplete":
                break
            time.sleep(0.05)
        assert status["status"] == "complete", status
        return str(job), str(status["downloadUrl"]).rsplit("/", 1)[-1]


@pytest.fixture(scope="module")
def world(_migrated_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("matrix")
    settings = make_settings(fresh_database_url(_migrated_template, folder), folder / "home")
    db = Database(settings.resolved_database_url)
    app = create_app(settings, db, sweep_interval=3600)
    with pytest.MonkeyPatch.context() as patch, TestClient(app) as admin:
        patch.setattr("pressroom.auth.passwords._hasher", CHEAP_HASHER)
        admin.auth = ADMIN
        workers = ThreadWorkers(app.state.queue.huey, 1).start()
        try:
            yield World(app, admin)
        finally:
            workers.stop()
    db.dispose()


# -- one request per row -------------------------------------------------------------

Recipe = Callable[[World, Caller, TestClient], httpx.Response]


def _token_round_trip(w: World, c: Caller, http: TestClient) -> httpx.Response:
    made = http.post("/rest/pat/latest/tokens", json={"name": "matrix"})
    token = made.json()["id"] if made.status_code == 201 else 1
    return http.delete(f"/rest/pat/latest/tokens/{token}")


def _login(w: World, c: Caller, http: TestClient) -> httpx.Response:
    browser = TestClient(w.app, follow_redirects=False)
    csrf = csrf_token_of(browser.get("/login").text)
    form = {"os_username": "no-grant", "os_password": "no-grant-password-1", "atl_token": csrf}
    return browser.post("/login", data=form)


def _edit(w: World, c: Caller, http: TestClient) -> httpx.Response:
    body = {
        "version": {"number": 2},
        "title": w.unique("Edited "),
        "type": "page",
        "body": {"storage": {"value": "<p>changed</p>", "representation": "storage"}},
    }
    return http.put(f"/rest/api/content/{w.new_page()}", json=body)


def _upload(method: str) -> Recipe:
    def upload(w: World, c: Caller, http: TestClient) -> httpx.Response:
        files = {"file": (w.unique("file") + ".txt", b"new", "text/plain")}
        url = f"/rest/api/content/{w.page}/child/attachment"
        return http.request(method, url, files=files, headers=XSRF)

    return upload


def _new_version(w: World, c: Caller, http: TestClient) -> httpx.Response:
    url = f"/rest/api/content/{w.page}/child/attachment/{w.attachment}/data"
    return http.post(url, files={"file": ("matrix.txt", b"v2", "text/plain")}, headers=XSRF)


def template_file(templates: str) -> tuple[str, bytes]:
    """A template the exporter at ``templates`` takes: a .docx, or a PDF template .zip."""
    if templates == PDF_TEMPLATES:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("template.yaml", "cover: false\n")
        return "t.zip", buffer.getvalue()
    return "t.docx", default_template_bytes()


def _replace_template(w: World, c: Caller, http: TestClient) -> httpx.Response:
    files = {"file": template_file(TEMPLATES)}
    return http.put(f"{TEMPLATES}/{w.template}", files=files, headers=XSRF)


def _upload_template(w: World, c: Caller, http: TestClient) -> httpx.Response:
    files = {"file": template_file(TEMPLATES)}
    return http.post(TEMPLATES, files=files, data={"spaceKey": KEY}, headers=XSRF)


def _pdf_recipes() -> dict[tuple[str, str], Recipe]:
    """The PDF exporter's rows: the Word exporter's calls under scroll-pdf."""
    artifacts = "/plugins/servlet/scroll-pdf/api/artifacts"
    upload = {"spaceKey": KEY}
    return {
        ("POST", f"{PDF_BASE}/exports"): lambda w, c, http: http.post(
            f"{PDF_BASE}/exports", json={"pageId": w.page, "templateId": PDF_TEMPLATE}
        ),
        ("GET", f"{PDF_BASE}/exports/{{}}/status"): lambda w, c, http: http.get(
            f"{PDF_BASE}/exports/{w.pdf_job}/status"
        ),
        ("DELETE", f"{PDF_BASE}/exports/{{}}"): lambda w, c, http: http.delete(
            f"{PDF_BASE}/exports/{w.pdf_job}"
        ),
        ("GET", f"{artifacts}/{{}}/{{}}"): lambda w, c, http: http.get(
            f"{artifacts}/{w.pdf_job}/{w.pdf_job_file}"
        ),
        ("GET", f"{PDF_BASE}/export-sync"): lambda w, c, http: http.get(
            f"{PDF_BASE}/export-sync", params={"templateId": PDF_TEMPLATE, "pageId": w.page}
        ),
        ("GET", PDF_TEMPLATES): lambda w, c, http: http.get(PDF_TEMPLATES),
        ("GET", PDF_TEMPLATES + "/{}"): lambda w, c, http: http.get(
            f"{PDF_TEMPLATES}/{w.pdf_template}"
        ),
        ("GET", PDF_TEMPLATES + "/{}/download"): lambda w, c, http: http.get(
            f"{PDF_TEMPLATES}/{w.pdf_template}/download"
        ),
        ("POST", PDF_TEMPLATES): lambda w, c, http: http.post(
            PDF_TEMPLATES, files={"file": template_file(PDF_TEMPLATES)}, data=upload, headers=XSRF
        ),
        ("PUT", PDF_TEMPLATES + "/{}"): lambda w, c, http: http.put(
            f"{PDF_TEMPLATES}/{w.pdf_template}",
            files={"file": template_file(PDF_TEMPLATES)},
            headers=XSRF,
        ),
        ("DELETE", PDF_TEMPLATES + "/{}"): lambda w, c, http: http.delete(
            f"{PDF_TEMPLATES}/{w.new_template(PDF_TEMPLATES)}"
        ),
        ("GET", PDF_SPEC): lambda w, c, http: http.get(PDF_SPEC),
    }


SV = "/rest/scroll-versions/1.0"
ST = "/rest/scroll-translations/1.0"


def _version_recipes() -> dict[tuple[str, str], Recipe]:
    """Scroll Versions and Translations: reads need view; versions, variants, attributes,
    languages and the config need space admin; a page's content, attributes and
    translations need edit."""
    return {
        ("GET", f"{SV}/versions/{{}}"): lambda w, c, http: http.get(f"{SV}/versions/{KEY}"),
        ("POST", f"{SV}/versions/{{}}"): lambda w, c, http: http.post(
            f"{SV}/versions/{KEY}", json={"name": w.unique("v")}
        ),
        ("PUT", f"{SV}/versions/{{}}/{{}}"): lambda w, c, http: http.put(
            f"{SV}/versions/{KEY}/{w.version}", json={"description": "changed"}
        ),
        ("GET", f"{SV}/variant/{{}}"): lambda w, c, http: http.get(f"{SV}/variant/{KEY}"),
        ("POST", f"{SV}/variant/{{}}"): lambda w, c, http: http.post(
            f"{SV}/variant/{KEY}", json={"name": w.unique("variant")}
        ),
        ("GET", f"{SV}/attribute/{{}}"): lambda w, c, http: http.get(f"{SV}/attribute/{KEY}"),
        ("POST", f"{SV}/attribute/{{}}"): lambda w, c, http: http.post(
            f"{SV}/attribute/{KEY}", json={"name": w.unique("attribute"), "values": ["a"]}
        ),
        ("GET", f"{SV}/config/{{}}"): lambda w, c, http: http.get(f"{SV}/config/{KEY}"),
        ("PUT", f"{SV}/config/{{}}"): lambda w, c, http: http.put(
            f"{SV}/config/{KEY}", json={"enableVersionManagement": True}
        ),
        ("GET", f"{SV}/page/{{}}/{{}}/{{}}"): lambda w, c, http: http.get(
            f"{SV}/page/{KEY}/{w.page}/{w.version}"
        ),
        ("PUT", f"{SV}/page/{{}}/{{}}/{{}}"): lambda w, c, http: http.put(
            f"{SV}/page/{KEY}/{w.page}/{w.version}", json={"body": "<p>in v</p>"}
        ),
        ("PUT", f"{SV}/page-attributes/{{}}"): lambda w, c, http: http.put(
            f"{SV}/page-attributes/{w.page}", json={"valueIds": []}
        ),
        ("GET", f"{SV}/translation/{{}}"): lambda w, c, http: http.get(
            f"{SV}/translation/{w.page}"
        ),
        ("PUT", f"{SV}/translation/{{}}/{{}}"): lambda w, c, http: http.put(
            f"{SV}/translation/{w.page}/de", json={"title": "Seite"}
        ),
        ("GET", f"{ST}/languages/{{}}"): lambda w, c, http: http.get(f"{ST}/languages/{KEY}"),
        ("POST", f"{ST}/languages/{{}}"): lambda w, c, http: http.post(
            f"{ST}/languages/{KEY}", json={"key": f"de_x{next(w.numbers)}"}
        ),
    }


def _same_grants(w: World, c: Caller, http: TestClient) -> httpx.Response:
    """The form of the space's grants as they are (saving changes nothing)."""
    form: list[tuple[str, str]] = []
    for name, held in w.grants["users"].items():  # type: ignore[union-attr]
        form += [(f"user:{name}", grant) for grant in held]
    return http.post(
        f"/spaces/{KEY}/permissions",
        content=urlencode(form),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )


def _same_password(w: World, c: Caller, http: TestClient) -> httpx.Response:
    password = ADMIN[1] if c.kind == "admin" else c.password
    form = {"current": password, "new": password, "repeated": password}
    return http.post("/profile/password", data=form)


def _page_recipes() -> dict[tuple[str, str], Recipe]:
    """The browser pages: the same checks as the REST API, answered as HTML."""
    page = "pageId={}"

    def get(path: str) -> Recipe:
        return lambda w, c, http: http.get(path.format(w.page))

    def revoke(w: World, c: Caller, http: TestClient) -> httpx.Response:
        made = http.post("/rest/pat/latest/tokens", json={"name": "matrix page"})
        token = made.json()["id"] if made.status_code == 201 else 1
        return http.post(f"/profile/tokens/{token}/revoke")

    return {
        ("GET", "/"): get("/"),
        ("GET", "/spaces"): get("/spaces"),
        ("GET", "/dosearchsite.action"): get('/dosearchsite.action?queryString=stable "page"'),
        ("GET", "/display/{}"): get(f"/display/{KEY}"),
        ("GET", "/pages/children.action"): get(f"/pages/children.action?{page}"),
        ("GET", "/pages/viewpage.action"): get(f"/pages/viewpage.action?{page}"),
        ("GET", "/pages/viewinfo.action"): get(f"/pages/viewinfo.action?{page}"),
        ("GET", "/pages/export.action"): get(f"/pages/export.action?{page}"),
        ("POST", "/pages/export.action"): lambda w, c, http: http.post(
            "/pages/export.action", data={"pageId": w.page, "exporter": "word"}
        ),
        ("GET", "/pages/createpage.action"): get(f"/pages/createpage.action?spaceKey={KEY}"),
        ("POST", "/pages/createpage.action"): lambda w, c, http: http.post(
            "/pages/createpage.action",
            data={"spaceKey": KEY, "title": w.unique("Form page "), "body": "<p>new</p>"},
        ),
        ("GET", "/pages/editpage.action"): get(f"/pages/editpage.action?{page}"),
        ("POST", "/pages/editpage.action"): lambda w, c, http: http.post(
            "/pages/editpage.action",
            data={"pageId": w.new_page(), "version": 1, "title": w.unique("Edited "), "body": ""},
        ),
        ("POST", "/pages/preview.action"): lambda w, c, http: http.post(
            "/pages/preview.action", data={"spaceKey": KEY, "body": "<p>draft</p>"}
        ),
        ("POST", "/pages/addlabel.action"): lambda w, c, http: http.post(
            "/pages/addlabel.action", data={"pageId": w.page, "name": "formlabel"}
        ),
        ("POST", "/pages/removelabel.action"): lambda w, c, http: http.post(
            "/pages/removelabel.action", data={"pageId": w.page, "name": w.new_label()}
        ),
        ("POST", "/pages/attachfile.action"): lambda w, c, http: http.post(
            "/pages/attachfile.action",
            data={"pageId": w.page},
            files={"file": (w.unique("form") + ".txt", b"form", "text/plain")},
        ),
        ("POST", "/pages/removeattachment.action"): lambda w, c, http: http.post(
            "/pages/removeattachment.action",
            data={"pageId": w.page, "attachmentId": w.attach(w.page, w.unique("gone") + ".txt")},
        ),
        ("GET", "/pages/viewpreviousversions.action"): get(
            f"/pages/viewpreviousversions.action?{page}"
        ),
        ("GET", "/pages/viewpageversion.action"): get(
            f"/pages/viewpageversion.action?{page}&version=1"
        ),
        ("POST", "/pages/revertpage.action"): lambda w, c, http: http.post(
            "/pages/revertpage.action", data={"pageId": w.page, "version": 1}
        ),
        ("POST", "/pages/removepage.action"): lambda w, c, http: http.post(
            "/pages/removepage.action", data={"pageId": w.new_page()}
        ),
        ("GET", "/spaces/{}/trash"): get(f"/spaces/{KEY}/trash"),
        ("POST", "/spaces/{}/trash/{}/restore"): lambda w, c, http: http.post(
            f"/spaces/{KEY}/trash/{w.trashed_page()}/restore"
        ),
        ("POST", "/spaces/{}/trash/{}/purge"): lambda w, c, http: http.post(
            f"/spaces/{KEY}/trash/{w.trashed_page()}/purge"
        ),
        ("GET", "/profile/password"): get("/profile/password"),
        ("POST", "/profile/password"): _same_password,
        ("GET", "/exports/{}/{}"): lambda w, c, http: http.get(f"/exports/word/{w.job}"),
        ("POST", "/exports/{}/{}/cancel"): lambda w, c, http: http.post(
            f"/exports/word/{w.job}/cancel"
        ),
        ("GET", "/spaces/{}/templates"): get(f"/spaces/{KEY}/templates"),
        ("POST", "/spaces/{}/templates"): lambda w, c, http: http.post(
            f"/spaces/{KEY}/templates", files={"file": template_file(TEMPLATES)}
        ),
        ("POST", "/spaces/{}/templates/{}/{}/replace"): lambda w, c, http: http.post(
            f"/spaces/{KEY}/templates/word/{w.template}/replace",
            files={"file": template_file(TEMPLATES)},
        ),
        ("POST", "/spaces/{}/templates/{}/{}/delete"): lambda w, c, http: http.post(
            f"/spaces/{KEY}/templates/word/{w.new_template()}/delete"
        ),
        ("GET", "/profile/tokens"): get("/profile/tokens"),
        ("POST", "/profile/tokens"): lambda w, c, http: http.post(
            "/profile/tokens", data={"name": "matrix page"}
        ),
        ("POST", "/profile/tokens/{}/revoke"): revoke,
        ("GET", "/static/{}"): get("/static/pressroom.css"),
        ("GET", "/admin"): get("/admin"),
        ("POST", "/admin/settings"): lambda w, c, http: http.post(
            "/admin/settings", data={"basicAuthEnabled": "true"}
        ),
        ("POST", "/admin/users"): lambda w, c, http: http.post(
            "/admin/users", data={"username": w.unique("webuser"), "password": "web-password-1"}
        ),
        ("POST", "/admin/groups"): lambda w, c, http: http.post(
            "/admin/groups", data={"name": w.unique("webgroup")}
        ),
        ("POST", "/admin/groups/{}/members"): lambda w, c, http: http.post(
            f"/admin/groups/{w.new_group()}/members", data={"username": "no-grant"}
        ),
        ("POST", "/admin/groups/{}/members/{}/remove"): lambda w, c, http: http.post(
            f"/admin/groups/{w.new_group('no-grant')}/members/no-grant/remove"
        ),
        ("POST", "/admin/users/{}/active"): lambda w, c, http: http.post(
            f"/admin/users/{w.new_user()}/active", data={"active": "false"}
        ),
        ("GET", "/spaces/{}/permissions"): get(f"/spaces/{KEY}/permissions"),
        ("POST", "/spaces/{}/permissions"): _same_grants,
    }


def _remove_member(w: World, c: Caller, http: TestClient) -> httpx.Response:
    group = w.new_group(member="no-grant")
    return http.delete(f"{ADMIN_API}/groups/{group}/members/no-grant")


def _create_page(w: World, c: Caller, http: TestClient) -> httpx.Response:
    body = {"type": "page", "title": w.unique("New "), "space": {"key": KEY}}
    return http.post("/rest/api/content", json=body)


def _export_sync(w: World, c: Caller, http: TestClient) -> httpx.Response:
    params = {"templateId": DEFAULT_TEMPLATE, "pageId": w.page}
    return http.get(f"{WORD_BASE}/export-sync", params=params)


SPEC = "/download/resources/com.k15t.scroll.scroll-office/api-docs/1/openapi.yaml"
PDF_SPEC = "/download/resources/com.k15t.scroll.scroll-pdf/api-docs/1/openapi.yaml"
CONTENT = "/rest/api/content/{}"
LABELS = "/rest/api/content/{}/label"
PERMISSIONS = f"/rest/pressroom/1/space/{KEY}/permissions"
SETTINGS_BODY = {"basicAuthEnabled": True, "urlParamAuthEnabled": False}
RECIPES: dict[tuple[str, str], Recipe] = {
    ("GET", "/status"): lambda w, c, http: http.get("/status"),
    ("GET", "/ready"): lambda w, c, http: http.get("/ready"),
    ("GET", "/metrics"): lambda w, c, http: http.get("/metrics"),
    ("GET", "/openapi.json"): lambda w, c, http: http.get("/openapi.json"),
    ("GET", "/docs"): lambda w, c, http: http.get("/docs"),
    ("GET", "/docs/oauth2-redirect"): lambda w, c, http: http.get("/docs/oauth2-redirect"),
    ("GET", "/redoc"): lambda w, c, http: http.get("/redoc"),
    ("GET", SPEC): lambda w, c, http: http.get(SPEC),
    ("GET", "/login"): lambda w, c, http: TestClient(w.app).get("/login"),
    ("POST", "/login"): _login,
    ("POST", "/logout"): lambda w, c, http: TestClient(w.app, follow_redirects=False).post(
        "/logout"
    ),
    ("GET", "/rest/api/user/current"): lambda w, c, http: http.get("/rest/api/user/current"),
    ("GET", "/rest/api/user"): lambda w, c, http: http.get("/rest/api/user?username=admin"),
    ("POST", "/rest/pat/latest/tokens"): lambda w, c, http: http.post(
        "/rest/pat/latest/tokens", json={"name": "matrix"}
    ),
    ("GET", "/rest/pat/latest/tokens"): lambda w, c, http: http.get("/rest/pat/latest/tokens"),
    ("DELETE", "/rest/pat/latest/tokens/{}"): _token_round_trip,
    ("GET", "/rest/api/space"): lambda w, c, http: http.get("/rest/api/space"),
    ("POST", "/rest/api/space"): lambda w, c, http: http.post(
        "/rest/api/space", json={"key": w.unique("NEW"), "name": "New"}
    ),
    ("GET", "/rest/api/space/{}"): lambda w, c, http: http.get(f"/rest/api/space/{KEY}"),
    ("GET", "/rest/api/space/{}/content"): lambda w, c, http: http.get(
        f"/rest/api/space/{KEY}/content"
    ),
    ("GET", "/rest/api/space/{}/content/{}"): lambda w, c, http: http.get(
        f"/rest/api/space/{KEY}/content/page"
    ),
    ("GET", "/rest/api/content"): lambda w, c, http: http.get(f"/rest/api/content?spaceKey={KEY}"),
    ("POST", "/rest/api/content"): _create_page,
    ("GET", CONTENT): lambda w, c, http: http.get(CONTENT.format(w.page)),
    ("PUT", CONTENT): _edit,
    ("DELETE", CONTENT): lambda w, c, http: http.delete(CONTENT.format(w.new_page())),
    ("GET", CONTENT + "/history"): lambda w, c, http: http.get(CONTENT.format(w.page) + "/history"),
    ("GET", CONTENT + "/child"): lambda w, c, http: http.get(CONTENT.format(w.page) + "/child"),
    ("GET", CONTENT + "/child/{}"): lambda w, c, http: http.get(
        CONTENT.format(w.page) + "/child/page"
    ),
    ("POST", CONTENT + "/child/attachment"): _upload("POST"),
    ("PUT", CONTENT + "/child/attachment"): _upload("PUT"),
    ("POST", CONTENT + "/child/attachment/{}/data"): _new_version,
    ("GET", "/download/attachments/{}/{}"): lambda w, c, http: http.get(
        f"/download/attachments/{w.page}/matrix.txt"
    ),
    ("HEAD", "/download/attachments/{}/{}"): lambda w, c, http: http.head(
        f"/download/attachments/{w.page}/matrix.txt"
    ),
    ("GET", LABELS): lambda w, c, http: http.get(LABELS.format(w.page)),
    ("POST", LABELS): lambda w, c, http: http.post(
        LABELS.format(w.page), json=[{"prefix": "global", "name": "matrix"}]
    ),
    ("DELETE", LABELS): lambda w, c, http: http.delete(
        LABELS.format(w.page), params={"name": w.new_label()}
    ),
    ("DELETE", LABELS + "/{}"): lambda w, c, http: http.delete(
        LABELS.format(w.page) + f"/{w.new_label()}"
    ),
    ("GET", "/rest/api/content/search"): lambda w, c, http: http.get(
        "/rest/api/content/search", params={"cql": f"space = {KEY}"}
    ),
    ("GET", "/rest/api/search"): lambda w, c, http: http.get(
        "/rest/api/search", params={"cql": f"space = {KEY}"}
    ),
    ("GET", "/rest/pressroom/1/content/{}/info"): lambda w, c, http: http.get(
        f"/rest/pressroom/1/content/{w.page}/info"
    ),
    ("POST", f"{WORD_BASE}/exports"): lambda w, c, http: http.post(
        f"{WORD_BASE}/exports", json={"pageId": w.page, "templateId": DEFAULT_TEMPLATE}
    ),
    ("GET", f"{WORD_BASE}/exports/{{}}/status"): lambda w, c, http: http.get(
        f"{WORD_BASE}/exports/{w.job}/status"
    ),
    ("DELETE", f"{WORD_BASE}/exports/{{}}"): lambda w, c, http: http.delete(
        f"{WORD_BASE}/exports/{w.job}"
    ),
    ("GET", "/plugins/servlet/scroll-office/api/artifacts/{}/{}"): lambda w, c, http: http.get(
        f"/plugins/servlet/scroll-office/api/artifacts/{w.job}/{w.job_file}"
    ),
    ("GET", f"{WORD_BASE}/export-sync"): _export_sync,
    ("GET", TEMPLATES): lambda w, c, http: http.get(TEMPLATES),
    ("GET", TEMPLATES + "/{}"): lambda w, c, http: http.get(f"{TEMPLATES}/{w.template}"),
    ("GET", TEMPLATES + "/{}/download"): lambda w, c, http: http.get(
        f"{TEMPLATES}/{w.template}/download"
    ),
    ("POST", TEMPLATES): _upload_template,
    ("PUT", TEMPLATES + "/{}"): _replace_template,
    ("DELETE", TEMPLATES + "/{}"): lambda w, c, http: http.delete(
        f"{TEMPLATES}/{w.new_template()}"
    ),
    ("GET", "/rest/pressroom/1/space/{}/permissions"): lambda w, c, http: http.get(PERMISSIONS),
    ("PUT", "/rest/pressroom/1/space/{}/permissions"): lambda w, c, http: http.put(
        PERMISSIONS, json=w.grants
    ),
    ("GET", f"{ADMIN_API}/settings"): lambda w, c, http: http.get(f"{ADMIN_API}/settings"),
    ("PUT", f"{ADMIN_API}/settings"): lambda w, c, http: http.put(
        f"{ADMIN_API}/settings", json=SETTINGS_BODY
    ),
    ("GET", f"{ADMIN_API}/users"): lambda w, c, http: http.get(f"{ADMIN_API}/users"),
    ("POST", f"{ADMIN_API}/users"): lambda w, c, http: http.post(
        f"{ADMIN_API}/users", json={"username": w.unique("new"), "password": "new-password-1"}
    ),
    ("GET", f"{ADMIN_API}/users/{{}}"): lambda w, c, http: http.get(f"{ADMIN_API}/users/no-grant"),
    ("PUT", f"{ADMIN_API}/users/{{}}"): lambda w, c, http: http.put(
        f"{ADMIN_API}/users/{w.new_user()}", json={"fullName": "Renamed"}
    ),
    ("DELETE", f"{ADMIN_API}/users/{{}}"): lambda w, c, http: http.delete(
        f"{ADMIN_API}/users/{w.new_user()}"
    ),
    ("GET", f"{ADMIN_API}/groups"): lambda w, c, http: http.get(f"{ADMIN_API}/groups"),
    ("POST", f"{ADMIN_API}/groups"): lambda w, c, http: http.post(
        f"{ADMIN_API}/groups", json={"name": w.unique("group")}
    ),
    ("GET", f"{ADMIN_API}/groups/{{}}"): lambda w, c, http: http.get(
        f"{ADMIN_API}/groups/{w.group}"
    ),
    ("PUT", f"{ADMIN_API}/groups/{{}}"): lambda w, c, http: http.put(
        f"{ADMIN_API}/groups/{w.group}", json={"description": "changed"}
    ),
    ("DELETE", f"{ADMIN_API}/groups/{{}}"): lambda w, c, http: http.delete(
        f"{ADMIN_API}/groups/{w.new_group()}"
    ),
    ("GET", f"{ADMIN_API}/groups/{{}}/members"): lambda w, c, http: http.get(
        f"{ADMIN_API}/groups/{w.group}/members"
    ),
    ("POST", f"{ADMIN_API}/groups/{{}}/members"): lambda w, c, http: http.post(
        f"{ADMIN_API}/groups/{w.new_group()}/members", json={"username": "no-grant"}
    ),
    ("DELETE", f"{ADMIN_API}/groups/{{}}/members/{{}}"): _remove_member,
    ("GET", f"{ADMIN_API}/audit"): lambda w, c, http: http.get(f"{ADMIN_API}/audit"),
}
RECIPES |= _pdf_recipes()
RECIPES |= _version_recipes()
RECIPES |= _page_recipes()
RECIPES = {(method, normalized(path)): recipe for (method, path), recipe in RECIPES.items()}


# -- the walk ------------------------------------------------------------------------


def verdict(response: httpx.Response, status: int | None, grant: str | None) -> str | None:
    """What is wrong with ``response`` (None: it is as expected)."""
    got = response.status_code
    if status is None:
        return None if got < 400 else f"refused with {got}: {response.text[:200]}"
    if got != status:
        return f"{got} instead of {status}: {response.text[:200]}"
    if grant is not None:
        is_page = response.headers.get("content-type", "").startswith("text/html")
        message = html.unescape(response.text) if is_page else response.json()["message"]
        if f"'{grant}' permission" not in message:
            return f"403 without naming '{grant}': {message[:300]}"
    return None


@pytest.mark.parametrize("row", TABLE, ids=lambda row: f"{row.method} {row.path}")
def test_endpoint_allows_exactly_what_the_table_says(world: World, row: Row) -> None:
    recipe = RECIPES[row.key]
    wrong = {}
    for caller in CALLERS:
        response = recipe(world, caller, world.clients[caller.name])
        problem = verdict(response, *expected(row.needs, caller))
        if problem:
            wrong[caller.name] = problem
    assert wrong == {}
