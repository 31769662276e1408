"""Making a report in the background, with progress a page can show.

The site asks for a report; :func:`start` queues a task (Django's Tasks API, through
django-tasks and its database backend) that the task worker (``cyplan db_worker``) runs; it
records its progress on the job row, which the progress page reads. Nothing runs in the web
process: with the immediate backend (``CYPLAN_TASKS_IMMEDIATE=1``, tests) the task runs at
once, in the caller. A failed job keeps the reason, in words a person can act on.
"""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from cyplan.reports import content, render
from cyplan.reports.models import ReportJob


def _progress(job: ReportJob, percent: int, step: str) -> None:
    ReportJob.objects.filter(pk=job.pk).update(
        progress=percent, step=step, state=ReportJob.State.RUNNING
    )


def make(job: ReportJob) -> ReportJob:
    """Make the report a job asks for; the job row ends ready (with the file) or failed."""
    params = job.params
    public = params.get("audience", "staff") == "public"
    try:
        _progress(job, 10, "Gathering the plan, its updates and its figures")
        if job.kind == "scrutiny":
            from cyplan.plans.models import Plan

            plan = Plan.objects.get(slug=params["plan"])
            period, actions = content.scrutiny_rows(plan, params.get("period"), public=public)
            _progress(job, 50, f"Writing the {job.format.upper()} file")
            data = render.render_scrutiny(plan, period, actions, job.format, public=public)
            name = f"{plan.slug}-scrutiny-{period.key}.{job.format}"
        else:
            pack = content.board_pack(params["board"], params.get("period"), public=public)
            _progress(job, 50, f"Drawing the charts and writing the {job.format.upper()} file")
            data = render.render_pack(pack, job.format)
            name = f"{pack.board.key}-board-pack-{pack.period.key}.{job.format}"
    except content.ReportError as error:
        ReportJob.objects.filter(pk=job.pk).update(
            state=ReportJob.State.FAILED, message=str(error), finished_at=timezone.now()
        )
    except Exception as error:  # noqa: BLE001 - the person is told; the log has the rest
        import logging

        logging.getLogger(__name__).exception("report job %s failed", job.pk)
        ReportJob.objects.filter(pk=job.pk).update(
            state=ReportJob.State.FAILED,
            message=f"Something went wrong while making the report ({type(error).__name__}). "
            "Try again; if it fails again, tell your administrator.",
            finished_at=timezone.now(),
        )
    else:
        ReportJob.objects.filter(pk=job.pk).update(
            state=ReportJob.State.DONE,
            progress=100,
            step="Ready",
            content=data,
            filename=name,
            finished_at=timezone.now(),
        )
    job.refresh_from_db()
    return job


@task()
def make_report(job_id: str) -> str:
    """The task the worker runs: make the report a job row asks for; return its state."""
    job = ReportJob.objects.filter(pk=job_id).first()
    if job is None or job.state not in (ReportJob.State.QUEUED, ReportJob.State.RUNNING):
        return "gone"  # deleted, or already made by an earlier attempt
    return make(job).state


def start(job: ReportJob) -> None:
    """Queue the job for the task worker. The database backend keeps the task in the same
    database (and transaction) as the job row, so the worker never sees one without the other."""
    make_report.enqueue(str(job.pk))
