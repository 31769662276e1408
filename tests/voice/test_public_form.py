"""The public form: stored for moderation, spam protection (honeypot, rate limit), following."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from cyplan.core.outbox import send_due
from cyplan.voice import services
from cyplan.voice.models import Feedback

from .helpers import manager, response, safeguarding_lead, voice_plan

pytestmark = pytest.mark.django_db
GOOD = {"text": "The park needs lights", "age_band": "16_18", "about_me": ["send"]}


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_submission_is_stored_for_moderation_never_published(client):
    """A valid form is stored as new, from the public form, with the group it gave."""
    assert client.post("/have-your-say/", GOOD).status_code == 302
    item = Feedback.objects.get()
    assert item.state == Feedback.State.NEW and item.published_text == ""
    assert (item.channel, item.age_band, item.send, item.care_experienced) == (
        "public_form",
        "16_18",
        True,
        False,
    )
    assert "The park needs lights" not in client.get("/you-said-we-did/").content.decode()


def test_the_easy_read_form_marks_its_items(client):
    """Items sent with the easy-read form say so."""
    client.post("/have-your-say/easy-read/", {"text": "More buses"})
    assert Feedback.objects.get().easy_read


def test_honeypot_submission_is_thanked_and_thrown_away(client):
    """A filled honeypot gets the usual thank-you redirect and nothing is stored."""
    response = client.post("/have-your-say/", {**GOOD, "website": "http://spam.example"})
    assert response.status_code == 302 and response["Location"] == "/have-your-say/thank-you/"
    assert Feedback.objects.count() == 0


def test_over_the_rate_limit_an_item_is_kept_and_held_as_possible_spam(settings):
    """With a limit of 3 an hour, the 4th item from one address is kept, marked held as
    possible spam and waiting for triage like any other; the child is thanked (finding 4:
    it used to be refused with a 429 and thrown away)."""
    settings.CYPLAN_FEEDBACK_RATE_LIMIT = "3"
    first = Client(REMOTE_ADDR="203.0.113.5")
    codes = [first.post("/have-your-say/", GOOD).status_code for _ in range(4)]
    assert codes == [302, 302, 302, 302]
    items = list(Feedback.objects.order_by("id"))
    assert [i.held_as_spam for i in items] == [False, False, False, True]
    assert {i.triage for i in items} == {Feedback.Triage.WAITING}
    assert Client(REMOTE_ADDR="198.51.100.7").post("/have-your-say/", GOOD).status_code == 302
    assert not Feedback.objects.latest("id").held_as_spam  # another address has its own count


def test_a_disclosure_over_the_limit_is_kept_and_alerts_at_once(settings):
    """Finding 4: over the limit, a disclosure was thrown away (not stored, not flagged, no
    email). Now it is stored, urgent, and the safeguarding email is queued."""
    settings.CYPLAN_FEEDBACK_RATE_LIMIT = "1"
    settings.CYPLAN_SAFEGUARDING_EMAIL = "sg@council.example"
    child = Client(REMOTE_ADDR="203.0.113.5")
    child.post("/have-your-say/", GOOD)
    got = child.post("/have-your-say/", {"text": "Someone at home hurts me when mum is out"})
    assert got.status_code == 302
    item = Feedback.objects.latest("id")
    assert item.urgent and item.held_as_spam and item.triage == Feedback.Triage.WAITING
    send_due()
    assert [m.to for m in mail.outbox] == [["sg@council.example"]]


def test_behind_the_proxy_each_child_has_their_own_count(settings):
    """Finding 4: behind the proxy every request came from 127.0.0.1, so 15 posts shut out
    everyone. With the trusted header each client is counted by its own address."""
    settings.CYPLAN_FEEDBACK_RATE_LIMIT = "2"
    settings.CYPLAN_CLIENT_IP_HEADER = "X-Forwarded-For"
    settings.CYPLAN_TRUSTED_PROXY_COUNT = 1

    def post(address):
        proxied = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=address)
        assert proxied.post("/have-your-say/", GOOD).status_code == 302
        return Feedback.objects.latest("id").held_as_spam

    assert [post("203.0.113.5") for _ in range(3)] == [False, False, True]
    assert post("198.51.100.7") is False  # a different child is not held
    # A client cannot forge its way out: only the entry the proxy wrote counts.
    assert post("6.6.6.6, 203.0.113.5") is True


def test_the_counters_are_in_the_shared_database_cache():
    """Every server process counts together: the cache is Django's database cache."""
    from django.conf import settings as django_settings
    from django.db import connection

    from cyplan.voice import spam

    assert django_settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    spam.count_submission("203.0.113.9")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM cyplan_cache")
        assert cursor.fetchone()[0] == 1


