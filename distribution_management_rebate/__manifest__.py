{
    "name": "Distribution Management: Rebates",
    "summary": "Dealer volume rebates (返利): programs, accruals, settlement credit "
    "notes, dealer statements (对账单) and their reconciliation to the ledger",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "Distribution Management Contributors",
    "website": "https://github.com/distribution-management/distribution_management",
    "depends": [
        "distribution_management",
        "account",
    ],
    "data": [
        "security/distribution_management_rebate_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "data/ir_sequence_data.xml",
        "views/dms_rebate_views.xml",
        "report/dms_statement_report.xml",
        "views/dms_statement_views.xml",
        "views/res_partner_views.xml",
        "views/portal_rebate_templates.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/dms_rebate_demo.xml",
    ],
    "external_dependencies": {"python": ["xlsxwriter"]},
}
