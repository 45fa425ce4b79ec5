{
    "name": "Distribution Management - Reporting / Promotion",
    "summary": "Create a grid promotion from a drop of the grid's sales",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "Distribution Management Contributors",
    "website": "https://github.com/distribution-management/distribution_management",
    "depends": ["distribution_management_report", "distribution_management_promotion"],
    "data": ["views/dms_anomaly_views.xml"],
    "auto_install": True,
}
