import json

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools import SQL

# How precise each matching criterion is: the most specific match wins.
SPEC_COUNTRY, SPEC_STATE, SPEC_CITY, SPEC_ZIP, SPEC_POLYGON = 1, 2, 3, 4, 5


def _split_list(value):
    """'a, b；c' -> ['a', 'b', 'c'] (ASCII and full-width separators)."""
    if not value:
        return []
    for sep in ("，", "；", ";", "\n"):
        value = value.replace(sep, ",")
    return [item.strip() for item in value.split(",") if item.strip()]


def _point_in_ring(lon, lat, ring):
    """Ray casting; ``ring`` is a list of [lon, lat] positions."""
    inside = False
    count = len(ring)
    j = count - 1
    for i in range(count):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def _polygons_of(geometry):
    """Polygons (lists of rings) of a GeoJSON geometry, Feature or collection."""
    kind = geometry.get("type")
    if kind == "FeatureCollection":
        return [p for f in geometry.get("features", []) for p in _polygons_of(f)]
    if kind == "Feature":
        return _polygons_of(geometry.get("geometry") or {})
    if kind == "Polygon":
        return [geometry["coordinates"]]
    if kind == "MultiPolygon":
        return list(geometry["coordinates"])
    raise ValueError(kind)


def point_in_geojson(lon, lat, geometry):
    for rings in _polygons_of(geometry):
        if rings and _point_in_ring(lon, lat, rings[0]):
            if not any(_point_in_ring(lon, lat, hole) for hole in rings[1:]):
                return True
    return False


