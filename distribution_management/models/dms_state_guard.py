"""States change only through their actions.

A model mixing ``dms.state.guard.mixin`` in lists its workflow fields in
``_dms_state_fields``. A user (RPC, import, a form) cannot write them, nor
create a record in any state but the initial one: the buttons check what
must hold before a state changes (documents reviewed, balance available,
accountant rights...), a direct write would skip those checks.

The actions themselves pass: a method decorated with :func:`state_action`
runs with a token in its context that only Python code can hold (an object,
not a string: no RPC context can forge it). Code running as superuser (crons,
portal controllers after their own checks, module data) passes too.
"""

import functools

from odoo import _, api, models
from odoo.exceptions import UserError

_STATE_TOKEN = object()
_CONTEXT_KEY = "dms_state_action"


def state_action(method):
    """Let ``method`` change the guarded states of any model it touches."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        if self.env.context.get(_CONTEXT_KEY) is not _STATE_TOKEN:
            self = self.with_context(**{_CONTEXT_KEY: _STATE_TOKEN})
        return method(self, *args, **kwargs)

    return wrapper


class DmsStateGuardMixin(models.AbstractModel):
    _name = "dms.state.guard.mixin"
    _description = "State Changed Only by Actions"

    # the workflow fields: written only by actions
    _dms_state_fields = ("state",)

    def _dms_state_unlocked(self):
        return self.env.su or self.env.context.get(_CONTEXT_KEY) is _STATE_TOKEN

    def _dms_initial_states(self, fname):
        """The values a record may be created with by a user."""
        field = self._fields[fname]
        default = field.default(self.browse()) if field.default else False
        return {False, default}

    def _dms_refuse_state(self, fname, operation):
        # who may not write the record at all is told so first
        self.check_access(operation)
        field = self._fields[fname]
        raise UserError(
            _(
                "%(field)s of %(model)s changes only through its buttons (which "
                "check what must hold first), not by writing it directly.",
                field=field._description_string(self.env),
                model=self._description,
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not self._dms_state_unlocked():
            for fname in self._dms_state_fields:
                initial = self._dms_initial_states(fname)
                default = self.env.context.get(f"default_{fname}", False)
                if default not in initial or any(
                    vals.get(fname, False) not in initial for vals in vals_list
                ):
                    self._dms_refuse_state(fname, "create")
        return super().create(vals_list)

    def write(self, vals):
        if not self._dms_state_unlocked():
            for fname in self._dms_state_fields:
                # writing the state a record already has changes nothing
                if fname in vals and any(
                    (record[fname] or False) != (vals[fname] or False)
                    for record in self
                ):
                    self._dms_refuse_state(fname, "write")
        return super().write(vals)

    def copy_data(self, default=None):
        # a copy starts over in its initial state, as a new record does
        vals_list = super().copy_data(default=default)
        for vals in vals_list:
            for fname in self._dms_state_fields:
                if fname not in (default or {}):
                    vals.pop(fname, None)
        return vals_list
