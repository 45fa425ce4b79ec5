{
    "name": "Distribution Management: Dealer Ordering",
    "summary": "The dealer's ordering app (订货) in the portal: a dealer assortment, "
    "a catalogue with the dealer's prices, a cart, approval and order tracking",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "Distribution Management Contributors",
    "website": "https://github.com/distribution-management/distribution_management",
    "depends": [
        "distribution_management_stock",
    ],
    "data": [
        "security/ir.model.access.csv",
    ],
    "demo": [],
}
