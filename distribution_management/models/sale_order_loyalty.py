from odoo import models
from odoo.osv import expression


# kept apart from models/sale_order.py: the promotion checks are one concern
class SaleOrder(models.Model):
    """Promotions restricted to tiers, grids and opted-in dealers: the paths of
    sale_loyalty that do not go through ``_program_check_compute_points``
    (extended in models/sale_order.py)."""

    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

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
