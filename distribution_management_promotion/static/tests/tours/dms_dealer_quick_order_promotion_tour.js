/** @odoo-module **/

import { registry } from "@web/core/registry";

/**
 * A dealer orders in the portal: Dealer Center > Quick order, 12 x "Tour
 * Juice" at the tier price, the spend-X-save-Y promotion applies, and the
 * order is listed in the dealer's orders.
 * Started by distribution_management_promotion/tests/test_tour.py
 * (TestDealerQuickOrderPromotionTour).
 */
registry.category("web_tour.tours").add("dms_dealer_quick_order_promotion_tour", {
    url: "/my/dms",
    steps: () => [
        {
            content: "The Dealer Center shows the referral code",
            trigger: ".o_dms_referral_code:contains('TOURB001')",
        },
        {
            content: "Open the quick order",
            trigger: "a.o_dms_quick_order_link",
            run: "click",
        },
        {
            content: "Tour Juice is offered at the tier price",
            trigger: "tr.o_dms_quick_order_line:contains('Tour Juice') .o_dms_price:contains('90.00')",
        },
        {
            content: "Order 12",
            trigger: "tr.o_dms_quick_order_line:contains('Tour Juice') input[name^='qty_']",
            run: "edit 12",
        },
        {
            content: "Place the order",
            trigger: "button.o_dms_quick_order_submit",
            run: "click",
        },
        {
            content: "The promotion is on the order",
            trigger: "#portal_sale_content:contains('Spend 1,000, save 100')",
        },
        {
            content: "The total is 12 x 90.00 - 100.00",
            trigger: "#portal_sale_content:contains('980.00')",
        },
        {
            content: "Back to the list of orders",
            trigger: ".o_portal_submenu a[href^='/my/orders']",
            run: "click",
        },
        {
            content: "The order is listed",
            trigger: ".o_portal_my_doc_table tbody tr:contains('980.00')",
        },
    ],
});
