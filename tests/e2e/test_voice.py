"""Voice in a real browser: a young person has their say on a phone with the keyboard only;
every public and staff page of the feature has zero axe-core violations."""

import pytest

from cyplan.voice.demo import SAFEGUARDING_ACCOUNT
from cyplan.voice.models import Feedback, Response

from .conftest import assert_accessible

pytestmark = pytest.mark.e2e


def tab_to(page, element_id, most=25):
    """Press Tab until the element with this id has focus (keyboard only)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def sign_in(page, base, username, password):
    page.goto(base + "/accounts/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state()


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        bypass_csp=True, viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    yield page
    context.close()


def test_voice_young_person_has_their_say_on_a_phone_with_the_keyboard(voice_site, phone):
    """Journey 8: a 14-year-old sends feedback without a name, on a 375 px screen, keyboard only."""
    phone.goto(voice_site + "/you-said-we-did/")
    assert_accessible(phone)
    phone.goto(voice_site + "/have-your-say/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling
    body = phone.inner_text("main")
    assert body.index("999") < body.index("What do you want to tell us?")
    assert "Childline" in body and "0800 1111" in body
    assert_accessible(phone)

    tab_to(phone, "id_text")
    phone.keyboard.type("The youth club closed and there is nowhere to go.")
    tab_to(phone, "id_age_band-1")
    phone.keyboard.press("ArrowDown")  # 11 to 15
    assert phone.is_checked("#id_age_band-2")
    tab_to(phone, "id_about_me-1")
    tab_to(phone, "id_contact_name")  # no name, no email: straight past them
    tab_to(phone, "id_follow")
    phone.keyboard.press("Tab")  # the privacy notice
    focused = phone.evaluate("document.activeElement.tagName")
    assert focused == "SUMMARY"
    phone.keyboard.press("Enter")  # open it to read it
    assert "We never publish your name" in phone.inner_text("#privacy")
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.textContent.trim()") == "Send it to us"
    phone.keyboard.press("Enter")
    phone.wait_for_url("**/have-your-say/thank-you/")
    assert "Thank you" in phone.inner_text("h1")
    assert_accessible(phone)

    item = Feedback.objects.get(original_text__startswith="The youth club closed")
    assert (item.age_band, item.contact_name, item.contact_email) == ("11_15", "", "")
    assert item.state == Feedback.State.NEW and not item.safeguarding


def test_voice_public_pages_are_accessible(voice_site, page):
    """Every public page of the feature (and the form with errors) has zero violations."""
    item = Feedback.objects.filter(state="approved", is_example=True).first()
    for path in [
        "/have-your-say/",
        "/have-your-say/easy-read/",
        "/have-your-say/thank-you/",
        "/you-said-we-did/",
        "/you-said-we-did/?theme=care&year=2023",
        "/you-said-we-did/?priority=bromley-cypp-2021-2024:priority-3",
        f"/you-said-we-did/{item.pk}/",
    ]:
        response = page.goto(voice_site + path)
        assert response.status == 200, path
        assert page.locator("h1").count() == 1, path
        assert_accessible(page)
    assert "Example data" in page.inner_text("main")
    assert page.js_errors == []
    page.goto(voice_site + "/have-your-say/")
    page.click("button:has-text('Send it to us')")  # nothing written: the error summary
    assert "There is a problem" in page.inner_text("main")
    assert_accessible(page)


def test_voice_staff_pages_are_accessible(voice_site, page, browser):
    """The moderation pages for a plan manager, and the safeguarding pages for a lead."""
    item = Feedback.objects.filter(state="approved", is_example=True).first()
    answer = Response.objects.filter(feedback=item).first()
    sign_in(page, voice_site, "manager", "demo-manager-2024")
    for path in [
        "/voice/",
        "/voice/?state=approved",
        "/voice/new/",
        f"/voice/{item.pk}/",
        f"/voice/{item.pk}/responses/new/",
        f"/voice/responses/{answer.pk}/",
    ]:
        response = page.goto(voice_site + path)
        assert response.status == 200, path
        assert_accessible(page)
    page.goto(voice_site + "/voice/new/")
    page.click("button:has-text('Save')")  # the errors are listed and accessible too
    assert "There is a problem" in page.inner_text("main")
    assert_accessible(page)

    lead = browser.new_context(bypass_csp=True, viewport={"width": 1200, "height": 900}).new_page()
    sign_in(lead, voice_site, *SAFEGUARDING_ACCOUNT)
    waiting = Feedback.objects.get(urgent=True)
    for path in ["/voice/safeguarding/", f"/voice/{waiting.pk}/"]:
        response = lead.goto(voice_site + path)
        assert response.status == 200, path
        assert_accessible(lead)
    assert "Waiting for triage, urgent" in lead.inner_text("main")
    lead.context.close()


def test_voice_stop_emails_page_is_accessible(voice_site, page):
    """The link in a follower's email: the confirmation and the result, zero violations."""
    from cyplan.voice.unfollow import token_for

    item = Feedback.objects.filter(state=Feedback.State.APPROVED).first()
    item.contact_email, item.follow = "sam@example.org", True
    item.save()
    page.goto(voice_site + f"/you-said-we-did/stop-emails/{token_for(item)}/")
    assert_accessible(page)
    page.keyboard.press("Tab")
    page.focus("button:has-text('Stop the emails')")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Emails stopped")
    assert_accessible(page)
    item.refresh_from_db()
    assert item.contact_email == "" and not item.follow


