/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

/**
 * A distribution manager approves an online application: Distribution app >
 * Network > Applications to Review, open "Tour Applicant Co.", Approve.
 * Started by distribution_management/tests/test_tour.py (TestApproveTour).
 */
registry.category("web_tour.tours").add("dms_approve_application_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Distribution app",
            trigger: ".o_app[data-menu-xmlid='distribution_management.menu_dms_root']:contains('Distribution')",
            run: "click",
        },
        {
            content: "Open the Network menu",
            trigger: ".o_menu_sections button[data-menu-xmlid='distribution_management.menu_dms_network']",
            run: "click",
        },
        {
            content: "Open Applications to Review",
            trigger: ".dropdown-item[data-menu-xmlid='distribution_management.menu_dms_application']:contains('Applications to Review')",
            run: "click",
        },
        {
            content: "The list of applications is shown",
            trigger: ".o_breadcrumb:contains('Applications to Review')",
        },
        {
            content: "Open the application of Tour Applicant Co.",
            trigger: ".o_list_view .o_data_row td.o_data_cell[name='name']:contains('Tour Applicant Co.')",
            run: "click",
        },
        {
            content: "The application is waiting for review",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Submitted')",
        },
        {
            content: "The qualification documents are complete",
            trigger: ".o_form_view:not(:has(.alert-warning:contains('Missing, not accepted or expired')))",
        },
        {
            content: "Approve the application",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_dms_approve']:contains('Approve')",
            run: "click",
        },
        {
            content: "The distributor is approved",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Approved')",
        },
        {
            content: "The Approve button is gone",
            trigger: ".o_form_view .o_statusbar_buttons:not(:has(button[name='action_dms_approve']))",
        },
    ],
});
