"""The update workflow: record, submit, approve, return; permissions; concurrency; audit."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cyplan.accounts.models import Role
from cyplan.core.models import AuditEntry
from cyplan.delivery import services
from cyplan.delivery.models import ProgressUpdate
from cyplan.delivery.services import ConcurrentEditError, UpdateInput
from cyplan.plans.models import Organisation, PlanNode
from tests.factories import make_plan, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    plan = make_plan()
    council = Organisation.objects.get(key="council")
    return {
        "plan": plan,
        "action": PlanNode.objects.get(key="p1-c1-a"),
        "other": PlanNode.objects.get(key="p1-c2-a"),
        "lead": make_user(
            "lead", Role.ACTION_LEAD, lead_roles=["head of early help"], organisation=council
        ),
        "manager": make_user("manager", Role.PLAN_MANAGER),
    }


def entry(period="2024-25-Q2", status="on_track", narrative="Three courses ran."):
    return UpdateInput(period=period, status=status, narrative=narrative)


def test_lead_submits_and_manager_approves(setting):
    """Submitted updates are not public until a plan manager approves them."""
    update = services.save_update(setting["lead"], setting["action"], entry(), submit=True)
    assert update.state == ProgressUpdate.State.SUBMITTED and not update.is_public
    assert update.rag_shown == "green"  # on track implies green when no RAG is given
    services.approve(setting["manager"], update)
    update.refresh_from_db()
    assert update.state == ProgressUpdate.State.APPROVED and update.is_public
    assert update.reviewed_by == setting["manager"]


def test_return_needs_a_comment_and_the_lead_answers(setting):
    """A manager returns an update with a question; the lead edits and resubmits."""
    update = services.save_update(setting["lead"], setting["action"], entry(), submit=True)
    with pytest.raises(ValidationError):
        services.return_update(setting["manager"], update, "  ")
    services.return_update(setting["manager"], update, "How many parents attended?")
    update.refresh_from_db()
    assert update.state == ProgressUpdate.State.RETURNED
    again = services.save_update(
        setting["lead"],
        setting["action"],
        entry(narrative="Three courses, 41 parents."),
        submit=True,
        expected_version=update.version,
    )
    assert again.pk == update.pk and again.state == ProgressUpdate.State.SUBMITTED
    assert again.narrative == "Three courses, 41 parents."


def test_lead_cannot_update_what_they_do_not_lead(setting):
    """An action lead is scoped to the actions whose lead role and organisation match."""
    with pytest.raises(PermissionDenied):
        services.save_update(setting["lead"], setting["other"], entry(), submit=True)
    nhs = Organisation.objects.get(key="nhs")
    wrong_org = make_user(
        "elsewhere", Role.ACTION_LEAD, lead_roles=["Head of Early Help"], organisation=nhs
    )
    with pytest.raises(PermissionDenied):
        services.save_update(wrong_org, setting["action"], entry(), submit=True)


def test_only_managers_approve(setting):
    """A lead cannot approve their own update; a board member cannot either."""
    update = services.save_update(setting["lead"], setting["action"], entry(), submit=True)
    with pytest.raises(PermissionDenied):
        services.approve(setting["lead"], update)
    board = make_user("board", Role.BOARD_MEMBER)
    with pytest.raises(PermissionDenied):
        services.approve(board, update)


def test_manager_can_update_on_behalf_of_a_lead(setting):
    """Recorded as entered by the manager for the named lead."""
    data = entry()
    data.on_behalf_of = "Head of Early Help"
    update = services.save_update(setting["manager"], setting["action"], data, submit=True)
    assert update.author == setting["manager"] and update.on_behalf_of == "Head of Early Help"
    data.on_behalf_of = "Someone"
    sneaky = services.save_update(
        setting["lead"], PlanNode.objects.get(key="p1-c1-b"), data, submit=False
    )
    assert sneaky.on_behalf_of == ""  # only managers can enter for someone else


def test_second_save_of_a_stale_copy_is_refused(setting):
    """Two people open version 1; the first save wins, the second is refused and nothing is lost."""
    first = services.save_update(setting["lead"], setting["action"], entry(), submit=False)
    opened_version = first.version
    services.save_update(
        setting["manager"],
        setting["action"],
        entry(narrative="Manager's edit."),
        submit=False,
        expected_version=opened_version,
    )
    with pytest.raises(ConcurrentEditError):
        services.save_update(
            setting["lead"],
            setting["action"],
            entry(narrative="Lead's edit."),
            submit=False,
            expected_version=opened_version,
        )
    first.refresh_from_db()
    assert first.narrative == "Manager's edit."


def test_bad_input_is_refused_with_field_messages(setting):
    """Unknown period or status, an empty narrative and a non-web link are reported per field."""
    bad = UpdateInput(
        period="1999-00-Q1",
        status="fine",
        narrative=" ",
        evidence_links=[{"url": "javascript:alert(1)"}],
    )
    with pytest.raises(ValidationError) as raised:
        services.save_update(setting["lead"], setting["action"], bad, submit=True)
    assert set(raised.value.message_dict) == {"period", "status", "narrative", "evidence_links.0"}
    assert ProgressUpdate.objects.count() == 0


def test_updates_go_on_leaves_only(setting):
    """A commitment with actions takes no update of its own; one without actions does."""
    with pytest.raises(ValidationError):
        services.save_update(
            setting["manager"], PlanNode.objects.get(key="p1-c1"), entry(), submit=True
        )
    leaf_commitment = PlanNode.objects.get(key="p2-c1")
    assert services.save_update(setting["manager"], leaf_commitment, entry(), submit=True).pk


def test_every_change_is_audited_and_the_log_is_append_only(setting):
    """Create, submit, approve each append an entry with before and after; entries never change."""
    update = services.save_update(setting["lead"], setting["action"], entry(), submit=False)
    services.save_update(setting["lead"], setting["action"], entry(status="at_risk"), submit=True)
    services.approve(setting["manager"], ProgressUpdate.objects.get(pk=update.pk))
    actions = list(
        AuditEntry.objects.filter(object_type="progressupdate")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["create update", "submit update", "approve update"]
    submit = AuditEntry.objects.get(action="submit update")
    assert submit.before["status"] == "on_track" and submit.after["status"] == "at_risk"
    assert submit.actor_name == "lead"
    with pytest.raises(PermissionDenied):
        submit.save()
    with pytest.raises(PermissionDenied):
        submit.delete()
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.all().delete()
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.update(action="tampered")


def test_approved_updates_are_final_for_leads(setting):
    """Once approved, a lead cannot change it (a plan manager can)."""
    update = services.save_update(setting["lead"], setting["action"], entry(), submit=True)
    services.approve(setting["manager"], update)
    with pytest.raises(PermissionDenied):
        services.save_update(
            setting["lead"], setting["action"], entry(narrative="changed"), submit=True
        )
    changed = services.save_update(
        setting["manager"], setting["action"], entry(narrative="corrected"), submit=False
    )
    assert changed.narrative == "corrected" and changed.state == ProgressUpdate.State.APPROVED


@pytest.mark.parametrize(
    ("name", "head", "size", "ok"),
    [
        ("report.pdf", b"%PDF-1.7\n", 2_000, True),
        ("report.pdf", b"MZ\x90\x00", 2_000, False),  # an executable renamed .pdf
        ("photo.png", b"\x89PNG\r\n\x1a\n", 5_000, True),
        ("notes.txt", b"hello\n", 10, True),
        ("notes.txt", b"\x00\x01\x02", 10, False),
        ("script.exe", b"MZ", 10, False),
        ("page.html", b"<html>", 10, False),
        ("big.pdf", b"%PDF-", 10 * 1024 * 1024 + 1, False),
        ("empty.csv", b"", 0, False),
    ],
)
def test_evidence_files_are_checked_for_type_and_size(name, head, size, ok):
    """Only known document and image types, with matching contents, under 10 MB."""
    if ok:
        assert services.check_evidence_file(name, head, size)
    else:
        with pytest.raises(ValidationError):
            services.check_evidence_file(name, head, size)


def test_removing_a_node_with_updates_is_refused(setting):
    """Re-importing a plan file that drops an action with updates changes nothing."""
    from cyplan.plans.plan_file import PlanFileError
    from tests.factories import PLAN, make_plan

    services.save_update(setting["lead"], setting["action"], entry(), submit=True)
    text = PLAN.replace(
        "  - id: p1-c1-a\n    parent: p1-c1\n    kind: action\n    number: a\n    title: Run parenting courses\n"
        "    measures: [Number of courses]\n    target_date_text: Sept 2024\n"
        "    leads: [{role: Head of Early Help, organisation: council}]\n",
        "",
    )
    assert "p1-c1-a" not in text
    with pytest.raises(PlanFileError, match="has progress updates"):
        make_plan(text)
    assert PlanNode.objects.filter(key="p1-c1-a").exists()
