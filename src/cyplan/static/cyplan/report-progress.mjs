// Keeps a report's progress page up to date while the report is being made: polls the job's
// status every two seconds, moves the progress bar, announces each step, and shows the
// download link when it is ready. Without JavaScript the page has a "Check again" link.
const box = document.querySelector("[data-report-status]");
if (box) {
  const bar = box.querySelector("progress");
  const step = box.querySelector("[data-step]");
  const poll = async () => {
    const response = await fetch(box.dataset.reportStatus, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const job = await response.json();
    bar.value = job.progress;
    bar.textContent = `${job.progress}%`;
    step.textContent = job.state === "failed" ? job.message : `${job.label}: ${job.step}`;
    if (job.state === "done" || job.state === "failed") {
      window.location.reload();
    } else {
      window.setTimeout(poll, 2000);
    }
  };
  window.setTimeout(poll, 1000);
}
