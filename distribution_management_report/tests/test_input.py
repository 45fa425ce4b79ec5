"""Workflow states of the add-on's records change through their actions only
(the core's state guard, as on the core's records)."""

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.distribution_management.tests.common import DmsCommon


# reads an anomaly of the demo data (tag dms_demo: left out without it)
@tagged("post_install", "-at_install", "dms_demo")
class TestStateGuard(DmsCommon):
    """A manager's direct write or create of an anomaly's state is refused,
    the actions keep working."""

    GUARDED = {
        "dms.anomaly": ["state"],
    }

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
                ]
            ),
        )

    def _record(self, model):
        # the demo data holds one of each
        record = self.env[model].search([], limit=1)
        self.assertTrue(record, f"no {model} to test (demo data installed?)")
        return record

    def _other_value(self, record, fname):
        field = record._fields[fname]
        values = [v for v, _l in field._description_selection(self.env)]
        return next(v for v in values if v != record[fname])

    def test_direct_writes_refused(self):
        for model, fnames in self.GUARDED.items():
            record = self._record(model)
            for fname in fnames:
                value = self._other_value(record, fname)
                with self.subTest(model=model, field=fname, value=value):
                    before = record[fname]
                    as_manager = record.with_user(self.manager)
                    writable = as_manager.has_access("write")
                    with self.assertRaisesRegex(
                        UserError,
                        "changes only through" if writable else "not allowed to modify",
                    ):
                        as_manager.write({fname: value})
                    record.invalidate_recordset()
                    self.assertEqual(record[fname], before)
                    if writable:
                        # writing the state it already has changes nothing
                        as_manager.write({fname: before})

    def test_direct_creates_refused(self):
        for model, fnames in self.GUARDED.items():
            Model = self.env[model]
            count = Model.search_count([])
            for fname in fnames:
                initial = Model._dms_initial_states(fname)
                value = next(
                    v
                    for v, _l in Model._fields[fname]._description_selection(self.env)
                    if v not in initial
                )
                with self.subTest(model=model, field=fname, value=value):
                    with self.assertRaises(UserError):  # AccessError is one too
                        Model.with_user(self.manager).create(
                            {"name": "Forged", fname: value}
                        )
                    # nor through a default of the context
                    with self.assertRaises(UserError):  # AccessError is one too
                        Model.with_user(self.manager).with_context(
                            **{f"default_{fname}": value}
                        ).create({"name": "Forged"})
            self.assertEqual(Model.search_count([]), count, model)

    def test_actions_still_work_as_manager(self):
        env = self.env(user=self.manager)
        anomaly = env["dms.anomaly"].search([("state", "=", "open")], limit=1)
        if anomaly:
            anomaly.action_done()
            self.assertEqual(anomaly.state, "done")
            anomaly.action_reopen()
            self.assertEqual(anomaly.state, "open")
