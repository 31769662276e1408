"""Drafts stay draft (issue 14, finding 8): nothing of a draft plan reaches anyone who may not
read it; importing a draft never changes what a published plan shows; deleting a plan
publishes nothing; the audit log shows entries about a flagged item only to safeguarding
leads; a lead does not read or overwrite a co-lead's unapproved update.
"""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from cyplan.accounts.models import Role
from cyplan.delivery import services
from cyplan.delivery.models import ProgressUpdate
from cyplan.plans.importer import import_plan_file
from cyplan.plans.models import Board, Organisation, Plan, PlanNode
from cyplan.plans.plan_file import check_plan_text
from cyplan.voice import conf
from cyplan.voice import services as voice
from cyplan.voice.models import Feedback
from tests.disproportionality.helpers import make_cohort
from tests.factories import PLAN, make_plan, make_user

pytestmark = pytest.mark.django_db

SECRET_TITLE = "DRAFT-ONLY priority title"
SECRET_BOARD = "DRAFT-RENAMED board name"
SECRET_DESCRIPTION = "DRAFT-ONLY board description"


def draft_plan_text(slug="draft-plan", status="draft") -> str:
    """A second plan of the same area, naming the published plan's board 'ceb' with a new
    name and description, and a priority whose title must not leak."""
    return (
        PLAN.replace("slug: test-plan", f"slug: {slug}")
        .replace("title: Test plan", "title: Draft plan")
        .replace("status: published", f"status: {status}")
        .replace("title: Early help}", f"title: {SECRET_TITLE}}}")
        .replace(
            "{id: ceb, name: Children's Executive Board,",
            f"{{id: ceb, name: {SECRET_BOARD}, description: {SECRET_DESCRIPTION},",
        )
        .replace("{id: nhs, name: Testshire NHS}", "{id: nhs, name: DRAFT-RENAMED NHS}")
    )


def import_text(text):
    return import_plan_file(check_plan_text(text, "plan.yaml"))


@pytest.fixture
def plans():
    published = make_plan()
    draft = import_text(draft_plan_text()).plan
    assert draft.status == Plan.Status.DRAFT
    return published, draft


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# Disproportionality: the cohort page and the add-cohort form ---------------------------


def test_public_cohort_page_shows_no_draft_priority(plans):
    make_cohort(nodes=(("test-plan", "p1-c1"), ("draft-plan", "p1")))
    page = Client().get("/disproportionality/cohorts/children-in-care/").content.decode()
    assert "Help families early" in page  # the published plan's commitment: the control
    assert SECRET_TITLE not in page and "Draft plan" not in page
    lead = make_user("lead", Role.ACTION_LEAD, lead_roles=["Head of Early Help"])
    page = signed_in(lead).get("/disproportionality/cohorts/children-in-care/").content.decode()
    assert SECRET_TITLE not in page
    manager = make_user("manager", Role.PLAN_MANAGER)
    page = signed_in(manager).get("/disproportionality/cohorts/children-in-care/").content.decode()
    assert SECRET_TITLE in page  # a plan manager reads drafts


def test_add_cohort_form_names_draft_plans_as_drafts(plans):
    manager = make_user("manager", Role.PLAN_MANAGER)
    page = signed_in(manager).get("/disproportionality/cohorts/new/").content.decode()
    assert "Draft plan (draft: not shown to the public until it is published)" in page


def test_node_choices_offer_only_plans_the_person_may_read(plans):
    from cyplan.disproportionality.forms import node_choices

    lead = make_user("lead", Role.ACTION_LEAD, lead_roles=["Head of Early Help"])
    groups = dict(node_choices(lead))
    assert list(groups) == ["Test plan"]
    assert not any(SECRET_TITLE in label for label in str(groups).split("'"))


# Importing a draft that names a shared board -------------------------------------------


def _published_outputs() -> str:
    """What the published plan shows: its governance page, API and JSON export."""
    pages = [
        Client().get("/plans/test-plan/governance/").content.decode(),
        Client().get("/api/plans/test-plan/").content.decode(),
    ]
    out = io.StringIO()
    call_command("plan", "export", "test-plan", "--format", "json", stdout=out)
    return "\n".join([*pages, out.getvalue()])


def test_draft_import_never_changes_a_shared_board_or_organisation(plans):
    board = Board.objects.get(key="ceb")
    assert board.name == "Children's Executive Board" and board.description == ""
    assert Organisation.objects.get(key="nhs").name == "Testshire NHS"
    shown = _published_outputs()
    assert "Children's Executive Board" in shown or "Children&#x27;s Executive Board" in shown
    assert SECRET_BOARD not in shown and SECRET_DESCRIPTION not in shown
    assert "DRAFT-RENAMED NHS" not in shown


def test_draft_import_says_what_it_kept(plans):
    result = import_text(draft_plan_text())  # again: the summary says what was kept aside
    text = result.summary()
    assert "board ceb (name, description)" in text and "organisation nhs (name)" in text


