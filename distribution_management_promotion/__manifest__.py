{
    "name": "Distribution Management: Promotions",
    "summary": "Promotions (sale_loyalty) restricted to distributor tiers, grids "
    "and opted-in dealers; automatic rewards on portal quick orders",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "Distribution Management Contributors",
    "website": "https://github.com/distribution-management/distribution_management",
    "depends": [
        "distribution_management",
        "sale_loyalty",
    ],
    "data": [
        "security/ir.model.access.csv",
        "views/loyalty_program_views.xml",
        "views/portal_promotion_templates.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/loyalty_program_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "distribution_management_promotion/static/tests/tours/*.js",
        ],
    },
}
