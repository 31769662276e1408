// Keeps a progress page (a report being made, a return being checked or loaded) up to date: polls the job's
// status every two seconds, moves the progress bar, announces each step, and shows the
// download link when it is ready. Without JavaScript the page has a "Check again" link.
const box = document.querySelector("[data-report-status]");
if (box) {
  const bar = box.querySelector("progress");
  const step = box.querySelector("[data-step]");
  const poll = async () => {
    let response;
    try {
      response = await fetch(box.dataset.reportStatus, { headers: { Accept: "application/json" } });
    } catch {
      response = null;
    }
    if (!response || !response.ok) {
      // A busy or restarting server: keep asking, a little less often.
      window.setTimeout(poll, 4000);
      return;
    }
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