DISCLOSURE = "i dont feel safe at home, someone at home hurts me when mum is out"


def test_voice_a_disclosure_reaches_only_the_safeguarding_lead(voice_site, phone, browser):
    """Journey 9: a child discloses on a 375 px phone with the keyboard and is told a trained
    person will read it soon; the safeguarding lead finds it in triage, acknowledges it, keeps
    it and records a referral; no plan manager ever sees it; zero axe violations throughout."""
    phone.goto(voice_site + "/")
    phone.click("#main-content a[href='/have-your-say/']")  # linked from the home page
    phone.wait_for_url("**/have-your-say/")
    tab_to(phone, "id_text")
    phone.keyboard.type(DISCLOSURE)
    tab_to(phone, "id_follow")
    phone.keyboard.press("Tab")  # the privacy notice
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.textContent.trim()") == "Send it to us"
    phone.keyboard.press("Enter")
    phone.wait_for_url("**/have-your-say/thank-you/")
    main = phone.inner_text("main")
    assert "A trained person will read it soon" in main
    assert "999" in main and "Childline" in main and "0800 1111" in main
    assert "publish" not in main.lower() and "you said, we did" not in main.lower()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(phone)
    item = Feedback.objects.get(original_text=DISCLOSURE)
    assert item.urgent and item.triage == Feedback.Triage.WAITING

    manager = browser.new_context(bypass_csp=True).new_page()
    sign_in(manager, voice_site, "manager", "demo-manager-2024")
    for path in ["/voice/", "/voice/?state=all"]:
        manager.goto(voice_site + path)
        assert "feel safe" not in manager.content()
    assert manager.goto(voice_site + f"/voice/{item.pk}/").status == 404

    lead = browser.new_context(bypass_csp=True, viewport={"width": 1200, "height": 900}).new_page()
    sign_in(lead, voice_site, *SAFEGUARDING_ACCOUNT)
    lead.goto(voice_site + "/voice/safeguarding/")
    assert_accessible(lead)
    row = lead.locator(f"tr:has(a:has-text('#{item.pk}'))").first
    assert "Urgent" in row.inner_text()
    row.locator("a").click()
    lead.wait_for_url(f"**/voice/{item.pk}/")
    assert lead.input_value("#id_original_text") == DISCLOSURE
    assert_accessible(lead)
    lead.click("button:has-text('Acknowledge')")
    lead.wait_for_selector("text=Acknowledged")
    lead.fill("#id_reason", "Disclosure of physical harm at home")
    lead.click("button:has-text('Keep as a safeguarding matter')")
    lead.wait_for_selector("text=Kept as a safeguarding matter.")
    lead.check("text=Referred to children's social care")
    lead.fill("#id_note", "Referred to the front door by phone")
    lead.click("button:has-text('Record the action')")
    lead.wait_for_selector("text=Action recorded.")
    trail = lead.inner_text("table:has(caption:has-text('Seen only by safeguarding leads'))")
    for step in (
        "Acknowledged",
        "Kept as a safeguarding matter",
        "Referred to children's social care",
    ):
        assert step in trail
    assert_accessible(lead)
    item.refresh_from_db()
    assert item.safeguarding and item.acknowledged_at is not None

    assert manager.goto(voice_site + f"/voice/{item.pk}/").status == 404
    manager.goto(voice_site + "/voice/?state=all")
    assert "feel safe" not in manager.content()
    lead.context.close()
    manager.context.close()