def test_publishing_the_plan_applies_what_it_says(plans):
    import_text(draft_plan_text(status="published"))
    board = Board.objects.get(key="ceb")
    assert (board.name, board.description) == (SECRET_BOARD, SECRET_DESCRIPTION)
    assert Organisation.objects.get(key="nhs").name == "DRAFT-RENAMED NHS"


def test_a_draft_alone_in_its_area_still_sets_its_boards():
    """With no published plan in the area, a draft's own boards follow its file."""
    import_text(draft_plan_text())
    import_text(draft_plan_text().replace(SECRET_BOARD, "Renamed again"))
    assert Board.objects.get(key="ceb").name == "Renamed again"


# Deleting a plan publishes nothing ------------------------------------------------------


@pytest.fixture
def approved_item_of_draft(plans):
    _, draft = plans
    manager = make_user("manager", Role.PLAN_MANAGER)
    item = voice.record_feedback(
        manager,
        voice.ItemDetails(
            original_text="DRAFT-ITEM words", published_text="DRAFT-ITEM words",
            said_on=date(2024, 5, 1), channel="forum", age_band="11_15", plan=draft,
        ),
    )  # fmt: skip
    voice.approve_feedback(manager, item)
    assert "DRAFT-ITEM" not in Client().get("/you-said-we-did/").content.decode()
    return item


def test_deleting_a_draft_plan_does_not_publish_its_items(approved_item_of_draft, plans):
    plans[1].delete()
    item = Feedback.objects.get(pk=approved_item_of_draft.pk)
    assert item.plan is None and item.state == Feedback.State.NEW
    assert "DRAFT-ITEM" not in Client().get("/you-said-we-did/").content.decode()
    assert Client().get(f"/you-said-we-did/{item.pk}/").status_code == 404


