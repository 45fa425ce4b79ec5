/** @odoo-module **/
import { registry } from "@web/core/registry";

// every date of the documents list shows in full, whatever the language
registry.category("web_tour.tours").add("dms_list_dates_tour", {
    steps: () => [
        {
            content: "the documents list shows its expiry dates",
            trigger: ".o_list_table td.o_data_cell[name=expiry_date]:not(:empty)",
        },
        {
            content: "no date is cut",
            trigger: ".o_list_table",
            run() {
                const cells = [
                    ...document.querySelectorAll(
                        ".o_list_table td.o_data_cell[name=expiry_date]"
                    ),
                ].filter((cell) => cell.textContent.trim());
                const cut = cells.filter((cell) => cell.scrollWidth > cell.clientWidth);
                if (!cells.length || cut.length) {
                    throw new Error(
                        `${cut.length} of ${cells.length} dates cut: ` +
                            cut
                                .map(
                                    (cell) =>
                                        `${cell.textContent.trim()} ` +
                                        `(${cell.scrollWidth} px in ${cell.clientWidth})`
                                )
                                .join(", ")
                    );
                }
            },
        },
    ],
});
