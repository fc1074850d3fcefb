/** @odoo-module */
// Click-throughs of l10n_ch_tilbago on the demo data a newcomer sees (the Swiss demo
// company, the demo Epsitec SA invoice in litigation); run by tests/test_tour.py.
//
// Buttons, menus and stages are found by their technical names (button name=, menu
// XML id, stage value), so rewording a label does not break a tour.
// Steps whose run() logs "tilbago_screen: <name>" mark a finished screen: the Python test
// can take a screenshot there (TILBAGO_TOUR_SCREENSHOTS=1). The log is harmless otherwise.

import { formatDate } from "@web/core/l10n/dates";
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

/** A run() that fails unless the selection field shows ``label`` (options are hidden). */
function selected(label) {
    return function () {
        const text = this.anchor.selectedOptions[0]?.textContent.trim();
        if (text !== label) {
            throw new Error(`The selection shows "${text}", expected "${label}"`);
        }
    };
}

function screen(name) {
    return () => console.log(`tilbago_screen: ${name}`);
}

const MODAL = ".modal .o_form_view";
const SUCCESS = ".o_notification:has(.o_notification_bar.bg-success)";

function stage(...values) {
    const current = values.map((v) => `[data-value=${v}]`).join(",");
    return `.o_statusbar_status button.o_arrow_button_current:is(${current})`;
}

function menu(xmlid) {
    return `[data-menu-xmlid='l10n_ch_tilbago.${xmlid}']`;
}

/** Open ``xmlid`` from the Debt Collection menu of Invoicing. */
function debtCollectionMenu(xmlid, content) {
    return [
        {
            content: "Open the Debt Collection menu of Invoicing",
            trigger: `.o_main_navbar .o_menu_sections button${menu("menu_tilbago_root")}`,
            run: "click",
        },
        {
            content,
            trigger: `.o-dropdown--menu .dropdown-item${menu(xmlid)}`,
            run: "click",
        },
    ];
}

/**
 * From the demo Epsitec invoice: Debt Enforcement, the three steps, Send, the case,
 * Refresh Status, Attach Document. ``texts`` holds what the user's language shows.
 */
