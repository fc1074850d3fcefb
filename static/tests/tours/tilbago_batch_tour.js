/** @odoo-module */
// Many debtors at once, on the demo data: from the litigation list, one request per
// debtor in a batch, the ready ones confirmed and queued; run by tests/test_case_batch.py.
// Buttons and menus are found by their technical names, as in tilbago_tours.js.

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const LINES = ".o_form_view .o_field_widget[name=line_ids]";

registry.category("web_tour.tours").add("l10n_ch_tilbago_batch", {
    steps: () => [
        ...stepUtils.goToAppSteps("account.menu_finance", "Open the Invoicing app"),
        {
            content: "Open the Debt Collection menu of Invoicing",
            trigger: ".o_main_navbar .o_menu_sections button[data-menu-xmlid='l10n_ch_tilbago.menu_tilbago_root']",
            run: "click",
        },
        {
            content: "Open the invoices in litigation",
            trigger: ".o-dropdown--menu .dropdown-item[data-menu-xmlid='l10n_ch_tilbago.menu_tilbago_litigation']",
            run: "click",
        },
        {
            content: "The litigation list shows the invoices of several debtors",
            trigger: ".o_list_view .o_data_row:contains(Keller)",
        },
        {
            content: "Select every invoice",
            trigger: ".o_list_view thead .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Prepare one request per debtor",
            trigger: ".o_control_panel button[name=action_tilbago_prepare_batch]",
            run: "click",
        },
        {
            content: "The batch shows the request against Epsitec SA, ready",
            trigger: `${LINES} .o_data_row:contains(Epsitec SA) .o_field_widget[name=state]:contains(Ready)`,
        },
        {
            content: "Confirm every request without problems",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_confirm_ready]",
            run: "click",
        },
        {
            content: "Send the confirmed requests",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_send_confirmed]",
            run: "click",
        },
        {
            content: "Confirm the sending",
            trigger: ".modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "The request against Epsitec SA is queued, sent in the background",
            trigger: `${LINES} .o_data_row:contains(Epsitec SA) .o_field_widget[name=state]:contains(Queued)`,
        },
        {
            content: "The batch says the requests are being sent",
            trigger: ".o_form_view .alert-info",
        },
    ],
});
