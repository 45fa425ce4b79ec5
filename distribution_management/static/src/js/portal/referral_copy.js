/** @odoo-module **/
import publicWidget from "@web/legacy/js/public/public_widget";

/**
 * The Dealer Center's "Copy" button of the referral link. The clipboard API
 * needs a secure context and is missing in some in-app browsers (WeChat):
 * then the text is selected so that the phone's own menu copies it.
 */
publicWidget.registry.DmsReferralCopy = publicWidget.Widget.extend({
    selector: ".o_dms_dealer_home",
    events: {
        "click .o_dms_copy_link": "_onCopy",
        "focus .o_dms_referral_link": "_onFocus",
    },

    _onFocus(ev) {
        ev.currentTarget.select();
    },

    async _onCopy() {
        const input = this.el.querySelector(".o_dms_referral_link");
        let copied = false;
        try {
            if (navigator.clipboard && window.isSecureContext) {
                await navigator.clipboard.writeText(input.value);
                copied = true;
            }
        } catch {
            copied = false;
        }
        if (!copied) {
            input.focus();
            input.setSelectionRange(0, input.value.length);
            try {
                copied = document.execCommand("copy");
            } catch {
                copied = false;
            }
        }
        this.el.querySelector(".o_dms_copy_done").classList.toggle("d-none", !copied);
        this.el.querySelector(".o_dms_copy_manual").classList.toggle("d-none", copied);
    },
});