function requisitionSteps(texts) {
    return [
        {
            content: "The overdue invoice of Epsitec SA is open",
            trigger: ".o_form_view .o_field_widget[name=partner_id]:contains('Epsitec SA')",
            run: screen("invoice"),
        },
        {
            content: "Start the debt enforcement",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_tilbago_requisition]",
            run: "click",
        },
        // step 1: the claim, prefilled from the invoice
        {
            content: "The wizard opens on the claim step",
            trigger: `${MODAL} ${stage("claim")}:contains(${texts.claim})`,
        },
        {
            content: "The claim reason is the invoice number in the debtor's language",
            trigger: `${MODAL} .o_field_widget[name=reason] input:value(/^Facture INV\\//)`,
        },
        {
            content: "The claim amount is the open amount",
            trigger: `${MODAL} .o_field_widget[name=amount] input:value(/12.?565\\.60/)`,
        },
        {
            content: "The due date is shown in the user's format",
            trigger: `${MODAL} .o_field_widget[name=due_date] input:value(${texts.date})`,
        },
        {
            content: "The interest rate reads 5.00, not 5.00000",
            trigger: `${MODAL} .o_field_widget[name=interest_rate] input:value(/^5[.,]00$/)`,
            run: screen("wizard_claim"),
        },
        {
            content: "Go on to the debtor",
            trigger: ".modal-footer button[name=action_next]",
            run: "click",
        },
        // step 2: the debtor, prefilled from the partner
        {
            content: "The wizard shows the debtor step",
            trigger: `${MODAL} ${stage("debtor")}:contains(${texts.debtor})`,
        },
        {
            content: "The debtor is the legal person Epsitec SA",
            trigger: `${MODAL} .o_field_widget[name=debtor_company] input:value(Epsitec SA)`,
        },
        {
            content: "Its UID is taken from the partner",
            trigger: `${MODAL} .o_field_widget[name=debtor_uid] input:value(CHE-107.933.850)`,
        },
        {
            content: "Its address is split into street and number",
            trigger: `${MODAL} .o_field_widget[name=debtor_street_number] input:value(6)`,
            run: screen("wizard_debtor"),
        },
        {
            content: "Go on to the confirmation",
            trigger: ".modal-footer button[name=action_next]",
            run: "click",
        },
        // step 3: confirmation
        {
            content: "The wizard shows the confirmation step",
            trigger: `${MODAL} .o_form_statusbar:has(${stage("confirm")})`,
        },
        {
            content: "The summary shows the amount in Swiss format and names the debtor",
            trigger: `${MODAL} .o_field_widget[name=summary_html]:contains("12'565.60"):contains(Epsitec SA)`,
        },
        {
            content: "Nothing blocks the request, Send is hidden until confirmed",
            trigger: `.modal:not(:has(.modal-footer button[name=action_send])):not(:has(.alert-danger:visible))`,
            run: screen("wizard_confirm"),
        },
        {
            content: "Confirm that the data are correct",
            trigger: `${MODAL} .o_field_widget[name=confirmed] input[type=checkbox]`,
            run: "click",
        },
        {
            content: "Send the request to tilbago",
            trigger: ".modal-footer button[name=action_send]",
            run: "click",
        },
        // the case
        {
            content: "tilbago confirms the case",
            trigger: SUCCESS,
        },
        {
            content: "The case opens with tilbago's ID",
            trigger: ".o_form_view .o_field_widget[name=tilbago_id]:not(:empty)",
        },
        {
            content: "The case is in tilbago (waiting for the review, or submitted)",
            trigger: `.o_form_view .o_form_statusbar:has(${stage("review", "submitted")})`,
            run: screen("case"),
        },
        {
            content: "Ask tilbago for the current status",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_refresh_status]",
            run: "click",
        },
        {
            content: "The status is refreshed",
            trigger: SUCCESS,
        },
        {
            content: "The case is still in tilbago's hands",
            trigger: `.o_form_view .o_form_statusbar:has(${stage("review", "submitted")})`,
            run: screen("case_refreshed"),
        },
        {
            content: "Attach a document to the case",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_attach_document]",
            run: "click",
        },
        {
            content: "Pick the delivery note attached to the invoice",
            trigger: `${MODAL} .o_field_widget[name=attachment_ids] input`,
            run: "edit Bon de livraison",
        },
        {
            content: "The delivery note is offered",
            trigger: ".o-autocomplete--dropdown-item:contains(Bon de livraison)",
            run: "click",
        },
        {
            content: "Attach it and send it to tilbago",
            trigger: `${MODAL} .o_field_widget[name=attachment_ids] .o_tag:contains(Bon de livraison)`,
            run: screen("attach_document"),
        },
        {
            content: "Attach and send",
            trigger: ".modal-footer button[name=action_attach]",
            run: "click",
        },
        {
            content: "Open the documents of the case",
            trigger: "body:not(:has(.modal)) .o_form_view .o_notebook a.nav-link[name=documents]",
            run: "click",
        },
        {
            content: "The delivery note is among the case's documents, sent",
            trigger: `.o_form_view .o_field_widget[name=document_ids] .o_data_row:contains(Bon de livraison) [name=state]:contains(${texts.sent})`,
            run: screen("case_documents"),
        },
    ];
}

registry.category("web_tour.tours").add("l10n_ch_tilbago_requisition", {
    steps: () => requisitionSteps({
        claim: "Claim", debtor: "Debtor", date: "/^\\d{2}\\/\\d{2}\\/\\d{4}$/", sent: "Sent",
    }),
});

registry.category("web_tour.tours").add("l10n_ch_tilbago_requisition_fr", {
    steps: () => requisitionSteps({
        claim: "Créance", debtor: "Débiteur", date: "/^\\d{2}\\.\\d{2}\\.\\d{4}$/", sent: "Envoyé",
    }),
});

