from .portal_dealer import DmsDealerPortal


class DmsPromotionPortal(DmsDealerPortal):
    """Promotions entry of the portal home; the page and the opt-in route
    (/my/dms/promotions) are in portal_dealer.py."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "dms_promotion_count" in counters:
            dealer = self._dms_dealer()
            values["dms_promotion_count"] = (
                len(self._dealer_promotions(dealer)) if dealer else 0
            )
        return values