class DmsGrid(models.Model):
    _name = "dms.grid"
    _description = "Grid Territory"
    _inherit = ["mail.thread"]
    _parent_store = True
    _parent_name = "parent_id"
    _rec_name = "complete_name"
    _order = "complete_name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    code = fields.Char(tracking=True)
    complete_name = fields.Char(
        compute="_compute_complete_name", store=True, recursive=True
    )
    level = fields.Selection(
        [
            ("region", "Region"),
            ("city", "City"),
            ("district", "District"),
            ("cell", "Cell"),
        ],
        required=True,
        default="cell",
        tracking=True,
    )
    parent_id = fields.Many2one(
        "dms.grid",
        string="Parent Grid",
        index=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("dms.grid", "parent_id", string="Sub-grids")
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    manager_ids = fields.Many2many(
        "res.users",
        "dms_grid_res_users_rel",
        "grid_id",
        "user_id",
        string="Managers",
        domain="[('share', '=', False)]",
    )
    # matching criteria, from the broadest to the most precise
    country_id = fields.Many2one("res.country")
    state_ids = fields.Many2many(
        "res.country.state",
        string="States / Provinces",
        domain="[('country_id', '=?', country_id)]",
    )
    city_names = fields.Char(string="Cities", help="City names, separated by commas.")
    zip_prefixes = fields.Char(
        string="ZIP Prefixes",
        help="Postal code prefixes, separated by commas: 2001 matches 200120.",
    )
    polygon = fields.Text(
        string="Polygon (GeoJSON)",
        help="A GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection, in "
        "longitude/latitude; matched against the partner's coordinates.",
    )
    partner_ids = fields.One2many("res.partner", "dms_grid_id", string="Partners")
    distributor_count = fields.Integer(compute="_compute_distributor_count")
    is_covered = fields.Boolean(
        string="Covered",
        compute="_compute_is_covered",
        search="_search_is_covered",
        help="An active approved distributor is assigned to this grid.",
    )
    note = fields.Html()

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "The grid code must be unique per company.",
        ),
    ]

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for grid in self:
            if grid.parent_id:
                grid.complete_name = f"{grid.parent_id.complete_name} / {grid.name}"
            else:
                grid.complete_name = grid.name

    def _compute_distributor_count(self):
        """Distributors of the grid and of its sub-grids: a region counts the
        dealers of its cities and cells, as its button lists them."""
        groups = self.env["res.partner"]._read_group(
            [("dms_grid_id", "child_of", self.filtered("id").ids)]
            + [("dms_state", "!=", False)],
            ["dms_grid_id"],
            ["__count"],
        )
        for grid in self:
            prefix = grid.parent_path or "-"  # a new grid has no path
            counts = [n for cell, n in groups if cell.parent_path.startswith(prefix)]
            grid.distributor_count = sum(counts)

    def _covered_grid_ids(self):
        self.env["res.partner"].flush_model(["dms_grid_id", "dms_state", "active"])
        self.env.cr.execute(
            SQL(
                "SELECT DISTINCT dms_grid_id FROM res_partner "
                "WHERE dms_grid_id IS NOT NULL AND active AND dms_state = %s",
                "approved",
            )
        )
        return {row[0] for row in self.env.cr.fetchall()}

    def _compute_is_covered(self):
        covered = self._covered_grid_ids()
        for grid in self:
            grid.is_covered = grid.id in covered

    def _search_is_covered(self, operator, value):
        if operator not in ("=", "!="):
            raise ValidationError(_("Unsupported search on coverage."))
        positive = (operator == "=") == bool(value)
        ids = list(self._covered_grid_ids())
        return [("id", "in" if positive else "not in", ids)]

    @api.constrains("parent_id")
    def _check_parent(self):
        if self._has_cycle():
            raise ValidationError(_("A grid cannot be its own ancestor."))

    @api.constrains("polygon")
    def _check_polygon(self):
        for grid in self.filtered("polygon"):
            try:
                geometry = json.loads(grid.polygon)
                polygons = _polygons_of(geometry)
                for rings in polygons:
                    for ring in rings:
                        if len(ring) < 4 or any(
                            len(pos) < 2
                            or not all(isinstance(c, int | float) for c in pos[:2])
                            for pos in ring
                        ):
                            raise ValueError
                if not polygons:
                    raise ValueError
            except (ValueError, TypeError, KeyError, AttributeError, IndexError):
                raise ValidationError(
                    _(
                        "Grid %(grid)s: the polygon is not a valid GeoJSON Polygon "
                        "or MultiPolygon (rings of at least 4 [longitude, latitude] "
                        "positions).",
                        grid=grid.display_name,
                    )
                ) from None

    def write(self, vals):
        res = super().write(vals)
        if {"parent_id", "manager_ids", "active"} & set(vals):
            # grid record rules expand child_of and managers when computed
            self.env.registry.clear_cache()
        return res

    @api.model_create_multi
    def create(self, vals_list):
        grids = super().create(vals_list)
        if any(vals.get("manager_ids") for vals in vals_list):
            self.env.registry.clear_cache()
        return grids

    # ------------------------------------------------------------------
    # Matching
    # ------------------------------------------------------------------
    def _match_own_criteria(self, partner, polygon_cache):
        """(precision, zip prefix length) of ``partner`` against the criteria
        set on this grid itself; (0, 0) when it sets none; None on a miss."""
        self.ensure_one()
        best = 0
        zip_len = 0
        if self.country_id:
            if partner.country_id != self.country_id:
                return None
            best = SPEC_COUNTRY
        if self.state_ids:
            if partner.state_id not in self.state_ids:
                return None
            best = SPEC_STATE
        cities = _split_list(self.city_names)
        if cities:
            city = (partner.city or "").strip().casefold()
            if city not in {c.casefold() for c in cities}:
                return None
            best = SPEC_CITY
        prefixes = _split_list(self.zip_prefixes)
        if prefixes:
            zip_code = (partner.zip or "").replace(" ", "")
            matched = [p for p in prefixes if zip_code and zip_code.startswith(p)]
            if not matched:
                return None
            best = SPEC_ZIP
            zip_len = max(len(p) for p in matched)
        if self.polygon:
            lat, lon = partner.partner_latitude, partner.partner_longitude
            if not (lat or lon):
                return None
            geometry = polygon_cache.get(self.id)
            if geometry is None:
                geometry = polygon_cache[self.id] = json.loads(self.polygon)
            if not point_in_geojson(lon, lat, geometry):
                return None
            best = SPEC_POLYGON
        return (best, zip_len)

    def _match_specificity(self, partner, polygon_cache, memo):
        """Specificity key of ``partner`` in this grid, or None if no match.

        The criteria of the grid and of all its ancestors must hold (a cell
        never matches outside its region); the key ranks the most precise
        criterion set on the grid itself (polygon > zip > city > state >
        country), then the length of the matched zip prefix, then the depth.
        ``memo`` caches per-grid outcomes for this partner.
        """
        self.ensure_one()
        own = None
        node, depth = self, 0
        while node:
            if node.id not in memo:
                memo[node.id] = node._match_own_criteria(partner, polygon_cache)
            outcome = memo[node.id]
            if outcome is None:
                return None
            if node == self:
                own = outcome
            node, depth = node.parent_id, depth + 1
        if not own or not own[0]:
            return None
        return (own[0], own[1], depth)

    @api.model
    def _match_partners(self, partners):
        """Best grid per partner: {partner: (grid, ambiguous_grids)}.

        ``partners`` may hold new (not yet created) records.

        ``grid`` is empty when nothing matches or the best matches tie; the
        tied grids are returned so that the ambiguity can be reported.
        """
        result = {}
        grids_by_company = {}
        polygon_cache = {}
        for partner in partners:
            company = partner._dms_company()
            key = company.id
            if key not in grids_by_company:
                domain = [
                    "|",
                    "|",
                    "|",
                    "|",
                    ("country_id", "!=", False),
                    ("state_ids", "!=", False),
                    ("city_names", "!=", False),
                    ("zip_prefixes", "!=", False),
                    ("polygon", "!=", False),
                ]
                domain = expression.AND([domain, [("company_id", "=", company.id)]])
                grids_by_company[key] = self.sudo().search(domain)
            scored = []
            memo = {}
            for grid in grids_by_company[key]:
                spec = grid._match_specificity(partner, polygon_cache, memo)
                if spec:
                    scored.append((spec, grid))
            if not scored:
                result[partner] = (self.browse(), self.browse())
                continue
            top = max(spec for spec, _grid in scored)
            winners = self.browse([grid.id for spec, grid in scored if spec == top])
            if len(winners) == 1:
                result[partner] = (winners, self.browse())
            else:
                result[partner] = (self.browse(), winners)
        return result

    def action_view_distributors(self):
        self.ensure_one()
        return self.env["res.partner"]._dms_distributor_action(
            "dms_grid_id", self.id, operator="child_of"
        )