registry.category("web_tour.tours").add("l10n_ch_tilbago_reminders", {
    steps: () => [
        ...stepUtils.goToAppSteps("account.menu_finance", "Open the Invoicing app"),
        ...debtCollectionMenu("menu_tilbago_reminder_overview", "Open the overview"),
        {
            content: "The overview opens on the table of the amounts due by level",
            trigger: ".o_pivot_view .o_pivot th:contains(Litigation)",
            run: screen("overview_pivot"),
        },
        {
            content: "Switch to the chart",
            trigger: ".o_control_panel .o_switch_view.o_graph",
            run: "click",
        },
        {
            content: "The chart shows the amounts due",
            trigger: ".o_graph_view .o_graph_canvas_container canvas",
            run: screen("overview_graph"),
        },
        ...debtCollectionMenu("menu_tilbago_litigation", "Open the invoices in litigation"),
        {
            content: "The litigation list shows the invoice of Epsitec SA",
            trigger: ".o_list_view .o_data_row:contains(Epsitec SA)",
            run: screen("litigation"),
        },
        {
            content: "Select the invoice of Epsitec SA",
            trigger: ".o_list_view .o_data_row:contains(Epsitec SA) .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Start the debt enforcement from the list",
            trigger: ".o_list_view .o_control_panel_actions button[name=action_tilbago_requisition], .o_control_panel button[name=action_tilbago_requisition]",
            run: "click",
        },
        {
            content: "The request opens on the selected invoice",
            trigger: `${MODAL} .o_field_widget[name=reason] input:value(/^Facture INV\\//)`,
            run: screen("litigation_requisition"),
        },
        {
            content: "Close the request without sending it",
            trigger: ".modal-footer button.btn-secondary[special=cancel], .modal-footer button.btn-secondary:contains(Cancel)",
            run: "click",
        },
        {
            content: "The request is closed, back on the list",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "Open the invoice",
            trigger: ".o_list_view .o_data_row:contains(Epsitec SA) .o_data_cell[name=name]",
            run: "click",
        },
        {
            content: "The invoice offers the Debt Enforcement button",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_tilbago_requisition]",
            run: screen("litigation_invoice"),
        },
    ],
});

registry.category("web_tour.tours").add("l10n_ch_tilbago_settings", {
    steps: () => [
        {
            content: "Open the Invoicing settings",
            trigger: ".settings_tab .tab[data-key=account]",
            run: "click",
        },
        {
            content: "The block shows the URL in use",
            trigger: "#tilbago_connection .o_field_widget[name=tilbago_effective_url]:contains(127.0.0.1)",
            run: screen("settings"),
        },
        {
            content: "The default interest rate reads 5.00, not 5.00000",
            trigger: ".o_field_widget[name=tilbago_interest_rate] input:value(/^5\\.00$/)",
        },
        {
            content: "The default collocation class is named as in the wizard",
            trigger: ".o_field_widget[name=tilbago_collocation_class] select",
            run: selected("3 - Every other claim"),
        },
        {
            content: "Test the connection",
            trigger: "#tilbago_connection button[name=action_tilbago_test_connection]",
            run: "click",
        },
        {
            content: "tilbago accepted the API key",
            trigger: SUCCESS,
            run: screen("settings_tested"),
        },
    ],
});

/**
 * A run() that fails unless the list has a row of case ``ref`` containing ``text``
 * (``present``) or none (``!present``): the demo cases share their deadlines' wording.
 */
function caseRow(ref, text, present = true) {
    return function () {
        const rows = [...document.querySelectorAll(".o_list_view .o_data_row")].filter(
            (row) => row.textContent.includes(ref()) && row.textContent.includes(text)
        );
        if (Boolean(rows.length) !== present) {
            throw new Error(`${present ? "No" : "A"} row of ${ref()} with "${text}"`);
        }
    };
}

