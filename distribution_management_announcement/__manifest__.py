{
    "name": "Distribution Management: Announcements",
    "summary": "Announcements (公告) to the dealers of the network, by tier, grid "
    "or list, with email, a portal page and read receipts",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "Distribution Management Contributors",
    "website": "https://github.com/distribution-management/distribution_management",
    "depends": [
        "distribution_management",
        "mail",
        "portal",
    ],
    "data": [
        "security/ir.model.access.csv",
        "security/distribution_management_announcement_security.xml",
        "data/dms_announcement_data.xml",
        "views/dms_announcement_views.xml",
        "views/portal_announcement_templates.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/dms_announcement_demo.xml",
    ],
}
