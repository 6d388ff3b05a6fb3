"""The browser pages as HTTP: HTML pages and HTML errors for page routes, JSON errors
for the API always; a form of a logged-in session needs its CSRF token; the page policy
allows no inline script; page titles and content are escaped."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.auth.conftest import csrf_token_of, login
from tests.conftest import ADMIN, create_page, create_space

pytestmark = pytest.mark.db


def browser(app) -> TestClient:  # type: ignore[no-untyped-def]
    session = TestClient(app, follow_redirects=False)
    login(session, *ADMIN)
    return session


def test_page_routes_answer_html_errors_and_api_routes_json(client: TestClient) -> None:
    missing_page = client.get("/pages/viewpage.action?pageId=424242")
    assert missing_page.status_code == 404
    assert missing_page.headers["content-type"].startswith("text/html")
    assert "No content with id 424242" in missing_page.text
    bad_parameter = client.get("/pages/viewpage.action?pageId=abc")
    assert bad_parameter.status_code == 400
    assert bad_parameter.headers["content-type"].startswith("text/html")
    api = client.get("/rest/api/content/424242", headers={"Accept": "text/html"})
    assert api.status_code == 404
    assert api.json()["statusCode"] == 404


def test_an_unknown_address_answers_a_browser_with_a_page(client: TestClient) -> None:
    as_browser = client.get("/no/such/page", headers={"Accept": "text/html,*/*"})
    assert as_browser.status_code == 404
    assert as_browser.headers["content-type"].startswith("text/html")
    as_script = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert as_script.json()["statusCode"] == 404
    under_api = client.get("/rest/no/such", headers={"Accept": "text/html"})
    assert under_api.headers["content-type"].startswith("application/json")


def test_a_visitor_is_asked_to_log_in_with_the_way_back(client: TestClient, anonymous) -> None:  # type: ignore[no-untyped-def]
    create_space(client, "DOC")
    answer = anonymous.get("/display/DOC")
    assert answer.status_code == 401
    assert 'href="/login?os_destination=%2Fdisplay%2FDOC"' in answer.text
    assert "WWW-Authenticate" not in answer.headers  # a page, not a Basic challenge


def test_pages_allow_scripts_from_this_server_only(client: TestClient) -> None:
    policy = client.get("/").headers["content-security-policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "<script>" not in client.get("/").text  # only <script src=…>


def test_a_session_form_without_its_token_is_refused(app, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    session = browser(app)
    refused = session.post("/profile/tokens", data={"name": "forged"})
    assert refused.status_code == 403
    assert "form expired" in refused.text
    form = session.get("/profile/tokens")
    made = session.post(
        "/profile/tokens", data={"name": "real", "atl_token": csrf_token_of(form.text)}
    )
    assert made.status_code == 201
    assert client.get("/rest/pat/latest/tokens").json()[0]["name"] == "real"


def test_titles_and_content_are_escaped(client: TestClient) -> None:
    create_space(client, "DOC")
    page = create_page(
        client, "<img src=x onerror=alert(1)>", body="<p>&lt;script&gt;alert(2)&lt;/script&gt;</p>"
    )
    html = client.get(f"/pages/viewpage.action?pageId={page['id']}").text
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html


def test_page_information_shows_the_export_sync_urls_of_the_page(client: TestClient) -> None:
    create_space(client, "DOC")
    page = create_page(client, "Guide")
    html = client.get(f"/pages/viewinfo.action?pageId={page['id']}").text
    urls = re.findall(r'value="(http[^"]+export-sync[^"]+)"', html)
    assert len(urls) == 2
    assert all(f"pageId={page['id']}" in url.replace("&amp;", "&") for url in urls)
    assert "scroll-office" in urls[0] and "scroll-pdf" in urls[1]


def test_a_stale_edit_is_refused_and_keeps_the_users_text(app, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    create_space(client, "DOC")
    page = create_page(client, "Guide", body="<p>one</p>")
    session = browser(app)
    form = session.get(f"/pages/editpage.action?pageId={page['id']}")
    token = csrf_token_of(form.text)
    mine = {"pageId": page["id"], "version": 1, "title": "Guide", "atl_token": token}
    first = session.post("/pages/editpage.action", data={**mine, "body": "<p>theirs</p>"})
    assert first.status_code == 303
    stale = session.post("/pages/editpage.action", data={**mine, "body": "<p>mine &amp; only</p>"})
    assert stale.status_code == 409
    assert "Someone else saved version 2" in stale.text
    assert "&lt;p&gt;mine &amp;amp; only&lt;/p&gt;</textarea>" in stale.text
    assert 'name="version" value="2"' in stale.text
    broken = session.post("/pages/editpage.action", data={**mine, "version": 2, "body": "<p>x"})
    assert broken.status_code == 400
    assert "not well-formed" in broken.text and "&lt;p&gt;x</textarea>" in broken.text


def test_space_templates_are_uploaded_with_their_validation_messages(
    app, client: TestClient
) -> None:  # type: ignore[no-untyped-def]
    from pressroom.export.docx.default_template import default_template_bytes

    create_space(client, "DOC")
    session = browser(app)
    token = csrf_token_of(session.get("/spaces/DOC/templates").text)
    broken = session.post(
        "/spaces/DOC/templates",
        data={"atl_token": token, "exporter": "word"},
        files={"file": ("notes.docx", b"not a zip", "application/octet-stream")},
    )
    assert broken.status_code == 400
    assert "cannot be used as a Word template" in broken.text or "damaged" in broken.text
    saved = session.post(
        "/spaces/DOC/templates",
        data={"atl_token": token, "exporter": "word", "name": "Handbook"},
        files={"file": ("handbook.docx", default_template_bytes(), "application/octet-stream")},
    )
    assert saved.status_code == 201
    assert "Template “Handbook” uploaded." in saved.text
    listed = client.get("/plugins/servlet/scroll-office/api/templates?spaceKey=DOC").json()
    template = next(t for t in listed if t["name"] == "Handbook")
    deleted = session.post(
        f"/spaces/DOC/templates/word/{template['id']}/delete", data={"atl_token": token}
    )
    assert deleted.status_code == 200 and "The template was deleted." in deleted.text


def test_quick_search_finds_visible_pages_by_their_words(client: TestClient, anonymous) -> None:  # type: ignore[no-untyped-def]
    create_space(client, "DOC")
    create_page(client, "Backup guide", body="<p>Rotate the snapshots weekly.</p>")
    create_page(client, "Quotes", body='<p>He said "hello\\ world"</p>')
    found = client.get("/dosearchsite.action", params={"queryString": "snapshots"})
    assert found.status_code == 200
    assert "1 result for" in found.text and "Backup guide" in found.text
    odd = client.get("/dosearchsite.action", params={"queryString": '"hello\\'})
    assert odd.status_code == 200
    assert (
        "Backup guide"
        not in anonymous.get("/dosearchsite.action", params={"queryString": "snapshots"}).text
    )


def test_an_administrator_deactivates_a_user_and_removes_a_member_in_the_browser(
    app, client: TestClient
) -> None:  # type: ignore[no-untyped-def]
    admin_api = "/rest/pressroom/1/admin"
    body = {"username": "leaver", "password": "leaver-password-1"}
    assert client.post(f"{admin_api}/users", json=body).status_code == 201
    assert client.post(f"{admin_api}/groups", json={"name": "writers"}).status_code == 201
    members = f"{admin_api}/groups/writers/members"
    assert client.post(members, json={"username": "leaver"}).status_code == 201
    leaver = ("leaver", "leaver-password-1")
    assert client.get("/rest/api/space", auth=leaver).status_code == 200

    session = browser(app)
    token = csrf_token_of(session.get("/admin").text)
    page = session.post("/admin/users/leaver/active", data={"active": "false", "atl_token": token})
    assert page.status_code == 200 and "User leaver is deactivated." in page.text
    assert client.get("/rest/api/space", auth=leaver).status_code == 401
    removed = session.post("/admin/groups/writers/members/leaver/remove", data={"atl_token": token})
    assert removed.status_code == 200 and "no longer a member of writers" in removed.text
    assert client.get(members).json() == []
    events = [e["event"] for e in client.get(f"{admin_api}/audit").json()]
    assert "user.update" in events and "group.member.remove" in events