def test_the_cache_never_holds_the_address(settings):
    """The rate-limit key is a keyed hash, not the address itself."""
    from cyplan.voice import spam

    spam.count_submission("203.0.113.9")
    assert "203.0.113.9" not in spam._key("203.0.113.9")


def test_errors_are_listed_and_nothing_is_stored(client):
    """An empty message, or following without an email, is explained and changes nothing."""
    response = client.post("/have-your-say/", {"text": " ", "follow": "on"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Tell us what you think" in page
    assert "Give your email address if you want us to tell you what happens" in page
    assert Feedback.objects.count() == 0


def test_follower_is_emailed_once_when_a_response_is_published(client):
    """Someone who left an email and asked is told when the response goes public, once."""
    voice_plan()
    staff = manager()
    client.post(
        "/have-your-say/",
        {
            "text": "More benches",
            "contact_name": "Sam",
            "contact_email": "sam@example.org",
            "follow": "on",
        },
    )
    item = Feedback.objects.get()
    services.pass_to_moderation(safeguarding_lead(), item)
    item.published_text = "More benches in the park"
    item.save()
    services.approve_feedback(staff, item)
    mail.outbox.clear()
    draft = response(staff, item, approve=False)
    assert mail.outbox == []  # a draft tells no one
    services.approve_response(staff, draft)
    send_due()
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
    assert f"/you-said-we-did/{item.pk}/" in mail.outbox[0].body
    services.approve_response(staff, draft)
    send_due()
    assert len(mail.outbox) == 1


def test_no_email_without_asking(client):
    """An email address without the follow box ticked gets no message."""
    voice_plan()
    staff = manager()
    client.post("/have-your-say/", {"text": "More benches", "contact_email": "sam@example.org"})
    item = Feedback.objects.get()
    services.pass_to_moderation(safeguarding_lead(), item)
    item.published_text = "More benches"
    item.save()
    services.approve_feedback(staff, item)
    mail.outbox.clear()
    response(staff, item)
    send_due()
    assert mail.outbox == []


def test_the_form_needs_csrf():
    """Without the CSRF token the form is refused."""
    client = Client(enforce_csrf_checks=True)
    assert client.post("/have-your-say/", GOOD).status_code == 403
    assert Feedback.objects.count() == 0


def test_the_link_in_the_email_stops_the_emails_and_deletes_the_contact_details(client):
    """The follower's email has a signed link; opening it and confirming stops the emails and
    deletes the name and address; a changed link does nothing."""
    import re

    voice_plan()
    staff = manager()
    client.post("/have-your-say/", {"text": "More benches", "contact_name": "Sam",
                                    "contact_email": "sam@example.org", "follow": "on"})  # fmt: skip
    item = Feedback.objects.get()
    services.pass_to_moderation(safeguarding_lead(), item)
    item.published_text = "More benches in the park"
    item.save()
    services.approve_feedback(staff, item)
    mail.outbox.clear()
    response(staff, item)
    send_due()
    link = re.search(r"http\S*/you-said-we-did/stop-emails/(\S+)/", mail.outbox[0].body)
    url = f"/you-said-we-did/stop-emails/{link[1]}/"
    assert "Stop the emails" in client.get(url).content.decode()
    assert client.get(url.replace(link[1], link[1][:-2] + "xx")).status_code == 404
    assert client.post(url.replace(link[1], link[1][:-2] + "xx")).status_code == 404
    item.refresh_from_db()
    assert item.follow and item.contact_email == "sam@example.org"  # the bad link changed nothing
    assert "Emails stopped" in client.post(url).content.decode()
    item.refresh_from_db()
    assert (item.follow, item.contact_name, item.contact_email) == (False, "", "")
    mail.outbox.clear()
    response(staff, item, text="Benches are in.")
    send_due()
    assert mail.outbox == []
    assert "You will not get any more emails" in client.get(url).content.decode()
