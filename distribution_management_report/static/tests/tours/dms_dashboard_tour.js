/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

/**
 * A grid manager opens the Distribution app: it opens on the spreadsheet
 * dashboard, which shows the network sales of the month of their grid
 * (12,345.67, nothing of the other grids) and its top distributor, then a
 * figure opens its records.
 *
 * A spreadsheet draws its cells and charts on a canvas: the first step
 * records the texts drawn (in data-texts of a tiny box) so that the next
 * steps can wait for a figure to be painted.
 * Started by distribution_management_report/tests/test_dashboard.py (TestDashboard).
 */
registry.category("web_tour.tours").add("dms_dashboard_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "Record the texts drawn on canvases",
            trigger: "body",
            run() {
                const box = document.createElement("div");
                box.className = "o_dms_tour_drawn_texts";
                box.style.cssText =
                    "position: fixed; left: 0; bottom: 0; width: 2px; height: 2px; overflow: hidden;";
                box.dataset.texts = "";
                document.body.appendChild(box);
                const seen = new Set();
                const fillText = CanvasRenderingContext2D.prototype.fillText;
                CanvasRenderingContext2D.prototype.fillText = function (text, ...args) {
                    const value = String(text);
                    if (!seen.has(value)) {
                        seen.add(value);
                        box.dataset.texts += `|${value}|`;
                    }
                    return fillText.call(this, text, ...args);
                };
            },
        },
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Distribution app",
            trigger: ".o_app[data-menu-xmlid='distribution_management.menu_dms_root']",
            run: "click",
        },
        {
            content: "The app opens on the Distribution dashboard",
            trigger: ".o_spreadsheet_dashboard_action .o_search_panel_category_value.active:contains('Distribution')",
        },
        {
            content: "The dashboard is drawn",
            trigger: ".o_spreadsheet_dashboard_action .o-grid canvas",
        },
        {
            content: "The network sales of the month of the manager's grid are shown",
            trigger: ".o_dms_tour_drawn_texts[data-texts*='12,345.67']",
        },
        {
            content: "Its top distributor of the month is listed",
            trigger: ".o_dms_tour_drawn_texts[data-texts*='|Dashboard Tour Dealer|']",
        },
        {
            content: "The sales of the other grids are not",
            trigger: ".o_dms_tour_drawn_texts:not([data-texts*='Dashboard Other Dealer'])",
        },
        {
            content: "Open the records behind a figure",
            trigger: ".o_spreadsheet_dashboard_action .o-dashboard-clickable-cell",
            run: "click",
        },
        {
            content: "The records are listed",
            trigger: ".o_action_manager .o_view_controller:not(.o_spreadsheet_dashboard_action)",
        },
    ],
});
