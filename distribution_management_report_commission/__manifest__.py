{
    "name": "Distribution Management - Reporting / Commissions",
    "summary": "A Commissions dashboard beside the distribution dashboard, "
    "the commission ledger exported to Excel",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "Distribution Management Contributors",
    "website": "https://github.com/distribution-management/distribution_management",
    "depends": ["distribution_management_report", "distribution_management_commission"],
    "data": [
        "views/dms_commission_views.xml",
        "data/dms_dashboard_data.xml",
    ],
    "auto_install": True,
}
