from odoo import models
from odoo.osv import expression


class SaleOrder(models.Model):
    """Promotions restricted to tiers, grids and opted-in dealers, on every
    path of sale_loyalty (``_program_check_compute_points`` and the coupon
    paths that skip it), and the automatic rewards of dealer quick orders."""

    _inherit = "sale.order"

    # ------------------------------------------------------------------
    # Promotions restricted to tiers, grids, opted-in dealers
    # ------------------------------------------------------------------
    def _dms_dealer(self):
        """The dealer a promotion looks at: the customer when it is an approved
        distributor, else the distributor the order is credited to."""
        self.ensure_one()
        customer = self.partner_id.commercial_partner_id
        if customer.dms_state == "approved":
            return customer
        return self.dms_distributor_id

    def _program_check_compute_points(self, programs):
        result = super()._program_check_compute_points(programs)
        restricted = programs.filtered(lambda p: p._dms_is_restricted())
        if restricted:
            dealer = self._dms_dealer()
            for program in restricted:
                error = program._dms_eligibility_error(dealer, self.dms_grid_id)
                if error:
                    result[program] = {"error": error}
        return result

    def _dms_program_errors(self, programs):
        """{program: error message} for the restricted ``programs`` this order
        may not use; the unrestricted and the allowed ones are left out."""
        self.ensure_one()
        restricted = programs.filtered(lambda program: program._dms_is_restricted())
        if not restricted:
            return {}
        dealer = self._dms_dealer()
        errors = {}
        for program in restricted:
            error = program._dms_eligibility_error(dealer, self.dms_grid_id)
            if error:
                errors[program] = error
        return errors

    def _try_apply_code(self, code):
        # sale_loyalty claims the coupons of programs for future orders (next
        # order coupons) without _try_apply_program: check every coupon code
        # here; promo codes of rules go through _try_apply_program.
        self.ensure_one()
        rule_domain = expression.AND(
            [
                self._get_trigger_domain(),
                [("mode", "=", "with_code"), ("code", "=", code)],
            ]
        )
        if not self.env["loyalty.rule"].search_count(rule_domain, limit=1):
            coupon = self.env["loyalty.card"].search([("code", "=", code)], limit=1)
            program = coupon.program_id.filtered_domain(self._get_program_domain())
            errors = self._dms_program_errors(program)
            if errors:
                return {"error": errors[program]}
        return super()._try_apply_code(code)

    def _get_claimable_rewards(self, forced_coupons=None):
        result = super()._get_claimable_rewards(forced_coupons=forced_coupons)
        if result:
            coupons = self.env["loyalty.card"].concat(*result)
            errors = self._dms_program_errors(coupons.program_id)
            for coupon in coupons.filtered(lambda c: c.program_id in errors):
                del result[coupon]
        return result

    def _apply_program_reward(self, reward, coupon, **kwargs):
        errors = self._dms_program_errors(reward.program_id)
        if errors:
            return {"error": errors[reward.program_id]}
        return super()._apply_program_reward(reward, coupon, **kwargs)

    def _update_programs_and_rewards(self):
        # Coupons applied while the order qualified (then, e.g., the customer
        # changed): super() drops the reward lines of the coupons it no longer
        # finds among the applied ones.
        errors = self._dms_program_errors(self.applied_coupon_ids.program_id)
        if errors:
            self.applied_coupon_ids -= self.applied_coupon_ids.filtered(
                lambda coupon: coupon.program_id in errors
            )
        return super()._update_programs_and_rewards()

    # ------------------------------------------------------------------
    # Dealer quick order
    # ------------------------------------------------------------------
    def _dms_finalize_quick_order(self):
        res = super()._dms_finalize_quick_order()
        self._dms_apply_automatic_rewards()
        return res

    def _dms_apply_automatic_rewards(self):
        """Claim the single, automatic rewards the order is entitled to, as the
        shop does (sale_loyalty leaves claiming to the salesperson)."""
        for order in self:
            order._update_programs_and_rewards()
            for coupon, rewards in order._get_claimable_rewards().items():
                program = coupon.program_id
                if (
                    program.trigger != "auto"
                    or len(program.reward_ids) != 1
                    or program.is_nominative
                    or (rewards.reward_type == "product" and rewards.multi_product)
                    or rewards in order.order_line.reward_id
                ):
                    continue
                order._apply_program_reward(rewards, coupon)
