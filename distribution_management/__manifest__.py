{
    "name": "Distribution Management",
    "summary": "Dealer and distributor network (分销/经销商管理): tiers, grid "
    "territories, applications and a dealer portal",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "Distribution Management Contributors",
    "website": "https://github.com/distribution-management/distribution_management",
    "depends": [
        "mail",
        "portal",
        "account",
        "sale_management",
        "sale_stock",
        "web_hierarchy",
    ],
    "data": [
        "security/dms_security.xml",
        "security/ir.model.access.csv",
        "data/dms_document_type_data.xml",
        "data/ir_cron_data.xml",
        "views/dms_tier_views.xml",
        "views/dms_grid_views.xml",
        "views/dms_document_views.xml",
        "views/res_partner_views.xml",
        "views/res_users_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/dms_state_reason_wizard_views.xml",
        "views/dms_application_templates.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/dms_tier_demo.xml",
        "demo/dms_grid_demo.xml",
        "demo/res_partner_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "distribution_management/static/tests/tours/*.js",
        ],
    },
    "application": True,
}
