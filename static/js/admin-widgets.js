// Names for the controls Django admin's widgets build in the browser (templates/admin/change_form.html says why).
"use strict";
{
    const labelOf = (select) => document.querySelector(`label[for="${select.id}"]`);

    const nameAfterField = (element, select) => {
        const label = labelOf(select);
        if (label) {
            label.id ||= `${select.id}_label`;
            element.setAttribute("aria-labelledby", label.id);
        } else if (select.hasAttribute("aria-label")) {
            element.removeAttribute("aria-labelledby");
            element.setAttribute("aria-label", select.getAttribute("aria-label"));
        }
    };

    const nameSelect2 = (select) => {
        const container = select.nextElementSibling;
        if (!container || !container.classList.contains("select2") || select.dataset.named) {
            return;
        }
        select.dataset.named = "true";
        container.querySelectorAll(".select2-selection").forEach((box) => nameAfterField(box, select));
        container.querySelectorAll(".select2-selection__rendered").forEach((value) => {
            // The chosen value, read as the combobox's content; not a (read-only) textbox.
            value.removeAttribute("role");
            value.removeAttribute("aria-readonly");
        });
        container.querySelectorAll(".select2-search__field").forEach((box) => nameAfterField(box, select));
        if (window.django && django.jQuery) {
            const boxes = container.querySelectorAll(".select2-selection");
            django.jQuery(select)
                .on("select2:open", () => {
                    document
                        .querySelectorAll(".select2-container--open .select2-search__field")
                        .forEach((box) => nameAfterField(box, select));
                    // An expanded combobox names the list it controls (Select2 says aria-owns only).
                    boxes.forEach((box) => box.setAttribute("aria-controls", box.getAttribute("aria-owns") || ""));
                })
                .on("select2:close", () => boxes.forEach((box) => box.removeAttribute("aria-controls")));
        }
    };

    const nameAll = () => {
        document.querySelectorAll("select.admin-autocomplete").forEach(nameSelect2);
        document.querySelectorAll(".selector .search-label-icon[aria-label]:not([role])").forEach((icon) => {
            icon.setAttribute("role", "img");
        });
    };

    new MutationObserver(nameAll).observe(document.body, {childList: true, subtree: true});
    nameAll();
}
