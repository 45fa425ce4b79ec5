{
    "name": "Distribution Management: Commissions",
    "summary": "Multi-level distributor commissions (佣金): rules, an append-only "
    "ledger, settlement runs, withdrawals (提现) and the portal commission page",
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
        "security/ir.model.access.csv",
        "security/distribution_management_commission_security.xml",
        "data/ir_cron_data.xml",
        "data/ir_sequence_data.xml",
        "views/dms_commission_views.xml",
        "views/dms_withdrawal_views.xml",
        "views/res_partner_views.xml",
        "wizards/dms_settlement_wizard_views.xml",
        "views/res_config_settings_views.xml",
        "views/portal_commission_templates.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/dms_commission_demo.xml",
    ],
}
