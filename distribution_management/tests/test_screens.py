"""Back-office screens that answer the next question (issue 13): what a list
shows, read as the grid manager who uses it."""

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import DmsCommon


@tagged("post_install", "-at_install")
class TestApplicationList(DmsCommon):
    def test_applications_show_applied_date_and_documents(self):
        """Applications to Review lists each application with the day it came
        in (newest first) and whether its required documents are complete."""
        licence = self.env["dms.document.type"].create(
            {"name": "Business licence (screens)", "required": True}
        )
        first = self._create_distributor("Applicant One", "draft", zip_code="200125")
        second = self._create_distributor("Applicant Two", "draft", zip_code="200126")
        (first | second).write({"dms_state": "submitted"})
        first.dms_applied_on = "2026-11-30 23:30:00"
        second.dms_applied_on = "2026-12-01 08:00:00"
        self.env["dms.document"].create(
            {
                "partner_id": second.id,
                "type_id": licence.id,
                "review_state": "accepted",
            }
        )
        manager = self._grid_user("application_list_manager", self.grid_east)
        action = self.env["ir.actions.actions"]._for_xml_id(
            "distribution_management.action_dms_application"
        )
        Partner = self.env["res.partner"].with_user(manager)
        list_view = next(view for view, mode in action["views"] if mode == "list")
        arch = Partner.get_views([(list_view, "list")])["views"]["list"]["arch"]
        for field in ("dms_applied_on", "dms_checklist_ok", "dms_checklist_missing"):
            self.assertIn(f'name="{field}"', arch)
        self.assertIn('default_order="dms_applied_on desc', arch)
        rows = Partner.web_search_read(
            safe_eval(action["domain"]) + [("id", "in", (first | second).ids)],
            {
                "name": {},
                "dms_applied_on": {},
                "dms_checklist_ok": {},
                "dms_checklist_missing": {},
            },
            order="dms_applied_on desc, id desc",
        )["records"]
        self.assertEqual(
            [row["name"] for row in rows], ["Applicant Two", "Applicant One"]
        )
        self.assertFalse(rows[1]["dms_checklist_ok"])
        self.assertIn(licence.name, rows[1]["dms_checklist_missing"])
        self.assertNotIn(licence.name, rows[0]["dms_checklist_missing"] or "")
