import { postJSON } from "./live.js";

const form = document.getElementById("name-form");
const input = document.getElementById("name");
const error = document.getElementById("name-error");
const next = form.dataset.next || "/lobby/";

form.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  error.textContent = "";
  const name = input.value.trim();
  if (!name) {
    error.textContent = "Please enter a name (up to 24 characters).";
    input.focus();
    return;
  }
  const btn = document.getElementById("name-submit");
  btn.disabled = true;
  try {
    await postJSON("/api/players", { name });
    location.assign(next);
  } catch (e) {
    error.textContent = e.message;
    btn.disabled = false;
    input.focus();
  }
});
