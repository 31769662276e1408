"""Views: forms, uploads, the concurrent-edit message, example labels, CSV and the API."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cyplan.accounts.models import Role
from cyplan.delivery.models import EvidenceFile, ProgressUpdate
from cyplan.plans.models import Organisation
from tests.factories import make_plan, make_user

pytestmark = pytest.mark.django_db
UPDATE_URL = "/plans/test-plan/p1-c1-a/update/"


@pytest.fixture
def lead(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    make_plan()
    user = make_user(
        "lead",
        Role.ACTION_LEAD,
        lead_roles=["Head of Early Help"],
        organisation=Organisation.objects.get(key="council"),
    )
    client = Client()
    client.force_login(user)
    return client


def form(**extra):
    data = {
        "period": "2024-25-Q2",
        "status": "on_track",
        "narrative": "Three courses ran.",
        "version": "0",
        "submit": "1",
        **extra,
    }
    return {key: value for key, value in data.items() if value is not None}


def test_submitting_the_form_records_the_update(lead):
    """A valid submission redirects to the action with a success message."""
    response = lead.post(UPDATE_URL, form(link_url_1="https://example.org/report"), follow=True)
    assert "submitted for approval" in response.content.decode()
    update = ProgressUpdate.objects.get()
    assert update.state == "submitted" and update.evidence_links == [
        {"url": "https://example.org/report", "title": ""}
    ]


def test_form_errors_are_listed_and_nothing_is_saved(lead):
    """An empty form re-renders with a GOV.UK error summary; nothing is written."""
    response = lead.post(UPDATE_URL, {"period": "2024-25-Q2", "version": "0", "submit": "1"})
    html = response.content.decode()
    assert response.status_code == 400
    assert (
        "There is a problem" in html
        and "Choose a status" in html
        and "Enter a short narrative" in html
    )
    assert "<title>Error: " in html
    assert ProgressUpdate.objects.count() == 0


def test_a_bad_link_is_refused(lead):
    """Only web links are accepted as evidence."""
    response = lead.post(UPDATE_URL, form(link_url_1="javascript:alert(1)"))
    assert response.status_code == 400
    assert "https://" in response.content.decode()
    assert ProgressUpdate.objects.count() == 0


def test_evidence_file_upload_is_checked(lead):
    """A real PDF is attached; an executable named .pdf is refused."""
    good = SimpleUploadedFile("report.pdf", b"%PDF-1.7\n%%EOF\n", content_type="application/pdf")
    lead.post(UPDATE_URL, form(evidence_file=good))
    assert EvidenceFile.objects.get().original_name == "report.pdf"
    bad = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00binary", content_type="application/pdf")
    response = lead.post(UPDATE_URL, form(evidence_file=bad, narrative="Second try", version="1"))
    assert response.status_code == 400 and "not a real PDF" in response.content.decode()
    assert EvidenceFile.objects.count() == 1
    # Nothing of the refused submission was written: the update is as it was.
    assert ProgressUpdate.objects.get().narrative == "Three courses ran."


def test_second_save_of_a_stale_form_gets_a_clear_message(lead):
    """Two tabs open at version 0: the second save is refused and says what to do."""
    lead.post(UPDATE_URL, form(submit=None, draft="1"))
    assert ProgressUpdate.objects.get().version == 1
    response = lead.post(UPDATE_URL, form(narrative="From the other tab"))
    assert response.status_code == 400
    assert "Someone else saved this update while you were editing it" in response.content.decode()
    assert ProgressUpdate.objects.get().narrative == "Three courses ran."


def test_example_updates_are_labelled(client, lead, settings):
    """On a demo instance, pages that show example updates say the data is made up; others
    do not."""
    settings.CYPLAN_DEMO = True
    from cyplan.core.demo import create_demo_accounts, create_example_updates
    from cyplan.plans.builtin import builtin_plan_paths
    from cyplan.plans.importer import import_plan_path

    for path in builtin_plan_paths():
        import_plan_path(path)
    create_demo_accounts()
    assert create_example_updates() > 0
    label = "Example data: the progress updates on this page were made up"
    assert label in client.get("/plans/bromley-cef-portfolio-2024-2025/").content.decode()
    assert label in client.get("/plans/bromley-cef-portfolio-2024-2025/a1-c8-a/").content.decode()
    assert (
        label not in client.get("/plans/bromley-cef-portfolio-2024-2025/a5-c1-a/").content.decode()
    )
    assert create_example_updates() == 0  # made once


def test_csv_download_of_the_actions_table(client):
    """The plan's actions table downloads as CSV with every matching row (not just one page)."""
    make_plan()
    response = client.get("/plans/test-plan/?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("Id,Number,Action,Lead")
    assert len(lines) == 1 + 4  # three actions and one commitment without actions


def test_openapi_describes_every_api_path(client):
    """The OpenAPI document is valid JSON whose paths all answer."""
    make_plan()
    spec = client.get("/api/plans/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    for path, operations in spec["paths"].items():
        if "get" not in operations:
            assert set(operations) == {"post"}, path  # writing, tested in tests/delivery
            continue
        response = client.get(path.replace("{slug}", "test-plan"))
        assert response.status_code == 200, path
        json.loads(response.content)
