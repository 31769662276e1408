"""Moderation through the staff pages: record, edit, approve, respond, flag; bad input changes nothing."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from cyplan.core.outbox import send_due
from cyplan.voice import services
from cyplan.voice.models import Feedback, Response

from .helpers import details, manager, node, published_item, response, theme, voice_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    voice_plan()
    return manager()


@pytest.fixture
def as_manager(staff):
    client = Client()
    client.force_login(staff)
    return client


def item_form(**overrides):
    data = {
        "original_text": "We want a say in who our social worker is. I'm Alex at Oak House.",
        "published_text": "",
        "said_on": "2024-05-01",
        "channel": "forum",
        "channel_detail": "Living in Care Council",
        "age_band": "16_18",
        "care_experienced": "on",
        "plan": str(voice_plan().pk),
        "themes": [str(theme("care").pk)],
        "nodes": [str(node("p1-c1").pk)],
    }
    data.update(overrides)
    return data


def test_record_edit_approve_and_publish_through_the_pages(as_manager, client):
    """A manager records an item, writes the words to publish, approves it, adds and publishes a response."""
    response_ = as_manager.post("/voice/new/", item_form())
    item = Feedback.objects.get()
    assert response_["Location"] == f"/voice/{item.pk}/"
    assert item.care_experienced and item.state == Feedback.State.NEW
    as_manager.post(
        f"/voice/{item.pk}/",
        item_form(
            action="save",
            published_text="We want a say in who our social worker is.",
            version=item.version,
        ),
    )
    item.refresh_from_db()
    as_manager.post(f"/voice/{item.pk}/", {"action": "approve", "version": item.version})
    item.refresh_from_db()
    assert item.state == Feedback.State.APPROVED
    page = client.get(f"/you-said-we-did/{item.pk}/").content.decode()
    assert "We want a say in who our social worker is." in page
    assert "Alex" not in page and "Oak House" not in page
    as_manager.post(
        f"/voice/{item.pk}/responses/new/",
        {
            "action": "save",
            "text": "Young people now meet two social workers and choose.",
            "by_whom": "Children's social care",
            "responded_on": "2024-06-01",
            "status": "done",
        },
    )
    answer = Response.objects.get()
    assert answer.state == Response.State.DRAFT
    assert "meet two social workers" not in client.get("/you-said-we-did/").content.decode()
    as_manager.post(
        f"/voice/responses/{answer.pk}/", {"action": "approve", "version": answer.version}
    )
    assert "meet two social workers" in client.get("/you-said-we-did/").content.decode()


def test_flag_through_the_page_hides_and_notifies(as_manager, staff, client, settings):
    """The flag button (with a reason) emails the contact and the item leaves the public page."""
    settings.CYPLAN_SAFEGUARDING_EMAIL = "sg@council.example"
    item = published_item(staff, published_text="Visible words")
    assert "Visible words" in client.get("/you-said-we-did/").content.decode()
    mail.outbox.clear()
    as_manager.post(f"/voice/{item.pk}/", {"action": "flag", "reason": "Mentions being hit"})
    send_due()
    assert [m.to for m in mail.outbox] == [["sg@council.example"]]
    assert "Visible words" not in client.get("/you-said-we-did/").content.decode()
    assert as_manager.get(f"/voice/{item.pk}/").status_code == 404


def test_flag_without_a_reason_is_refused(as_manager, staff):
    """Flagging needs a reason; without one nothing changes and the error is shown."""
    item = services.record_feedback(staff, details())
    got = as_manager.post(f"/voice/{item.pk}/", {"action": "flag", "reason": ""})
    assert got.status_code == 400 and "Say why" in got.content.decode()
    item.refresh_from_db()
    assert not item.safeguarding


def test_approving_without_words_to_publish_shows_the_error(as_manager, staff):
    """The page says what to do and the item stays waiting."""
    item = services.record_feedback(staff, details(published_text=""))
    got = as_manager.post(f"/voice/{item.pk}/", {"action": "approve", "version": item.version})
    assert got.status_code == 400
    assert "Write the words to publish" in got.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"original_text": " "}, "original_text", "Enter what was said"),
        ({"channel": "telepathy"}, "channel", "Choose how it was said"),
        (
            {"said_on": timezone.localdate() + timedelta(days=1)},
            "said_on",
            "today or in the past",
        ),
        ({"plan": None}, "plan", "Choose the plan"),
    ],
)
def test_bad_item_details_are_refused(staff, overrides, field, message):
    """Each mistake is named by its field and nothing is saved."""
    with pytest.raises(ValidationError) as error:
        services.record_feedback(staff, details(nodes=[node("p1")], **overrides))
    assert message in " ".join(error.value.message_dict[field])
    assert Feedback.objects.count() == 0


def test_node_from_another_plan_is_refused(staff):
    """Linking a node of a different plan is refused."""
    from tests.factories import PLAN, make_plan

    make_plan(PLAN.replace("slug: test-plan", "slug: other-plan"))
    other = node("p1").__class__.objects.get(plan__slug="other-plan", key="p1")
    with pytest.raises(ValidationError) as error:
        services.record_feedback(staff, details(nodes=[other]))
    assert "is not part of Test plan" in error.value.message_dict["nodes"][0]


def test_not_possible_needs_a_reason(staff):
    """A 'not possible' response without its reason is refused; with one it is kept."""
    item = published_item(staff)
    with pytest.raises(ValidationError) as error:
        response(staff, item, status="not_possible")
    assert error.value.message_dict["reason"] == ["Give the reason it is not possible"]
    made = response(staff, item, status="not_possible", reason="Bus fares are set nationally")
    assert made.reason == "Bus fares are set nationally"


def test_responses_link_the_actions_that_delivered_them(staff, client):
    """A response's actions are listed, with links, on the public item page."""
    item = published_item(staff)
    response(staff, item, actions=[node("p1-c1-a")], on=date(2024, 6, 1))
    page = client.get(f"/you-said-we-did/{item.pk}/").content.decode()
    assert 'href="/plans/test-plan/p1-c1-a/"' in page


def test_emptying_the_published_words_takes_an_item_off_the_public_page(staff):
    """Editing a published item to have no words to publish returns it to moderation."""
    item = published_item(staff)
    services.update_feedback(staff, item, details(published_text=""))
    item.refresh_from_db()
    assert item.state == Feedback.State.NEW


def test_example_items_are_labelled(client):
    """The demo's made-up items say 'Example' on the public page, and the demo flags its disclosure."""
    from cyplan.core.demo import create_demo_accounts
    from cyplan.plans.builtin import builtin_plan_paths
    from cyplan.plans.importer import import_plan_path
    from cyplan.voice.demo import create_example_voice

    for path in builtin_plan_paths():
        import_plan_path(path)
    create_demo_accounts()
    assert create_example_voice() == 7
    assert create_example_voice() == 0  # once only
    page = client.get("/you-said-we-did/").content.decode()
    assert "Example data" in page
    assert "5 things people told us" in page  # 5 of the 7 are approved; 1 waits; 1 is urgent
    urgent = Feedback.objects.get(urgent=True)
    assert urgent.triage == Feedback.Triage.WAITING and urgent.is_example
