"""State changes that cannot race (finding 2) and stale moderator edits (finding 3).

The threaded tests use two real database connections (one per thread) acting at the same
moment; run them on PostgreSQL with DATABASE_URL=postgres://... as well as on SQLite.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, close_old_connections, connection
from django.test import Client

from cyplan.voice import publication, services
from cyplan.voice.models import Feedback

from .helpers import details, manager, published_item, safeguarding_lead, voice_plan

NAME = "Jamie Smith"


def ready_item(staff) -> Feedback:
    """An item with words to publish, waiting for approval."""
    return services.record_feedback(staff, details(published_text="The buses are late"))


@pytest.mark.django_db
def test_approving_from_a_copy_loaded_before_a_flag_is_refused():
    """Finding 2, step by step: the approver's copy predates the flag; the flag wins."""
    voice_plan()
    a, b = manager("a"), manager("b")
    item = ready_item(a)
    stale = Feedback.objects.get(pk=item.pk)  # b opened the page
    services.flag_for_safeguarding(a, Feedback.objects.get(pk=item.pk), "Mentions being hit")
    with pytest.raises(ValidationError, match="never published"):
        services.approve_feedback(b, stale)
    item.refresh_from_db()
    assert item.safeguarding and item.state == Feedback.State.NEW
    assert not publication.is_public(item)


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["update", "reject"])
def test_saving_from_a_copy_loaded_before_a_flag_keeps_the_flag(action):
    """Finding 2: update_feedback and reject_feedback saved the whole row from an old copy,
    clearing the flag. Now a manager cannot touch a flagged item, even from an old copy."""
    voice_plan()
    a, b = manager("a"), manager("b")
    item = published_item(a, published_text="Visible")
    stale = Feedback.objects.get(pk=item.pk)
    services.flag_for_safeguarding(a, Feedback.objects.get(pk=item.pk), "Mentions being hit")
    with pytest.raises(PermissionDenied):  # only leads may touch a flagged item now
        if action == "update":
            services.update_feedback(b, stale, details(published_text="Visible again"))
        else:
            services.reject_feedback(b, stale)
    item.refresh_from_db()
    assert item.safeguarding and not publication.is_public(item)


def _run_together(*actions):
    """Run each action in its own thread (its own database connection) at the same moment."""
    barrier = threading.Barrier(len(actions))
    errors, unexpected = [], []

    def run(action):
        try:
            barrier.wait()
            for _ in range(500):
                try:
                    action()
                    return
                except OperationalError as error:
                    # SQLite's in-memory test database (shared cache) answers "table is
                    # locked" at once where a database file waits (timeout 20 s): the
                    # person would try again, so the test does. PostgreSQL never gets here.
                    assert connection.vendor == "sqlite", error
                    assert "locked" in str(error)
                    time.sleep(0.01)
            raise AssertionError("still locked after 500 tries")
        except AssertionError as error:
            unexpected.append(error)
        except Exception as error:  # ValidationError, PermissionDenied: refused, nothing changed
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not unexpected, unexpected
    return errors


@pytest.mark.django_db(transaction=True)
def test_flag_and_approve_at_the_same_moment_never_publish():
    """Finding 2 with two connections: 8 tries of flag and approve at once; every time the
    item ends flagged and not public (before: 4 of 8 ended unflagged and public)."""
    voice_plan()
    a, b = manager("a"), manager("b")
    for _ in range(8):
        item = ready_item(a)
        stale = Feedback.objects.get(pk=item.pk)
        _run_together(
            lambda pk=item.pk: services.flag_for_safeguarding(
                a, Feedback.objects.get(pk=pk), "Mentions being hit"
            ),
            lambda stale=stale: services.approve_feedback(b, stale),
        )
        item.refresh_from_db()
        assert item.safeguarding and item.state != Feedback.State.APPROVED
        assert not publication.is_public(item)


@pytest.mark.django_db(transaction=True)
def test_flag_and_edit_at_the_same_moment_keep_the_flag():
    voice_plan()
    a, b = manager("a"), manager("b")
    for _ in range(4):
        item = published_item(a, published_text="Visible")
        version = item.version
        _run_together(
            lambda pk=item.pk: services.flag_for_safeguarding(
                a, Feedback.objects.get(pk=pk), "Mentions being hit"
            ),
            lambda pk=item.pk, v=version: services.update_feedback(
                b, Feedback.objects.get(pk=pk), details(published_text="Edited"), version=v
            ),
        )
        item.refresh_from_db()
        assert item.safeguarding and not publication.is_public(item)


