/** @odoo-module **/
/**
 * Date and datetime columns of lists as wide as the user's date format.
 *
 * Odoo gives every date column 80 px and every datetime column 145 px,
 * enough for "12/28/2026" but not for a Chinese "2026年12月28日", which lists
 * cut to "2026年12…". The width becomes that of the widest date of the
 * user's format, measured in the list's font; it never shrinks below Odoo's.
 */
import { formatDate, formatDateTime } from "@web/core/l10n/dates";
import { dateField, dateTimeField } from "@web/views/fields/datetime/datetime_field";
import {
    listDateField,
    listDateTimeField,
} from "@web/views/fields/datetime/list_datetime_field";

const { DateTime } = luxon;

// the widest day of the year in most formats: two-digit month and day, late
const SAMPLE = DateTime.fromObject({
    year: 2026,
    month: 12,
    day: 28,
    hour: 23,
    minute: 58,
    second: 58,
});
const ODOO_WIDTHS = { date: 80, datetime: 145 };
const measured = {};
let canvas = null;

function textWidth(text) {
    canvas = canvas || document.createElement("canvas");
    const context = canvas.getContext("2d");
    const cell = document.querySelector(".o_list_table .o_data_cell");
    const style = window.getComputedStyle(cell || document.body);
    // the shorthand "font" may hold a line height, which a canvas refuses
    context.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    return Math.ceil(context.measureText(text).width);
}

function listViewWidth(type) {
    const text = type === "datetime" ? formatDateTime(SAMPLE) : formatDate(SAMPLE);
    if (!(text in measured)) {
        // a pixel each side for the rounding of the browser
        measured[text] = Math.max(ODOO_WIDTHS[type], textWidth(text) + 2);
    }
    return measured[text];
}

// lists take the list.* copies; the others serve one2many lists in forms
for (const [type, field] of [
    ["date", dateField],
    ["date", listDateField],
    ["datetime", dateTimeField],
    ["datetime", listDateTimeField],
]) {
    if (!field.listViewWidth) {
        field.listViewWidth = () => listViewWidth(type);
    }
}
