"""Public test helpers for the core's state guard: a workflow state changes
through its actions only, whoever writes it."""

from odoo.exceptions import UserError
from odoo.tests import new_test_user


class StateGuardMixin:
    """Mixed into a test case of an add-on: ``GUARDED`` maps each model to
    its guarded state fields. A manager of the app, of sales and of
    accounting (``MANAGER_GROUPS`` adds more) may neither write another
    state nor create a record in a state its actions reach."""

    GUARDED = {}
    MANAGER_GROUPS = ()
    # Odoo's loader only takes a class's own methods otherwise
    allow_inherited_tests_method = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="dms_state_manager",
            groups=",".join(
                [
                    "distribution_management.group_dms_manager",
                    "sales_team.group_sale_manager",
                    "account.group_account_manager",
                    *cls.MANAGER_GROUPS,
                ]
            ),
        )

    def _record(self, model):
        """The record of ``model`` whose states are written; by default one
        of the demo data."""
        record = self.env[model].search([], limit=1)
        self.assertTrue(record, f"no {model} to test (demo data installed?)")
        return record

    def _values(self, model, fname):
        field = self.env[model]._fields[fname]
        return [value for value, _label in field._description_selection(self.env)]

    def test_direct_writes_refused(self):
        """Every other state, written directly, is refused."""
        for model, fnames in self.GUARDED.items():
            record = self._record(model)
            for fname in fnames:
                before = record[fname]
                as_manager = record.with_user(self.manager)
                # a ledger is written by no one: the access rights say so
                writable = as_manager.has_access("write")
                for value in self._values(model, fname):
                    if value == before:
                        continue
                    with self.subTest(model=model, field=fname, value=value):
                        with self.assertRaisesRegex(
                            UserError,
                            "changes only through"
                            if writable
                            else "not allowed to modify",
                        ):
                            as_manager.write({fname: value})
                        record.invalidate_recordset()
                        self.assertEqual(record[fname], before)
                if writable:
                    # writing the state it already has changes nothing
                    as_manager.write({fname: before})

    def test_direct_creates_refused(self):
        """A record created in a state its actions reach is refused, given
        or through a default of the context."""
        for model, fnames in self.GUARDED.items():
            Model = self.env[model].with_user(self.manager)
            count = Model.sudo().search_count([])
            for fname in fnames:
                initial = Model._dms_initial_states(fname)
                for value in self._values(model, fname):
                    if value in initial:
                        continue
                    with self.subTest(model=model, field=fname, value=value):
                        with self.assertRaises(UserError):  # AccessError is one
                            Model.create({"name": "Forged", fname: value})
                        with self.assertRaises(UserError):
                            Model.with_context(**{f"default_{fname}": value}).create(
                                {"name": "Forged"}
                            )
            self.assertEqual(Model.sudo().search_count([]), count, model)