@pytest.mark.django_db
def test_a_stale_moderator_edit_is_refused_with_a_clear_message():
    """Finding 3: two staff open an approved item; one takes a name out of the words to
    publish; the other saves the older form. The older save is refused; the name stays out."""
    voice_plan()
    a, b = manager("a"), manager("b")
    item = published_item(a, published_text=f"{NAME} says the buses are late")
    client_a, client_b = Client(), Client()
    client_a.force_login(a)
    client_b.force_login(b)
    opened_at = item.version  # both open the page
    form = {
        "original_text": item.original_text,
        "said_on": "2024-05-01",
        "channel": "forum",
        "plan": str(item.plan_id),
        "action": "save",
        "version": str(opened_at),
    }
    got = client_a.post(f"/voice/{item.pk}/", {**form, "published_text": "The buses are late"})
    assert got.status_code == 302
    got = client_b.post(
        f"/voice/{item.pk}/", {**form, "published_text": f"{NAME} says the buses are late"}
    )
    assert got.status_code == 400
    page = got.content.decode()
    assert "Someone else changed this item after you opened it" in page
    item.refresh_from_db()
    assert NAME not in item.published_text
    assert NAME not in Client().get("/you-said-we-did/").content.decode()
    # The page shows the item as it is now, with the new version to save against.
    assert f'name="version" value="{item.version}"' in page


@pytest.mark.django_db
def test_a_stale_approve_is_refused():
    voice_plan()
    a = manager("a")
    item = ready_item(a)
    opened_at = item.version
    services.update_feedback(a, item, details(published_text="Changed words"), version=opened_at)
    with pytest.raises(ValidationError) as error:
        services.approve_feedback(a, item, version=opened_at)
    assert "Someone else changed this item" in str(error.value)
    item.refresh_from_db()
    assert item.state == Feedback.State.NEW


@pytest.mark.django_db
def test_every_moderation_form_carries_the_version():
    voice_plan()
    a = manager("a")
    item = ready_item(a)
    client = Client()
    client.force_login(a)
    page = client.get(f"/voice/{item.pk}/").content.decode()
    # save, approve and reject each carry it
    assert page.count(f'name="version" value="{item.version}"') == 3


@pytest.mark.django_db
def test_a_lead_triaging_from_a_stale_page_is_refused():
    voice_plan()
    lead = safeguarding_lead()
    item = services.submit_public_feedback(services.PublicFeedback(text="More buses"))
    opened_at = item.version
    services.keep_as_safeguarding(lead, Feedback.objects.get(pk=item.pk), "Worrying")
    with pytest.raises(ValidationError):
        services.pass_to_moderation(lead, item, version=opened_at)
    item.refresh_from_db()
    assert item.safeguarding and item.triage == Feedback.Triage.KEPT


@pytest.mark.django_db
def test_a_stale_response_edit_is_refused():
    """The response form carries its version too: an older form cannot undo a newer save."""
    from .helpers import response

    voice_plan()
    a = manager("a")
    item = published_item(a)
    answer = response(a, item, approve=False, text=f"{NAME} asked for this")
    opened_at = answer.version
    client_a, client_b = Client(), Client()
    client_a.force_login(a)
    client_b.force_login(manager("b"))
    form = {"action": "save", "by_whom": "Youth services", "responded_on": "2024-06-01",
            "status": "done", "version": str(opened_at)}  # fmt: skip
    url = f"/voice/responses/{answer.pk}/"
    assert client_a.post(url, {**form, "text": "Young people asked for this"}).status_code == 302
    got = client_b.post(url, {**form, "text": f"{NAME} asked for this"})
    assert got.status_code == 400
    assert "Someone else changed this response after you opened it" in got.content.decode()
    answer.refresh_from_db()
    assert NAME not in answer.text
    stale_approve = client_b.post(url, {"action": "approve", "version": str(opened_at)})
    assert stale_approve.status_code == 400
    answer.refresh_from_db()
    assert answer.state == answer.State.DRAFT
