/** @odoo-module */
// Interest rates are stored with 5 decimals (tilbago accepts up to 5: an agreed 4.125 %
// must not be rounded), but clerks type 5 or 4.5: show them with 2 decimals at least and
// the others only when they are not zeros ("5.00", "4.50", "4.125"), in the user's number
// format. Editing keeps every decimal typed.

import { _t } from "@web/core/l10n/translation";
import { localization } from "@web/core/l10n/localization";
import { registry } from "@web/core/registry";
import { FloatField, floatField } from "@web/views/fields/float/float_field";

const MIN_DECIMALS = 2;

/** "5.00000" -> "5.00", "4.12500" -> "4.125" (decimal point of the user's language). */
export function trimRate(formatted) {
    if (typeof formatted !== "string") {
        return formatted;
    }
    const point = localization.decimalPoint;
    const index = formatted.lastIndexOf(point);
    if (index < 0) {
        return formatted;
    }
    let end = formatted.length;
    while (end > index + point.length + MIN_DECIMALS && formatted[end - 1] === "0") {
        end--;
    }
    return formatted.slice(0, end);
}

export class TilbagoRateField extends FloatField {
    get formattedValue() {
        return trimRate(super.formattedValue);
    }
}

export const tilbagoRateField = {
    ...floatField,
    component: TilbagoRateField,
    displayName: _t("Interest Rate"),
};

registry.category("fields").add("tilbago_rate", tilbagoRateField);
