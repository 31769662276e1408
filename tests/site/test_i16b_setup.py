"""Issue 16, finding 11: the set-up output (no emails in it, the address in use) and every
command of the README's "Using it" section, run against a fresh database."""

from __future__ import annotations

import re
import shlex
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.factories import PLAN

ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = ROOT.parent / "shared" / "data"
if not SHARED_DATA.exists():  # a worktree beside the main checkout
    SHARED_DATA = Path("/work/shared/data")

pytestmark = pytest.mark.django_db


def test_demo_keeps_emails_out_of_its_output_and_names_the_address_in_use(tmp_path, builtin_plans):
    out = StringIO()
    with override_settings(
        CYPLAN_SITE_URL="http://127.0.0.1:8123",
        DATA_DIR=tmp_path,
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
    ):
        call_command("demo", stdout=out)
    text = out.getvalue()
    assert "Subject:" not in text and "Safeguarding: possible disclosure" not in text
    assert "Open http://127.0.0.1:8123/ to read the plans" in text
    assert "Sign in at http://127.0.0.1:8123/accounts/sign-in/" in text
    assert ":8000" not in text
    # The safeguarding alert for the flagged example was written to a file instead.
    written = list((tmp_path / "emails").glob("*.log"))
    assert len(written) == 1
    assert "Safeguarding: possible disclosure" in written[0].read_text()


def test_make_run_serves_and_links_to_the_address_from_host_and_port():
    makefile = (ROOT / "Makefile").read_text()
    assert "export CYPLAN_SITE_URL ?= http://$(HOST):$(PORT)" in makefile
    run = makefile.split("\nrun: deps")[1].split("\n\n")[0]
    assert "Serving cyplan on $(CYPLAN_SITE_URL)/" in run
    assert "runserver $(HOST):$(PORT)" in run


def readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Using it", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S)[1]
    commands = []
    for line in block.splitlines():
        line = re.sub(r"\s+#.*$", "", line).strip()
        if line:
            commands.append(line)
    return commands


def inputs(folder: Path) -> None:
    """The files the README's examples name, made in the folder they run in."""
    (folder / "my-plan.yaml").write_text(PLAN.replace("test-plan", "my-plan"))
    ees = SHARED_DATA / "dfe-ees" / "sen2_ehcp_timeliness_20_week.csv"
    shutil.copy(ees, folder / ees.name)
    meta = ees.with_suffix(".meta.csv")
    if meta.exists():
        shutil.copy(meta, folder / meta.name)
    returns = folder / "imports" / "903"
    returns.mkdir(parents=True)
    (returns / "header.csv").write_text(
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1,1,01/06/2012,WBRI,UN1,,\n2,2,01/06/2010,BAFR,UN1,,\n"
    )
    (returns / "episodes.csv").write_text(
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
        "1,01/06/2023,S,C2,N1,U1,PR1,,,,,,\n2,01/05/2023,S,C2,N1,U1,PR1,01/02/2024,E11,,,,\n"
    )


def test_every_command_in_the_readme_runs_on_a_fresh_database(tmp_path, monkeypatch):
    """After the set-up `make run` does (built-in plans, demo), each "Using it" command runs
    as written and succeeds (a CommandError or any exception fails the test)."""
    commands = readme_commands()
    assert len(commands) >= 10 and all(c.startswith("cyplan ") for c in commands)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CYPLAN_PSEUDONYMISATION_KEY", "ab" * 16)
    inputs(tmp_path)
    with override_settings(
        DATA_DIR=tmp_path, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
    ):
        call_command("plan", "import", "--builtin", stdout=StringIO())
        call_command("demo", stdout=StringIO())
        for command in commands:
            args = shlex.split(command)[1:]
            out = StringIO()
            try:
                call_command(*args, stdout=out, stderr=StringIO())
            except SystemExit as exit_:  # argparse refusing an option the README shows
                pytest.fail(f"{command}: exited {exit_.code}")
            except Exception as error:  # noqa: BLE001 - name the command that failed
                pytest.fail(f"{command}: {type(error).__name__}: {error}")
    for output in ("plan.xlsx", "pack.pdf", "ysdw.pdf", "new-plan.xlsx"):
        assert (tmp_path / output).stat().st_size > 0, output
