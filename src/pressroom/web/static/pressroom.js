// Pressroom's own script: copy buttons, the export dialog's format switch and the live
// progress of an export job from the public status API. Every page works without it.
"use strict";

function copyButtons() {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.hidden = false;
    button.addEventListener("click", async () => {
      const field = document.getElementById(button.dataset.copy);
      if (!field) return;
      field.select();
      try {
        await navigator.clipboard.writeText(field.value);
      } catch (error) {
        document.execCommand("copy");
      }
      const done = button.nextElementSibling;
      if (done && done.classList.contains("copied")) done.textContent = "Copied.";
    });
  }
}

function exportFormat() {
  const form = document.querySelector("form[data-export-dialog]");
  if (!form) return;
  const show = () => {
    const exporter = form.querySelector("input[name=exporter]:checked").value;
    for (const block of form.querySelectorAll("[data-exporter]")) {
      block.hidden = block.dataset.exporter !== exporter;
    }
  };
  for (const radio of form.querySelectorAll("input[name=exporter]")) {
    radio.addEventListener("change", show);
  }
  show();
}

function percentOf(status) {
  if (status.status === "complete") return 100;
  const steps = Math.max(status.totalSteps || 1, 1);
  const done = Math.max((status.step || 0) - 1, 0);
  return Math.min(99, Math.floor((100 * done + (status.stepProgress || 0)) / steps));
}

function showLog(container, entries) {
  const list = container.querySelector("ul");
  list.replaceChildren(...entries.map((entry) => {
    const item = document.createElement("li");
    item.textContent = entry;
    return item;
  }));
  container.hidden = entries.length === 0;
}

function followJob() {
  const job = document.querySelector("[data-status-url]");
  if (!job) return;
  const bar = job.querySelector("progress");
  const label = job.querySelector("[data-progress-label]");
  const state = job.querySelector("[data-state]");
  const download = job.querySelector("[data-download]");
  const cancel = job.querySelector("[data-cancel]");
  const message = job.querySelector("[data-message]");
  const log = job.querySelector("[data-log]");
  const refresh = job.querySelector("[data-refresh]");
  if (refresh) refresh.hidden = true;
  const poll = async () => {
    let status;
    try {
      const answer = await fetch(job.dataset.statusUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!answer.ok) throw new Error(`status ${answer.status}`);
      status = await answer.json();
    } catch (error) {
      state.textContent = "The status could not be read; retrying.";
      setTimeout(poll, 2000);
      return;
    }
    const percent = percentOf(status);
    bar.value = percent;
    label.textContent = `${percent} % (step ${status.step} of ${status.totalSteps})`;
    state.textContent = status.status;
    job.dataset.status = status.status;
    showLog(log, status.log || []);
    if (status.message) {
      message.textContent = status.message;
      message.hidden = false;
    }
    if (status.status === "incomplete") {
      setTimeout(poll, 700);
      return;
    }
    if (cancel) cancel.hidden = true;
    if (status.status === "complete" && status.downloadUrl) {
      download.href = new URL(status.downloadUrl).pathname;
      download.hidden = false;
      download.focus();
    }
  };
  poll();
}

function pageTree() {
  const reveal = (root) => {
    for (const button of root.querySelectorAll("button[data-tree-toggle]")) button.hidden = false;
  };
  reveal(document);
  document.body.addEventListener("htmx:afterSwap", (event) => reveal(event.target));
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-tree-toggle]");
    if (!button) return;
    const open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    button.textContent = open ? "\u25BE" : "\u25B8";
    const branch = button.parentElement.querySelector(":scope > ul");
    if (branch) branch.hidden = !open;
  });
}

document.addEventListener("DOMContentLoaded", () => {
  pageTree();
  copyButtons();
  exportFormat();
  followJob();
});