registry.category("web_tour.tours").add("l10n_ch_tilbago_case_stages", {
    steps: () => {
        // the day the office communicated the objection: three days ago
        const objectionDate = formatDate(luxon.DateTime.local().minus({ days: 3 }));
        let reference = "";
        const ref = () => reference;
        const interventions = ".o_form_view .o_field_widget[name=activity_ids]";
        return [
            ...stepUtils.goToAppSteps("account.menu_finance", "Open the Invoicing app"),
            ...debtCollectionMenu("menu_tilbago_case", "Open the cases"),
            {
                content: "Open the case of Costruzioni Ceresio SA, its payment order served",
                // the cases' list (its tilbago ID column), not the invoices' list it replaces,
                // which also shows a row of Costruzioni Ceresio SA while the action loads
                trigger: ".o_list_view .o_data_row:contains(Costruzioni Ceresio SA):has(.o_data_cell[name=tilbago_id]) .o_data_cell[name=name]",
                run: "click",
            },
            {
                content: "The case is at the payment order",
                trigger: `.o_form_view .o_form_statusbar:has(${stage("payment_order")})`,
                run() {
                    reference = document
                        .querySelector(".o_form_view .o_field_widget[name=name]")
                        .textContent.trim();
                    screen("case_payment_order")();
                },
            },
            {
                content: "It is urgent",
                trigger: ".o_form_view .o_field_widget[name=priority] .o_priority_star.fa-star:eq(1)",
            },
            {
                content: "Open the collection file",
                trigger: ".o_form_view .o_notebook a.nav-link[name=collection_file]",
                run: "click",
            },
            {
                content: "The debtor disputes the quality of the work",
                trigger: ".o_form_view .o_field_widget[name=dispute_reason_id] input:value(Disputed quality)",
            },
            {
                content: "Maria Rossi is the debtor's contact",
                trigger: ".o_form_view .o_field_widget[name=debtor_contact_id] input:value(/Maria Rossi/)",
                run: screen("collection_file"),
            },
            {
                content: "Open the participants",
                trigger: ".o_form_view .o_notebook a.nav-link[name=participants]",
                run: "click",
            },
            {
                content: "The office of Lugano takes part",
                trigger: ".o_form_view .o_field_widget[name=participant_ids] .o_data_row:contains(Ufficio di esecuzione di Lugano)",
            },
            {
                content: "Maria Rossi takes part for the debtor",
                trigger: ".o_form_view .o_field_widget[name=participant_ids] .o_data_row:contains(Maria Rossi)",
                run: screen("participants"),
            },
            {
                content: "Open the interventions",
                trigger: ".o_form_view .o_notebook a.nav-link[name=interventions]",
                run: "click",
            },
            {
                content: "The deadline to oppose the payment order is planned",
                trigger: `${interventions} .o_data_row:contains(Debtor may oppose until)`,
            },
            {
                content: "So are the deadline to pay and the continuation",
                trigger: `${interventions}:has(.o_data_row:contains(Payment due by)):has(.o_data_row:contains(Request continuation))`,
                run: screen("interventions_payment_order"),
            },
            {
                content: "Set the stage the office communicated",
                trigger: ".o_form_view .o_statusbar_buttons button[name=action_set_stage]",
                run: "click",
            },
            {
                content: "The debtor raised an objection",
                trigger: `${MODAL} .o_field_widget[name=stage] select`,
                run: 'select "opposition"',
            },
            {
                content: "Three days ago",
                trigger: `${MODAL} .o_field_widget[name=stage_date] input`,
                run: `edit ${objectionDate}`,
            },
            {
                content: "Add a note for the chatter",
                trigger: `${MODAL} .o_field_widget[name=note] input`,
                run: "edit Letter of the office",
            },
            {
                content: "The date is kept",
                trigger: `${MODAL} .o_field_widget[name=stage_date] input:value(${objectionDate})`,
                run: screen("set_stage"),
            },
            {
                content: "Set the stage",
                trigger: ".modal-footer button[name=action_apply]",
                run: "click",
            },
            {
                content: "The case shows the objection",
                trigger: `body:not(:has(.modal)) .o_form_view .o_form_statusbar:has(${stage("opposition")})`,
            },
            {
                content: "The lifting of the objection is planned",
                trigger: `${interventions} .o_data_row:contains(Lift the opposition)`,
            },
            {
                content: "The deadlines of the payment order are closed",
                trigger: `${interventions}:not(:has(.o_data_row:contains(Debtor may oppose until))):not(:has(.o_data_row:contains(Payment due by))):not(:has(.o_data_row:contains(Request continuation)))`,
                run: screen("interventions_opposition"),
            },
            {
                content: "Open the statement",
                trigger: ".o_form_view .o_notebook a.nav-link[name=statement]",
                run: "click",
            },
            {
                content: "The principal claimed is the invoice's",
                trigger: ".o_form_view .o_field_widget[name=tilbago_principal]:contains(8,750.00)",
            },
            {
                content: "Nothing was received, the principal is still open",
                trigger: ".o_form_view .o_field_widget[name=tilbago_open_principal]:contains(8,750.00)",
                run: screen("statement"),
            },
            ...debtCollectionMenu("menu_tilbago_actions_to_do", "Open the actions to do"),
            {
                content: "The lifting of the objection is among the collector's actions",
                trigger: ".o_list_view .o_data_row:contains(Lift the opposition)",
                run: caseRow(ref, "Lift the opposition"),
            },
            {
                content: "The closed deadlines of the payment order are not",
                trigger: ".o_list_view .o_data_row",
                run() {
                    caseRow(ref, "Debtor may oppose until", false)();
                    caseRow(ref, "Payment due by", false)();
                    screen("actions_to_do")();
                },
            },
        ];
    },
});
