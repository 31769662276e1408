"""The task worker's side of a return uploaded in the site: check it, then load it.

Each task records its progress on the upload row, which the upload's page reads, and ends the
row checked, loaded or failed (with a reason a person can act on). The files are removed once
loaded, or when a check finds nothing that could be loaded.
"""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks import task

from cyplan.returns import uploads
from cyplan.returns.models import ReturnUpload

State = ReturnUpload.State
log = logging.getLogger(__name__)


def _progress(upload_id, state: str):
    def report(percent: int, step: str) -> None:
        ReturnUpload.objects.filter(pk=upload_id).update(progress=percent, step=step, state=state)

    return report


def _fail(upload: ReturnUpload, error: Exception, doing: str) -> None:
    if isinstance(error, uploads.UploadError):
        message = str(error)
    else:
        log.exception("return upload %s failed while %s", upload.pk, doing)
        message = (
            f"Something went wrong while {doing} ({type(error).__name__}). Try again; if it "
            "fails again, tell your administrator."
        )
    uploads.discard_files(upload.pk)
    ReturnUpload.objects.filter(pk=upload.pk).update(
        state=State.FAILED, message=message, finished_at=timezone.now()
    )


@task()
def check_upload(upload_id: str) -> str:
    upload = ReturnUpload.objects.filter(pk=upload_id, state=State.QUEUED).first()
    if upload is None:
        return "gone"
    progress = _progress(upload.pk, State.CHECKING)
    folder = uploads.upload_folder(upload.pk)
    try:
        progress(20, "Reading and checking every row")
        result = uploads.validate(upload.kind, folder, upload.files, year=upload.year)
        ok_without = result.ok
        if not result.ok:
            progress(60, "Checking which rows could be loaded without the ones with problems")
            ok_without = uploads.validate(
                upload.kind, folder, upload.files, year=upload.year, skip_invalid=True
            ).ok
    except Exception as error:  # noqa: BLE001 - the person is told; the log has the rest
        _fail(upload, error, "checking the return")
        return State.FAILED
    if not ok_without:
        uploads.discard_files(upload.pk)  # nothing in it can be loaded: keep no child's data
    ReturnUpload.objects.filter(pk=upload.pk).update(
        state=State.CHECKED,
        progress=100,
        step="Checked",
        ok=result.ok,
        ok_without_invalid=ok_without,
        problems=uploads.problem_rows(result, folder),
        finished_at=timezone.now(),
    )
    return State.CHECKED


@task()
def load_upload(upload_id: str) -> str:
    upload = ReturnUpload.objects.filter(pk=upload_id, state=State.LOAD_QUEUED).first()
    if upload is None:
        return "gone"
    progress = _progress(upload.pk, State.LOADING)
    folder = uploads.upload_folder(upload.pk)
    try:
        loaded, years = uploads.load(
            upload.kind,
            folder,
            upload.files,
            la=upload.la,
            year=upload.year,
            skip_invalid=upload.skip_invalid,
            progress=progress,
        )
        progress(60, "Computing the indicators")
        figures = uploads.recompute(years, upload.la, progress)
    except Exception as error:  # noqa: BLE001
        _fail(upload, error, "loading the return")
        return State.FAILED
    uploads.discard_files(upload.pk)
    ReturnUpload.objects.filter(pk=upload.pk).update(
        state=State.LOADED,
        progress=100,
        step="Loaded and the indicators recomputed",
        loaded=loaded,
        figures=figures,
        finished_at=timezone.now(),
    )
    return State.LOADED
