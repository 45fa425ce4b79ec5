{
    "name": "Distribution Management - Reporting",
    "summary": "Sales analysis, distributor rankings, grid sales anomalies and "
    "the dashboard of the distribution network",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "Distribution Management Contributors",
    "website": "https://github.com/distribution-management/distribution_management",
    "depends": [
        "distribution_management",
        "sale_margin",
        "spreadsheet_dashboard",
    ],
    "data": [
        "security/ir.model.access.csv",
        "security/distribution_management_report_security.xml",
        "data/ir_cron_data.xml",
        "views/dms_anomaly_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/dms_export_wizard_views.xml",
        "report/dms_sale_report_views.xml",
        "report/dms_distributor_ranking_views.xml",
        "wizards/dms_anomaly_dismiss_wizard_views.xml",
        "views/menus.xml",
        "data/dms_dashboard_data.xml",
    ],
    "demo": [
        "demo/dms_sale_report_demo.xml",
        "demo/dms_anomaly_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "distribution_management_report/static/tests/tours/*.js",
        ],
    },
    "uninstall_hook": "uninstall_hook",
}
