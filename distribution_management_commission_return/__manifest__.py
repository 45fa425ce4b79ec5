{
    "name": "Distribution Management - Commissions / Returns",
    "summary": "Returned goods take back the commission paid on them",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "Distribution Management Contributors",
    "website": "https://github.com/distribution-management/distribution_management",
    "depends": ["distribution_management_commission", "distribution_management_return"],
    "auto_install": True,
}
