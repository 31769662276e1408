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
    flagged = Feedback.objects.get(safeguarding=True)
    for path in ["/voice/safeguarding/", f"/voice/{flagged.pk}/"]:
        response = lead.goto(voice_site + path)
        assert response.status == 200, path
        assert_accessible(lead)
    assert "Flagged for safeguarding" in lead.inner_text("main")
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
