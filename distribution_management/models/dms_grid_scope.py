from odoo import _, api, models
from odoo.exceptions import AccessError


class DmsGridScopeMixin(models.AbstractModel):
    """Keeps a grid manager's documents inside their grids.

    The global rules of ``security/dms_grid_scope_security.xml`` decide what a
    grid manager reads. Odoo checks write rules *before* a write only, so a
    write could still move a record into another grid (change its customer or
    delivery address); and a new record could point at a customer of another
    grid while being in the user's grid. After create and after a write of
    ``_dms_scope_fields``, the records must still be writable and their
    ``_dms_scope_partner_fields`` readable by the user, or the change is undone.
    """

    _name = "dms.grid.scope.mixin"
    _description = "Grid scoping of documents"

    # fields whose change can move the record to another grid
    _dms_scope_fields = frozenset()
    # partners of the record the user must be allowed to read
    _dms_scope_partner_fields = ()

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._dms_check_grid_scope()
        return records

    def write(self, vals):
        res = super().write(vals)
        if self._dms_scope_fields & set(vals):
            self._dms_check_grid_scope()
        return res

    def _dms_check_grid_scope(self):
        if not self or self.env.su or not self.env.user._dms_is_grid_scoped():
            return
        partners = self.env["res.partner"]
        for field in self._dms_scope_partner_fields:
            partners |= self[field]
        try:
            self.check_access("write")
            partners.check_access("read")
        except AccessError:
            raise AccessError(
                _(
                    "You manage the grids %(grids)s only: this %(document)s would "
                    "belong to another grid, or to a customer of another grid.",
                    grids=self.env.user._dms_grid_names(),
                    document=self._description,
                )
            ) from None


# Lines follow their document: moving one to a document of another grid is
# refused like moving the document. Kept here, apart from the files of these
# models, as they only add the check.
class SaleOrderLine(models.Model):
    _name = "sale.order.line"
    _inherit = ["sale.order.line", "dms.grid.scope.mixin"]

    _dms_scope_fields = frozenset({"order_id"})


class AccountMoveLine(models.Model):
    _name = "account.move.line"
    _inherit = ["account.move.line", "dms.grid.scope.mixin"]

    _dms_scope_fields = frozenset({"move_id"})