def test_deleting_a_plan_in_the_admin_does_not_publish_its_items(approved_item_of_draft, plans):
    admin = make_user("admin", Role.ADMINISTRATOR)
    response = signed_in(admin).post(f"/admin/plans/plan/{plans[1].pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Plan.objects.filter(slug="draft-plan").exists()
    assert "DRAFT-ITEM" not in Client().get("/you-said-we-did/").content.decode()
    assert Feedback.objects.get(pk=approved_item_of_draft.pk).state == Feedback.State.NEW


# Leads and draft plans -----------------------------------------------------------------


@pytest.fixture
def lead(plans):
    return make_user("lead", Role.ACTION_LEAD, lead_roles=["Head of Early Help"])


def test_my_actions_shows_a_lead_no_draft_plan(lead):
    client = signed_in(lead)
    page = client.get("/my-actions/").content.decode()
    assert "Run parenting courses" in page  # their published plan's action: the control
    assert "Draft plan" not in page
    csv = client.get("/my-actions/?format=csv").content.decode("utf-8-sig")
    assert "Test plan" in csv and "Draft plan" not in csv


def test_a_lead_cannot_open_a_draft_plans_update_form(lead):
    response = signed_in(lead).get("/plans/draft-plan/p1-c1-a/update/")
    assert response.status_code == 403
    assert "Run parenting courses" not in response.content.decode()
    assert signed_in(lead).get("/plans/test-plan/p1-c1-a/update/").status_code == 200


# A co-lead's unapproved update ---------------------------------------------------------


@pytest.fixture
def co_leads(plans, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    first = make_user("first", Role.ACTION_LEAD, lead_roles=["Head of Early Help"])
    second = make_user("second", Role.ACTION_LEAD, lead_roles=["Head of Early Help"])
    node = PlanNode.objects.get(plan__slug="test-plan", key="p1-c1-a")
    update = services.save_update(
        first, node, services.UpdateInput("2024-25-Q2", "at_risk", "FIRST-LEAD draft words"),
        submit=False,
    )  # fmt: skip
    services.attach_evidence(first, update, SimpleUploadedFile("notes.txt", b"FIRST-LEAD file"))
    return first, second, node, update


def test_a_co_lead_does_not_see_anothers_draft_narrative(co_leads):
    first, second, _, update = co_leads
    url = "/plans/test-plan/p1-c1-a/update/?period=2024-25-Q2"
    page = signed_in(second).get(url).content.decode()
    assert "FIRST-LEAD draft words" not in page
    assert "Another lead has started the update for this period" in page
    assert "FIRST-LEAD draft words" in signed_in(first).get(url).content.decode()


def test_a_co_lead_cannot_overwrite_anothers_draft(co_leads):
    _, second, _, update = co_leads
    # With the version the form used to carry (the draft's own), so only the rule stops it.
    response = signed_in(second).post(
        "/plans/test-plan/p1-c1-a/update/",
        {"period": "2024-25-Q2", "status": "on_track", "rag": "", "narrative": "Overwritten",
         "version": str(update.version)},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Another lead has started the update" in response.content.decode()
    assert ProgressUpdate.objects.get(pk=update.pk).narrative == "FIRST-LEAD draft words"


def test_a_co_lead_cannot_download_anothers_draft_evidence(co_leads):
    first, second, _, update = co_leads
    evidence = update.files.get()
    assert signed_in(second).get(f"/evidence/{evidence.pk}/").status_code == 403
    assert signed_in(first).get(f"/evidence/{evidence.pk}/").status_code == 200


def test_once_approved_the_co_lead_reads_it(co_leads):
    first, second, _, update = co_leads
    manager = make_user("manager", Role.PLAN_MANAGER)
    services.save_update(
        first, update.node, services.UpdateInput("2024-25-Q2", "at_risk", "FIRST-LEAD draft words"),
        submit=True,
    )  # fmt: skip
    services.approve(manager, ProgressUpdate.objects.get(pk=update.pk))
    evidence = update.files.get()
    assert signed_in(second).get(f"/evidence/{evidence.pk}/").status_code == 200


# The audit log and flagged items -------------------------------------------------------


def test_audit_entries_about_a_flagged_item_only_for_safeguarding_leads(plans):
    manager = make_user("manager", Role.PLAN_MANAGER)
    item = voice.record_feedback(
        manager,
        voice.ItemDetails(
            original_text="my uncle hits me", published_text="", said_on=date(2024, 5, 1),
            channel="forum", age_band="11_15", plan=plans[0],
        ),
    )  # fmt: skip
    # The harm check makes a staff-recorded item like this urgent, for triage; the
    # safeguarding lead who reads it there flags it as a possible disclosure.
    lead = make_user("sg-lead", Role.PLAN_MANAGER)
    lead.groups.add(Group.objects.get_or_create(name=conf.safeguarding_group())[0])
    item = voice.flag_for_safeguarding(lead, item, "A child says an adult hits them")
    assert Feedback.objects.get(pk=item.pk).safeguarding
    other = voice.record_feedback(
        manager,
        voice.ItemDetails(
            original_text="more buses please", published_text="", said_on=date(2024, 5, 1),
            channel="forum", age_band="11_15", plan=plans[0],
        ),
    )  # fmt: skip
    marker = f"#{item.pk}"
    for url in ("/audit/", "/audit/?format=csv"):
        shown = signed_in(manager).get(url).content.decode("utf-8-sig")
        assert f"#{other.pk}" in shown  # the unflagged item's entry: the control
        assert marker not in shown and "'safeguarding': True" not in shown
        assert '"safeguarding": true' not in shown
    shown = signed_in(lead).get("/audit/?format=csv").content.decode("utf-8-sig")
    assert marker in shown


def test_plan_managers_still_see_every_plan_in_the_audit_log(plans):
    """The control for the filter: plan entries (drafts included) stay for managers."""
    manager = make_user("manager", Role.PLAN_MANAGER)
    shown = signed_in(manager).get("/audit/?format=csv").content.decode("utf-8-sig")
    # the audit log names plans by title: the draft's import is there beside the published one's
    assert "Draft plan" in shown and shown.count("import plan") >= 2


# Reminders and the voice staff form -----------------------------------------------------


def test_reminders_never_email_a_lead_about_a_draft_plan(lead, mailoutbox):
    lead.email = "lead@example.org"
    lead.save()
    out = io.StringIO()
    call_command("reminders", "--send", "--json", stdout=out)
    listed = {row["plan"] for row in json.loads(out.getvalue())}
    assert "test-plan" in listed and "draft-plan" not in listed  # the published one: control
    from cyplan.core.outbox import send_due

    send_due()  # reminders are queued in the outbox; the worker sends them
    sent = "\n".join(m.subject + m.body for m in mailoutbox)
    assert "Run parenting courses" in sent and "Draft plan" not in sent


def test_voice_form_offers_a_safeguarding_lead_no_draft_plan(plans):
    from cyplan.voice.forms import ItemForm

    sg_lead = make_user("sg-lead", Role.ACTION_LEAD, lead_roles=["Head of SEND"])
    sg_lead.groups.add(Group.objects.get_or_create(name=conf.safeguarding_group())[0])
    # The form a safeguarding lead edits a flagged item with.
    form = ItemForm(user=sg_lead)
    plans_offered = dict(form.fields["plan"].choices).values()
    assert "Test plan" in plans_offered and "Draft plan" not in plans_offered
    nodes_offered = str(form.fields["nodes"].choices)
    assert "Early help" in nodes_offered and SECRET_TITLE not in nodes_offered
    assert not form.fields["promises"].queryset.filter(plan__slug="draft-plan").exists()
    form = ItemForm(user=make_user("manager", Role.PLAN_MANAGER))
    assert "Draft plan" in dict(form.fields["plan"].choices).values()


def test_my_actions_shows_a_co_lead_no_status_from_anothers_draft(co_leads):
    first, second, _, _ = co_leads
    # The only update of p1-c1-a is the first lead's draft, status "at risk".
    assert "At risk" in signed_in(first).get("/my-actions/").content.decode()
    csv = signed_in(second).get("/my-actions/?format=csv").content.decode("utf-8-sig")
    row = next(line for line in csv.splitlines() if "p1-c1-a" in line)
    assert "At risk" not in row and "No update" in row
