// The rule builder (Settings -> Automations): adds and removes condition and action rows,
// offers only the operators that fit the chosen field, points each value input at the
// list of values it can take, and shows an action's text or secret only where it needs
// one. Without it the page still works: it renders spare rows and shows every input.
(function () {
  "use strict";

  const form = document.querySelector("[data-rule-builder]");
  if (!form) return;

  function setList(input, listId) {
    if (listId) input.setAttribute("list", "values-" + listId);
    else input.removeAttribute("list");
  }

  function syncCondition(row) {
    const field = row.querySelector("[data-field-select]");
    const op = row.querySelector("[data-op-select]");
    const chosen = field.selectedOptions[0];
    const allowed = chosen && chosen.dataset.ops ? chosen.dataset.ops.split(" ") : null;
    for (const option of op.options) {
      const fits = !allowed || allowed.includes(option.value);
      option.hidden = !fits;
      option.disabled = !fits;
    }
    if (allowed && !allowed.includes(op.value)) op.value = allowed[0];
    setList(row.querySelector("[data-value-input]"), chosen ? chosen.dataset.list : "");
  }

  function syncAction(row) {
    const type = row.querySelector("[data-action-select]");
    const chosen = type.selectedOptions[0];
    const data = chosen && chosen.value ? chosen.dataset : null;
    row.querySelector("[data-value-wrap]").hidden = !!data && data.hasValue === "0";
    row.querySelector("[data-text-wrap]").hidden = !data || data.text !== "1";
    row.querySelector("[data-secret-wrap]").hidden = !data || data.secret !== "1";
    row.querySelector("[data-value-hint]").textContent = data ? data.hint || "" : "";
    setList(row.querySelector("[data-value-input]"), data ? data.list : "");
  }

  function wire(row) {
    const remove = row.querySelector("[data-remove-row]");
    remove.hidden = false;
    remove.addEventListener("click", () => {
      const list = row.parentElement;
      row.remove();
      const next = list.querySelector("select");
      if (next) next.focus();
    });
    if (row.matches("[data-condition-row]")) {
      syncCondition(row);
      row.querySelector("[data-field-select]").addEventListener("change", () => syncCondition(row));
    } else {
      syncAction(row);
      row.querySelector("[data-action-select]").addEventListener("change", () => syncAction(row));
    }
  }

  // Rows are numbered by the highest index in use plus one: the server reads them in
  // index order and ignores empty ones, so gaps left by removed rows do not matter.
  function nextIndex(list, prefix) {
    let highest = -1;
    for (const select of list.querySelectorAll("select[name^='" + prefix + "-']")) {
      const index = parseInt(select.name.split("-")[1], 10);
      if (index > highest) highest = index;
    }
    return highest + 1;
  }

  function addRow(kind) {
    const list = document.getElementById(kind + "-rows");
    const template = document.getElementById(kind + "-template");
    const prefix = kind === "condition" ? "c" : "a";
    const index = nextIndex(list, prefix);
    const html = template.innerHTML
      .replaceAll("__i__", String(index))
      .replaceAll("__n__", String(list.children.length + 1));
    list.insertAdjacentHTML("beforeend", html);
    const row = list.lastElementChild;
    wire(row);
    row.querySelector("select").focus();
  }

  for (const row of form.querySelectorAll("[data-condition-row], [data-action-row]")) wire(row);
  for (const button of form.querySelectorAll("[data-add-row]")) {
    button.hidden = false;
    button.addEventListener("click", () => addRow(button.dataset.addRow));
  }
})();
