"""The Content-Security-Policy in a real browser: nothing the reader's pages or the editor need
is blocked (the reply link still moves the form), and an injected inline script is."""

import pytest
from playwright.sync_api import expect

from tests.factories import CommentFactory, PostFactory
from tests.roles import user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def violations(page):
    return page.evaluate("() => window.cspViolations")


def test_the_post_page_runs_its_scripts_and_nothing_is_blocked(live_server, page):
    post = PostFactory(title="Tide tables")
    first = CommentFactory(content_object=post, user_name="Pia Holm")
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(live_server.url + post.get_absolute_url())
    page.click(f"#comment-{first.pk} .comment-reply-link")
    expect(page.locator("#reply-title")).to_contain_text("Leave a Reply to Pia Holm")
    assert violations(page) == []
    page.evaluate(
        """() => { const s = document.createElement("script");
        s.textContent = "window.injected = true"; document.body.append(s); }"""
    )
    assert page.evaluate("() => window.injected") is None
    assert any(v.startswith("script-src") for v in violations(page))


def test_the_editor_loads_under_the_admin_policy(live_server, browser):
    editor = user_with_role("Editor", "ada")
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", "pw-for-tests-only")
    page.click("input[type=submit]")
    page.goto(live_server.url + "/admin/blog/post/add/")
    expect(page.locator('.ProseMirror[contenteditable="true"]')).to_be_visible()
    assert violations(page) == []
    context.close()
