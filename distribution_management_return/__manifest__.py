{
    "name": "Distribution Management: Returns",
    "summary": "Dealer return and exchange requests (portal and back office), "
    "return transfers and credit notes net of the order's promotions",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "Distribution Management Contributors",
    "website": "https://github.com/distribution-management/distribution_management",
    "depends": [
        "distribution_management",
        "sale_stock",
        "sale_loyalty",
    ],
    "data": [
        "security/ir.model.access.csv",
        "security/distribution_management_return_security.xml",
        "data/ir_sequence_data.xml",
        "views/dms_return_request_views.xml",
        "views/portal_return_templates.xml",
        "views/menus.xml",
    ],
}
