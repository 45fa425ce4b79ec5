{
    "name": "Distribution Management - Reporting / Stock",
    "summary": "Move stock from a grid sales anomaly",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "Distribution Management Contributors",
    "website": "https://github.com/distribution-management/distribution_management",
    "depends": ["distribution_management_report", "distribution_management_stock"],
    "data": ["views/dms_anomaly_views.xml"],
    "demo": ["demo/dms_anomaly_demo.xml"],
    "auto_install": True,
}
